"""Writes for runs: start, cancel, inject a fault, execute (in the worker), and the check that
turns a run whose worker vanished into a failed one."""

import copy
import logging
import os
import socket
import threading
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone

import simulation
from playground.runs import log
from playground.runs.models import Run
from simulation.format import InvalidDocument, Problem, parse

logger = logging.getLogger(__name__)

HEARTBEAT_S = 5.0
VANISHED_AFTER_S = 30.0
PROGRESS_EVERY_S = 0.5
FAULT_ACTIONS = {"fail", "recover", "partition", "heal", "slow", "set"}


class TooManyRuns(Exception):
    pass


class RunNotActive(Exception):
    pass


def _problem(field: str, message: str) -> InvalidDocument:
    return InvalidDocument([Problem(where="run", node=None, edge=None, field=field, message=message)])


def speed_value(speed: object) -> str:
    """'max', or a real-time factor as a string ('10' for 10 simulated seconds per wall second)."""
    if speed is None or speed == "max":
        return "max"
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not 0.1 <= speed <= 10_000:
        raise _problem("speed", f'must be "max" or a number from 0.1 to 10000 (got {speed!r})')
    return f"{speed:g}"


def run_start(
    *, document: dict, owner_fields: dict, topology=None, revision: int | None = None, speed: object = "max",
    seed: int | None = None,
) -> Run:  # fmt: skip
    """Validates and stores a queued run, then enqueues it once the transaction has committed."""
    speed_text = speed_value(speed)
    document = copy.deepcopy(document)
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise _problem("seed", f"must be a whole number from 0 (got {seed!r})")
        document.setdefault("scenario", {})["seed"] = seed
    normalized = parse(document)  # raises InvalidDocument with every problem
    duration = normalized["scenario"]["duration_s"]
    if speed_text != "max" and duration / float(speed_text) > settings.CELERY_TASK_SOFT_TIME_LIMIT:
        minutes = duration / float(speed_text) / 60
        raise _problem(
            "speed",
            f"at {speed_text}x this {duration:g} s scenario would take {minutes:.0f} minutes; the limit is "
            f"{settings.CELERY_TASK_SOFT_TIME_LIMIT // 60} minutes: choose a faster speed",
        )
    with transaction.atomic():
        active = Run.objects.filter(status__in=Run.ACTIVE, **_owner_filter(owner_fields))
        if active.count() >= settings.MAX_ACTIVE_RUNS:
            raise TooManyRuns(
                f"you already have {settings.MAX_ACTIVE_RUNS} runs going: stop one or wait for it to finish"
            )
        run = Run.objects.create(
            document=document, seed=normalized["scenario"]["seed"], speed=speed_text, topology=topology,
            revision=revision, **owner_fields,
        )  # fmt: skip
        from playground.runs.tasks import simulate

        transaction.on_commit(lambda: simulate.delay(run.id))
    return run


def _owner_filter(owner_fields: dict) -> dict:
    if owner_fields.get("owner") is not None:
        return {"owner": owner_fields["owner"]}
    return {"owner": None, "anonymous_owner": owner_fields["anonymous_owner"]}


def run_cancel(*, run: Run) -> Run:
    if run.status == Run.Status.QUEUED:
        updated = Run.objects.filter(pk=run.pk, status=Run.Status.QUEUED).update(
            status=Run.Status.CANCELLED, finished_at=timezone.now()
        )
        if updated:
            publisher = log.RunPublisher(run.id)
            publisher.send({"type": "status", "status": "cancelled", "progress": 0.0}, flush=True)
    log.cancel_request(log.redis_client(), run.id)
    run.refresh_from_db()
    return run


def run_inject(*, run: Run, command: dict) -> dict:
    """Queues a fault for the worker, which applies it at the current simulated time."""
    if not run.is_active:
        raise RunNotActive(f"run is {run.status}: faults can be injected only while it runs")
    action = command.get("action")
    if action not in FAULT_ACTIONS:
        raise _problem("action", f"must be one of {', '.join(sorted(FAULT_ACTIONS))} (got {action!r})")
    event = {
        "at_s": 0,
        "action": action,
        "target": command.get("target"),
        "params": command.get("params") or {},
    }
    # The same checks as a scenario event of this document: the target exists and fits the action.
    probe = copy.deepcopy(run.document)
    probe.setdefault("scenario", {})["events"] = [event]
    parse(probe)
    log.command_push(log.redis_client(), run.id, {k: event[k] for k in ("action", "target", "params")})
    return event


