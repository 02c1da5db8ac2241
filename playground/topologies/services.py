"""Writes: every change to topologies goes through these functions (views only parse and call).

Saving is optimistic: a save names the revision it was based on, and is refused with
`StaleRevision` when someone saved in between, so nothing is ever overwritten. Revisions are
immutable; a document is validated by the engine's own format before it is stored, and stored
exactly as it was sent, so whoever opens it sees what its author saw. A save that says it is a
draft is kept even with problems, and the revision keeps the list of them.
"""

import copy

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from playground.topologies.models import Revision, Topology
from simulation.format import InvalidDocument, validate


class StaleRevision(Exception):
    def __init__(self, latest: int):
        super().__init__(f"revision {latest} is the latest")
        self.latest = latest


def document_check(document: object, *, draft: bool = False) -> list[dict]:
    """The document's problems, to be kept with a draft; a document with problems that is not
    saved as a draft is refused with all of them."""
    problems = validate(document)
    if problems and not draft:
        raise InvalidDocument(problems)
    return [problem.to_dict() for problem in problems]


def _name_of(document: dict) -> str:
    name = document.get("name")
    return name[:200] if isinstance(name, str) else ""


def topology_create(
    *,
    document: dict,
    owner_fields: dict,
    author: AbstractBaseUser | None,
    forked_from: Topology | None = None,
    forked_via_view_link: bool = False,
    draft: bool = False,
) -> Topology:
    problems = document_check(document, draft=draft)
    with transaction.atomic():
        topology = Topology.objects.create(
            name=_name_of(document), latest_revision=1, forked_from=forked_from,
            forked_via_view_link=forked_via_view_link, **owner_fields,
        )  # fmt: skip
        Revision.objects.create(
            topology=topology, number=1, document=document, author=author, problems=problems
        )
    return topology


def revision_save(
    *,
    topology_id: str,
    base_revision: int,
    document: dict,
    author: AbstractBaseUser | None,
    draft: bool = False,
) -> Revision:
    problems = document_check(document, draft=draft)
    try:
        with transaction.atomic():
            topology = Topology.objects.select_for_update().get(pk=topology_id)
            if base_revision != topology.latest_revision:
                raise StaleRevision(topology.latest_revision)
            number = topology.latest_revision + 1
            revision = Revision.objects.create(
                topology=topology, number=number, document=document, author=author, problems=problems
            )
            topology.latest_revision = number
            topology.name = _name_of(document)
            topology.save(update_fields=["latest_revision", "name", "updated_at"])
    except IntegrityError:
        # Another save took this number between our read and our write.
        raise StaleRevision(Topology.objects.get(pk=topology_id).latest_revision) from None
    return revision


FORK_SUFFIX = " (fork)"


def fork_name(name: str) -> str:
    """ "Checkout" becomes "Checkout (fork)"; a fork of a fork keeps a single suffix."""
    base = name.strip() or "Untitled topology"
    return base if base.endswith(FORK_SUFFIX) else base[: 200 - len(FORK_SUFFIX)] + FORK_SUFFIX


def topology_fork(
    *,
    source: Topology,
    revision: Revision,
    owner_fields: dict,
    author: AbstractBaseUser | None,
    via_view_link: bool = False,
) -> Topology:
    """A new topology, owned by the caller, holding a copy of `revision` whose document is named
    "… (fork)" (the name lives in the document, so what the forker sees and exports says so). A
    draft stays a draft: forking copies work in progress as it is."""
    document = copy.deepcopy(revision.document)
    document["name"] = fork_name(_name_of(document))
    return topology_create(
        document=document, owner_fields=owner_fields, author=author, forked_from=source,
        forked_via_view_link=via_view_link, draft=revision.draft,
    )  # fmt: skip


def topologies_claim(*, anonymous_owner: str, user: AbstractBaseUser) -> int:
    """Gives an account what its anonymous session owned; returns how many topologies moved."""
    if not anonymous_owner:
        return 0
    return Topology.objects.filter(owner=None, anonymous_owner=anonymous_owner).update(
        owner=user, anonymous_owner=""
    )
