"""Runs over HTTP (spec/api.md, "Runs"): start, status, cancel, live faults, history."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from playground.api_schema import Document, Error
from playground.runs import selectors, services
from playground.runs.models import Run
from playground.topologies import selectors as topology_selectors
from playground.topologies.ownership import anonymous_owner_token, is_owner, owner_fields

router = Router(tags=["runs"])


class StartBody(Schema):
    document: Document | None = Field(None, description="Run this document (the editor's current one)")
    topology_id: str | None = Field(None, description="Or run a saved topology...")
    revision: int | None = Field(None, ge=1, description="...at this revision (default: the latest)")
    speed: str | float = Field(
        "max", description='"max" or simulated seconds per wall second, e.g. 1, 10, 100'
    )
    seed: int | None = Field(None, ge=0, description="Override the scenario's seed")


class Started(Schema):
    id: str
    status: str
    ws_url: str


class RunOut(Schema):
    id: str
    status: str
    progress: float
    results: dict[str, Any] | None
    error: str
    speed: str
    seed: int
    topology_id: str | None
    revision: int | None
    document: dict[str, Any]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    ws_url: str


class RunSummary(Schema):
    id: str
    status: str
    progress: float
    speed: str
    seed: int
    revision: int | None
    created_at: datetime
    finished_at: datetime | None
    summary: dict[str, Any] | None


class Command(Schema):
    action: str = Field(..., description="fail, recover, set (a node) or partition, heal, slow (an edge)")
    target: str
    params: dict[str, Any] = {}


def _run_or_404(request: HttpRequest, run_id: str, view_token: str | None = None) -> Run:
    run = selectors.run_get(run_id)
    if run is None:
        raise HttpError(404, f"no run with id {run_id!r}")
    services.runs_mark_vanished([run])
    run.refresh_from_db()
    if not selectors.can_request_see_run(request, run, view_token):
        raise HttpError(403, "this run belongs to someone else")
    return run


def _summary(results: dict | None) -> dict | None:
    if not results:
        return None
    keys = ("availability", "throughput_rps", "goodput_rps", "latency_ms", "stale_reads", "lost_writes")
    return {key: results.get(key) for key in keys} | {"requests": results.get("requests")}


def _run_out(run: Run) -> dict:
    return {
        "id": run.id, "status": run.status, "progress": run.progress, "results": run.results, "error": run.error,
        "speed": run.speed, "seed": run.seed, "topology_id": run.topology_id, "revision": run.revision,
        "document": run.document, "created_at": run.created_at, "started_at": run.started_at,
        "finished_at": run.finished_at, "ws_url": run.ws_url,
    }  # fmt: skip


def _run_summary(run: Run) -> dict:
    return {
        "id": run.id, "status": run.status, "progress": run.progress, "speed": run.speed, "seed": run.seed,
        "revision": run.revision, "created_at": run.created_at, "finished_at": run.finished_at,
        "summary": _summary(run.results),
    }  # fmt: skip


@router.post("/runs", response={202: Started, 400: Error, 403: Error, 404: Error, 429: Error},
             summary="Start a simulation")  # fmt: skip
def run_start(request: HttpRequest, body: StartBody):
    topology = None
    revision_number = None
    if body.document is not None:
        document = body.document
        if body.topology_id:
            # The editor's current document of a saved topology: kept in that topology's history.
            topology = topology_selectors.topology_get(body.topology_id)
            if topology is None:
                raise HttpError(404, f"no topology with id {body.topology_id!r}")
            if not is_owner(request, topology):
                raise HttpError(403, "only the owner may run this topology: fork it first")
            revision_number = body.revision
    elif body.topology_id:
        topology = topology_selectors.topology_get(body.topology_id)
        if topology is None:
            raise HttpError(404, f"no topology with id {body.topology_id!r}")
        revision = topology_selectors.revision_get(topology, body.revision)
        if revision is None:
            raise HttpError(404, f"topology {body.topology_id!r} has no revision {body.revision}")
        document, revision_number = revision.document, revision.number
    else:
        raise HttpError(400, 'send "document", or "topology_id" (and "revision")')
    speed: object = body.speed
    if isinstance(speed, str) and speed != "max":
        try:
            speed = float(speed)
        except ValueError:
            pass
    try:
        run = services.run_start(
            document=document, owner_fields=owner_fields(request), topology=topology, revision=revision_number,
            speed=speed, seed=body.seed,
        )  # fmt: skip
    except services.TooManyRuns as error:
        raise HttpError(429, str(error)) from None
    return Status(202, {"id": run.id, "status": run.status, "ws_url": run.ws_url})


@router.get("/runs/{run_id}", response={200: RunOut, 403: Error, 404: Error}, summary="Status and results")
def run_detail(request: HttpRequest, run_id: str, view: str | None = None):
    return Status(200, _run_out(_run_or_404(request, run_id, view)))


@router.post("/runs/{run_id}/cancel", response={200: RunOut, 403: Error, 404: Error}, summary="Stop a run")
def run_cancel(request: HttpRequest, run_id: str):
    run = _run_or_404(request, run_id)
    if not selectors.is_run_owner(request.user, _owner_token(request), run):
        raise HttpError(403, "only who started a run may stop it")
    return Status(200, _run_out(services.run_cancel(run=run)))


@router.post("/runs/{run_id}/commands", response={202: Command, 400: Error, 403: Error, 404: Error, 409: Error},
             summary="Inject a fault now: fail/recover a node, partition/heal/slow an edge")  # fmt: skip
def run_command(request: HttpRequest, run_id: str, body: Command):
    run = _run_or_404(request, run_id)
    if not selectors.is_run_owner(request.user, _owner_token(request), run):
        raise HttpError(403, "only who started a run may inject faults into it")
    try:
        event = services.run_inject(run=run, command=body.dict())
    except services.RunNotActive as error:
        raise HttpError(409, str(error)) from None
    return Status(202, {k: event[k] for k in ("action", "target", "params")})


@router.get("/runs", response=list[RunSummary], summary="Runs: of a topology (topology_id) or the caller's")
def runs_list(request: HttpRequest, topology_id: str | None = None, view: str | None = None):
    if topology_id is None and view is None:
        runs = selectors.runs_of(request)[:50]
    else:
        topology = (topology_selectors.topology_get(topology_id) if topology_id
                    else topology_selectors.topology_by_share_token(view))  # fmt: skip
        if topology is None:
            raise HttpError(404, "no such topology")
        if view is not None and topology.share_token != view:
            raise HttpError(403, "the view link does not match this topology")
        if view is None and not is_owner(request, topology):
            raise HttpError(403, "only the owner or a view link sees this topology's runs")
        runs = selectors.runs_of_topology(topology)[:50]
    runs = list(runs)
    services.runs_mark_vanished(runs)
    return [_run_summary(run) for run in runs]


def _owner_token(request: HttpRequest) -> str:
    return anonymous_owner_token(request, create=False)
