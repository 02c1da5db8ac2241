"""Reads: finding topologies and revisions for a request."""

from django.db.models import QuerySet
from django.http import HttpRequest

from playground.topologies.models import Revision, Topology
from playground.topologies.ownership import anonymous_owner_token


def topology_get(topology_id: str) -> Topology | None:
    return Topology.objects.filter(pk=topology_id).first()


def topology_by_share_token(token: str) -> Topology | None:
    return Topology.objects.filter(share_token=token).first()


def revision_get(topology: Topology, number: int | None = None) -> Revision | None:
    return topology.revisions.filter(number=number or topology.latest_revision).first()


def revisions_list(topology: Topology) -> QuerySet[Revision]:
    return topology.revisions.order_by("-number").only("number", "created_at", "document", "problems")


def topologies_of(request: HttpRequest) -> QuerySet[Topology]:
    if request.user.is_authenticated:
        return Topology.objects.filter(owner=request.user)
    token = anonymous_owner_token(request, create=False)
    if not token:
        return Topology.objects.none()
    return Topology.objects.filter(owner=None, anonymous_owner=token)