def runs_mark_vanished(runs) -> None:
    """Any of these runs whose worker has given no sign of life for a while is failed, not left
    running forever (a worker process killed outright cannot say so itself)."""
    cutoff = timezone.now() - timedelta(seconds=VANISHED_AFTER_S)
    for run in runs:
        if run.status == Run.Status.RUNNING and run.heartbeat_at and run.heartbeat_at < cutoff:
            _finish_failed(run.id, f"the worker running this simulation stopped responding ({run.worker})")


ORPHANED_REASON = (
    "archplay was restarted while this run was queued or running, and its task did not survive "
    "(the embedded Redis keeps nothing on disk): start it again"
)


def runs_fail_orphaned() -> int:
    """Fails every queued or running run; for a start whose broker is known to be empty."""
    return Run.objects.filter(status__in=Run.ACTIVE).update(
        status=Run.Status.FAILED, error=ORPHANED_REASON, finished_at=timezone.now()
    )


def _finish_failed(run_id: str, reason: str) -> bool:
    updated = Run.objects.filter(pk=run_id, status__in=Run.ACTIVE).update(
        status=Run.Status.FAILED, error=reason, finished_at=timezone.now()
    )
    if updated:
        publisher = log.RunPublisher(run_id)
        publisher.send({"type": "status", "status": "failed", "progress": _progress(run_id)})
        publisher.send({"type": "error", "error": reason}, flush=True)
    return bool(updated)


def _progress(run_id: str) -> float:
    return Run.objects.filter(pk=run_id).values_list("progress", flat=True).first() or 0.0


class _Heartbeat(threading.Thread):
    """Marks the run alive every few seconds while the engine works, however long a window takes."""

    def __init__(self, run_id: str):
        super().__init__(name=f"heartbeat-{run_id}", daemon=True)
        self.run_id = run_id
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(HEARTBEAT_S):
            Run.objects.filter(pk=self.run_id, status=Run.Status.RUNNING).update(heartbeat_at=timezone.now())


def run_execute(*, run_id: str) -> None:
    """The worker's side: simulate, stream each window, store the results."""
    run = Run.objects.filter(pk=run_id).first()
    if run is None or run.status not in Run.ACTIVE:
        return  # cancelled before it started, or already finished
    if run.status == Run.Status.RUNNING:
        # Late acknowledgement handed this task out again: the process that ran it died mid-way.
        _finish_failed(run.id, f"the worker running this simulation was lost mid-run ({run.worker})")
        return
    now = timezone.now()
    claimed = Run.objects.filter(pk=run.id, status=Run.Status.QUEUED).update(
        status=Run.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        worker=f"{socket.gethostname()}:{os.getpid()}",
    )
    if not claimed:
        return
    redis_client = log.redis_client()
    publisher = log.RunPublisher(run.id, redis_client)
    publisher.send({"type": "status", "status": "running", "progress": 0.0}, flush=True)
    duration = parse(run.document)["scenario"]["duration_s"]
    last_progress = [0.0]

    def on_window(message: dict) -> None:
        publisher.send(message)
        now_s = timezone.now().timestamp()
        if now_s - last_progress[0] >= PROGRESS_EVERY_S:
            last_progress[0] = now_s
            Run.objects.filter(pk=run.id).update(progress=min(message["t_s"] / duration, 1.0))

    def should_stop() -> bool:
        return log.cancel_requested(redis_client, run.id)

    def commands() -> list[dict]:
        return log.commands_take(redis_client, run.id)

    heartbeat = _Heartbeat(run.id)
    heartbeat.start()
    try:
        results = simulation.run(
            run.document, on_window=on_window, should_stop=should_stop, speed=run.speed, timeseries=True,
            commands=commands,
        )  # fmt: skip
    except SoftTimeLimitExceeded:
        publisher.flush()
        _finish_failed(
            run.id, f"the run took longer than the limit of {settings.CELERY_TASK_SOFT_TIME_LIMIT} s"
        )
        return
    except Exception as error:  # the engine's failure must end the run, not leave it running
        logger.exception("run %s failed", run.id)
        publisher.flush()
        _finish_failed(run.id, f"the simulation failed: {error}")
        return
    finally:
        heartbeat.stopped.set()
    document = run.document
    if results.get("injected_events"):
        document = copy.deepcopy(document)
        scenario = document.setdefault("scenario", {})
        scenario["events"] = sorted(
            [*scenario.get("events", []), *results["injected_events"]], key=lambda event: event["at_s"]
        )
    status = Run.Status.CANCELLED if results.get("stopped") else Run.Status.DONE
    progress = min(results["duration_s"] / duration, 1.0) if status == Run.Status.CANCELLED else 1.0
    Run.objects.filter(pk=run.id).update(
        status=status, results=results, document=document, progress=progress, finished_at=timezone.now()
    )
    publisher.send({"type": "status", "status": status.value, "progress": progress})
    publisher.send({"type": "done", "results": results}, flush=True)
