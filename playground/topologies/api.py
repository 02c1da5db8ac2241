"""Topologies over HTTP (spec/api.md, "Topologies"). Each view parses, checks access, calls one
service or selector, and shapes the answer."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from playground.api_schema import Document, Error
from playground.topologies import selectors, services
from playground.topologies.models import Revision, Topology
from playground.topologies.ownership import is_owner, owner_fields
from simulation.analysis import analyze
from simulation.format import validate

router = Router(tags=["topologies"])


class Conflict(Error):
    latest_revision: int


DRAFT_DESCRIPTION = (
    "Keep the document even if it has problems, as a draft that cannot run until they are fixed"
)


class CreateBody(Schema):
    document: Document
    draft: bool = Field(False, description=DRAFT_DESCRIPTION)


class SaveBody(Schema):
    base_revision: int = Field(..., ge=1, description="The revision this save was based on")
    document: Document
    draft: bool = Field(False, description=DRAFT_DESCRIPTION)


class ForkBody(Schema):
    revision: int | None = Field(None, ge=1, description="Which revision to copy (default: the latest)")


class ValidateBody(Schema):
    document: Any


class Problem(Schema):
    node: str | None
    edge: str | None
    field: str
    message: str
    text: str


class Created(Schema):
    id: str
    revision: int
    view_url: str
    edit_url: str
    draft: bool = Field(..., description="Saved with problems: it cannot run until they are fixed")
    problems: list[Problem]


class TopologyOut(Schema):
    id: str
    name: str
    revision: int
    document: dict[str, Any]
    draft: bool = Field(
        ..., description="This revision was saved with problems: it cannot run until they are fixed"
    )
    problems: list[Problem]
    created_at: datetime
    updated_at: datetime
    can_edit: bool
    view_url: str
    edit_url: str
    forked_from: str | None = Field(
        ..., description="The original's id, for its owner, when the fork was not made through a view link"
    )
    forked_from_url: str | None = Field(
        ...,
        description="For the owner of a fork: where its original opens (/t/{id}, or /v/{token} for a view link)",
    )


class TopologySummary(Schema):
    id: str
    name: str
    revision: int
    updated_at: datetime
    view_url: str
    edit_url: str


class RevisionSummary(Schema):
    revision: int
    created_at: datetime
    name: str
    draft: bool


class RevisionOut(Schema):
    revision: int
    document: dict[str, Any]
    draft: bool
    problems: list[Problem]
    created_at: datetime


class SharedOut(Schema):
    name: str
    revision: int
    document: dict[str, Any]
    draft: bool
    problems: list[Problem]
    created_at: datetime
    updated_at: datetime
    view_url: str


class Analysis(Schema):
    unreachable: list[str]
    loops: list[list[str]]
    ends: list[str]
    single_points_of_failure: list[str]
    single_points_of_failure_without_standbys: list[str]


class Validation(Schema):
    valid: bool
    problems: list[Problem]
    analysis: Analysis | None = Field(None, description="What the graph alone says, for a valid document")


def _author(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


def _get_or_404(topology_id: str) -> Topology:
    topology = selectors.topology_get(topology_id)
    if topology is None:
        raise HttpError(404, f"no topology with id {topology_id!r}")
    return topology


def _created(topology: Topology) -> dict:
    revision = selectors.revision_get(topology)
    return {"id": topology.id, "revision": topology.latest_revision, "view_url": topology.view_url,
            "edit_url": topology.edit_url, "draft": revision.draft, "problems": revision.problems}  # fmt: skip


def _topology_out(request: HttpRequest, topology: Topology, revision: Revision) -> dict:
    owner = is_owner(request, topology)
    # Where a fork came from is the forker's to know, by the way they came: no id for a view link.
    show_origin = owner and topology.forked_from_id is not None
    return {
        "id": topology.id,
        "name": topology.name,
        "revision": revision.number,
        "document": revision.document,
        "draft": revision.draft,
        "problems": revision.problems,
        "created_at": topology.created_at,
        "updated_at": topology.updated_at,
        "can_edit": owner,
        "view_url": topology.view_url,
        "edit_url": topology.edit_url,
        "forked_from": topology.forked_from_id if show_origin and not topology.forked_via_view_link else None,
        "forked_from_url": topology.forked_from_url if show_origin else None,
    }


@router.post(
    "/validate", response=Validation, summary="Check a document without saving it, and analyse its graph"
)
def validate_document(request: HttpRequest, body: ValidateBody):
    problems = validate(body.document)
    return {
        "valid": not problems,
        "problems": [problem.to_dict() for problem in problems],
        "analysis": None if problems else analyze(body.document),
    }


@router.post(
    "/topologies",
    response={201: Created, 400: Error},
    summary="Save a new topology (400 when the document has problems, unless it is saved as a draft)",
)
def topology_create(request: HttpRequest, body: CreateBody):
    topology = services.topology_create(
        document=body.document, owner_fields=owner_fields(request), author=_author(request), draft=body.draft
    )
    return Status(201, _created(topology))


@router.get("/topologies", response=list[TopologySummary], summary="The caller's topologies")
def topologies_mine(request: HttpRequest):
    return [
        {
            "id": t.id,
            "name": t.name,
            "revision": t.latest_revision,
            "updated_at": t.updated_at,
            "view_url": t.view_url,
            "edit_url": t.edit_url,
        }  # fmt: skip
        for t in selectors.topologies_of(request)
    ]


@router.get(
    "/topologies/{topology_id}", response={200: TopologyOut, 404: Error}, summary="The latest revision"
)
def topology_detail(request: HttpRequest, topology_id: str):
    topology = _get_or_404(topology_id)
    return _topology_out(request, topology, selectors.revision_get(topology))


@router.put(
    "/topologies/{topology_id}",
    response={200: TopologyOut, 400: Error, 403: Error, 404: Error, 409: Conflict},
    summary="Save a new revision; 409 when base_revision is not the latest; 400 for problems unless a draft",
)
def revision_save(request: HttpRequest, topology_id: str, body: SaveBody):
    topology = _get_or_404(topology_id)
    if not is_owner(request, topology):
        raise HttpError(403, "only the owner may save this topology: fork it to make your own copy")
    try:
        revision = services.revision_save(
            topology_id=topology.id, base_revision=body.base_revision, document=body.document,
            author=_author(request), draft=body.draft,
        )  # fmt: skip
    except services.StaleRevision as stale:
        message = (
            f"revision {body.base_revision} is not the latest: someone saved revision {stale.latest} in between; "
            "nothing was overwritten"
        )
        return Status(409, {"error": message, "details": [], "latest_revision": stale.latest})
    return Status(200, _topology_out(request, revision.topology, revision))


@router.get("/topologies/{topology_id}/revisions", response={200: list[RevisionSummary], 404: Error},
            summary="Every revision, newest first")  # fmt: skip
def revisions_list(request: HttpRequest, topology_id: str):
    topology = _get_or_404(topology_id)
    return Status(
        200,
        [
            {
                "revision": r.number,
                "created_at": r.created_at,
                "name": r.document.get("name") or "",
                "draft": r.draft,
            }
            for r in selectors.revisions_list(topology)
        ],
    )


@router.get("/topologies/{topology_id}/revisions/{number}", response={200: RevisionOut, 404: Error},
            summary="One revision")  # fmt: skip
def revision_detail(request: HttpRequest, topology_id: str, number: int):
    topology = _get_or_404(topology_id)
    revision = selectors.revision_get(topology, number) if number >= 1 else None
    if revision is None:
        raise HttpError(404, f"topology {topology_id!r} has no revision {number}")
    return Status(
        200,
        {"revision": revision.number, "document": revision.document, "draft": revision.draft,
         "problems": revision.problems, "created_at": revision.created_at},
    )  # fmt: skip


def _fork(request: HttpRequest, topology: Topology, number: int | None, *, via_view_link: bool = False):
    revision = selectors.revision_get(topology, number)
    if revision is None:
        raise HttpError(404, f"topology has no revision {number}")
    fork = services.topology_fork(
        source=topology, revision=revision, owner_fields=owner_fields(request), author=_author(request),
        via_view_link=via_view_link,
    )  # fmt: skip
    return Status(201, _created(fork))


@router.post("/topologies/{topology_id}/fork", response={201: Created, 404: Error},
             summary="Copy into a new topology owned by the caller")  # fmt: skip
def topology_fork(request: HttpRequest, topology_id: str, body: ForkBody | None = None):
    return _fork(request, _get_or_404(topology_id), body.revision if body else None)


def _shared_or_404(token: str) -> Topology:
    topology = selectors.topology_by_share_token(token)
    if topology is None:
        raise HttpError(404, "no topology behind this view link")
    return topology


@router.get(
    "/shared/{token}", response={200: SharedOut, 404: Error}, summary="The document behind a view link"
)
def shared_detail(request: HttpRequest, token: str):
    topology = _shared_or_404(token)
    revision = selectors.revision_get(topology)
    shared = {"name": topology.name, "revision": revision.number, "document": revision.document,
              "draft": revision.draft, "problems": revision.problems, "created_at": topology.created_at, "updated_at": topology.updated_at, "view_url": topology.view_url}  # fmt: skip
    return Status(200, shared)


@router.post("/shared/{token}/fork", response={201: Created, 404: Error},
             summary="Copy the topology behind a view link into a new one owned by the caller")  # fmt: skip
def shared_fork(request: HttpRequest, token: str):
    return _fork(request, _shared_or_404(token), None, via_view_link=True)
