"""Reads for runs, and who may see one."""

from django.db.models import QuerySet
from django.http import HttpRequest

from playground.runs.models import Run
from playground.topologies.models import Topology
from playground.topologies.ownership import anonymous_owner_token


def run_get(run_id: str) -> Run | None:
    return Run.objects.select_related("topology").filter(pk=run_id).first()


def is_run_owner(user, owner_token: str, run: Run) -> bool:
    if run.owner_id is not None:
        return bool(user and user.is_authenticated and user.pk == run.owner_id)
    return bool(owner_token) and owner_token == run.anonymous_owner


def can_see_run(user, owner_token: str, run: Run, view_token: str | None) -> bool:
    """The run's owner, or whoever holds the view link of the topology it ran (the classroom)."""
    if is_run_owner(user, owner_token, run):
        return True
    return bool(view_token) and run.topology is not None and run.topology.share_token == view_token


def can_request_see_run(request: HttpRequest, run: Run, view_token: str | None = None) -> bool:
    return can_see_run(request.user, anonymous_owner_token(request, create=False), run, view_token)


def runs_of_topology(topology: Topology) -> QuerySet[Run]:
    return Run.objects.filter(topology=topology).order_by("-created_at")


def runs_of(request: HttpRequest) -> QuerySet[Run]:
    if request.user.is_authenticated:
        return Run.objects.filter(owner=request.user)
    token = anonymous_owner_token(request, create=False)
    return Run.objects.filter(owner=None, anonymous_owner=token) if token else Run.objects.none()
