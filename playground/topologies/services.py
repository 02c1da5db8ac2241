"""Writes: every change to topologies goes through these functions (views only parse and call).

Saving is optimistic: a save names the revision it was based on, and is refused with
`StaleRevision` when someone saved in between, so nothing is ever overwritten. Revisions are
immutable; a document is validated by the engine's own format before it is stored, and stored
exactly as it was sent, so whoever opens it sees what its author saw.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from playground.topologies.models import Revision, Topology
from simulation.format import InvalidDocument, validate


class StaleRevision(Exception):
    def __init__(self, latest: int):
        super().__init__(f"revision {latest} is the latest")
        self.latest = latest


def document_check(document: object) -> None:
    problems = validate(document)
    if problems:
        raise InvalidDocument(problems)


def _name_of(document: dict) -> str:
    name = document.get("name")
    return name[:200] if isinstance(name, str) else ""


def topology_create(
    *,
    document: dict,
    owner_fields: dict,
    author: AbstractBaseUser | None,
    forked_from: Topology | None = None,
) -> Topology:
    document_check(document)
    with transaction.atomic():
        topology = Topology.objects.create(
            name=_name_of(document), latest_revision=1, forked_from=forked_from, **owner_fields
        )
        Revision.objects.create(topology=topology, number=1, document=document, author=author)
    return topology


def revision_save(
    *, topology_id: str, base_revision: int, document: dict, author: AbstractBaseUser | None
) -> Revision:
    document_check(document)
    try:
        with transaction.atomic():
            topology = Topology.objects.select_for_update().get(pk=topology_id)
            if base_revision != topology.latest_revision:
                raise StaleRevision(topology.latest_revision)
            number = topology.latest_revision + 1
            revision = Revision.objects.create(
                topology=topology, number=number, document=document, author=author
            )
            topology.latest_revision = number
            topology.name = _name_of(document)
            topology.save(update_fields=["latest_revision", "name", "updated_at"])
    except IntegrityError:
        # Another save took this number between our read and our write.
        raise StaleRevision(Topology.objects.get(pk=topology_id).latest_revision) from None
    return revision


def topology_fork(
    *, source: Topology, revision: Revision, owner_fields: dict, author: AbstractBaseUser | None
) -> Topology:
    return topology_create(
        document=revision.document, owner_fields=owner_fields, author=author, forked_from=source
    )


def topologies_claim(*, anonymous_owner: str, user: AbstractBaseUser) -> int:
    """Gives an account what its anonymous session owned; returns how many topologies moved."""
    if not anonymous_owner:
        return 0
    return Topology.objects.filter(owner=None, anonymous_owner=anonymous_owner).update(
        owner=user, anonymous_owner=""
    )
