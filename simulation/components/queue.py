"""Asynchronism: a message queue and the workers that drain it.

An app server with an edge to a ``queue`` does not write to the database
itself: it hands the write to the queue and answers its caller as soon as the
queue has accepted it. A queue at ``capacity`` (``None``: unbounded) rejects
the write, and that rejection travels back to the client, which retries with
backoff: back pressure.

The ``worker`` nodes a queue points to take jobs in FIFO order, one per worker
thread, each for a service time of mean ``service_ms``; a worker with an edge to
a database then writes the job to it, holding its thread until the database
answers. Fetching the job from the queue (the edge's latency) counts as part of
the worker's busy time: the worker is the one polling.

The queue's length is integrated over time (``queue_mean``) and its peak kept
(``queue_max``). If the queue fails, the jobs waiting in it are lost
(``lost_writes``: they were acknowledged and will never be applied). If a worker
fails, the jobs it was working on go back to the front of the queue (delivered
again, at least once), and the others carry on.
"""

from __future__ import annotations

from collections import deque

from ..format.fields import Int, Kind, Metric, Number, hourly_price, param, usage_price
from ..network import OK, REJECTED, WRITE, Call, reply
from .base import Node

__all__ = ["Queue", "QueueParams"]


class QueueParams(Kind):
    TITLE = "Queue"
    SUMMARY = "A message queue: app servers enqueue writes and answer at once; workers consume them."

    capacity: Int | None = param(
        None,
        "Most jobs the queue holds; when full it rejects new ones (back pressure); null = unbounded.",
        unit="jobs",
        ge=1,
        le=100_000_000,
    )
    cost_per_hour: Number = hourly_price(0, "Amazon SQS standard queue: $0.40 per million requests")
    cost_per_million_requests: Number = usage_price(0.4)


class Queue(Node):
    kind = "queue"
    Params = QueueParams
    TRAITS = frozenset({"forwards", "queues"})
    FORWARDS_TO = "the workers that consume its jobs"
    SUMMARY_METRICS = (
        Metric("arrivals", "Jobs", "requests", "Jobs handed to the queue."),
        Metric("queue_mean", "Mean length", "requests", "Jobs waiting, averaged over time.", "lower"),
        Metric("queue_max", "Longest", "requests", "Most jobs waiting at once.", "lower"),
    )  # fmt: skip
    WINDOW_METRICS = (
        Metric("queue_len", "Queue length", "requests", "Jobs waiting, averaged over the window.", "lower"),
    )  # fmt: skip
    COUNTERS = Node.COUNTERS + ("arrivals", "completed", "queue_area")

    def __init__(self, spec: dict, model) -> None:
        self.jobs: deque[Call] = deque()
        self.n_arrivals = 0
        self.n_completed = 0  # handed to a worker
        self.queue_area = 0.0
        self.queue_max = 0
        self.t_mark = 0.0
        self.workers: list = []  # the worker nodes this queue feeds
        self.tally = model.tally
        super().__init__(spec, model)

    def configure(self, params: dict) -> None:
        self.capacity = params.get("capacity")

    def uses(self) -> frozenset[str]:
        return frozenset(("op", "key"))

    def wire(self) -> None:
        self.workers = [e.target for e in self.out if e.target.kind == "worker" and not e.dormant]
        for worker in self.workers:
            if self not in worker.sources:
                worker.sources.append(self)

    def _mark(self, t: float) -> None:
        dt = t - self.t_mark
        if dt > 0.0:
            self.queue_area += len(self.jobs) * dt
            self.t_mark = t

    def arrive(self, t: float, call: Call) -> None:
        if not self.up:
            self.refuse(t, call)
            return
        self.n_arrivals += 1
        if self.capacity is not None and len(self.jobs) >= self.capacity:
            self.n_rejected += 1
            reply(t, call, REJECTED, True)
            return
        reply(t, call, OK, True)
        job = Call(call.req, WRITE, None, None)
        for worker in self.workers:
            if worker.up and worker.busy < worker.workers:
                self.n_completed += 1
                worker.take(t, job, self)
                return
        self._mark(t)
        self.jobs.append(job)
        if len(self.jobs) > self.queue_max:
            self.queue_max = len(self.jobs)

    def pull(self, t: float) -> Call | None:
        """The next job for a worker that has just become free, if any."""
        if not self.jobs or not self.up:
            return None
        self._mark(t)
        self.n_completed += 1
        return self.jobs.popleft()

    def give_back(self, t: float, job: Call) -> None:
        """A failed worker's job returns to the front (at-least-once delivery)."""
        if not self.up:
            self.tally.lost_writes += 1
            return
        self._mark(t)
        self.jobs.appendleft(job)
        for worker in self.workers:
            worker.pull(t)

    def drop_held(self, t: float) -> None:
        self._mark(t)
        self.tally.lost_writes += len(self.jobs)
        self.jobs.clear()

    def counters(self, t: float) -> tuple:
        self._mark(t)
        return super().counters(t) + (self.n_arrivals, self.n_completed, self.queue_area)

    def warmup_reset(self, t: float) -> None:
        self.queue_max = len(self.jobs)

    def window(self, d: dict, length: float) -> dict:
        view = super().window(d, length)
        view["queue_len"] = d["queue_area"] / length
        return view

    def summary(self, d: dict, measured: float) -> dict:
        out = super().summary(d, measured)
        out.update(
            {
                "arrivals": d["arrivals"],
                "rejected": d["rejected"],
                "queue_mean": d["queue_area"] / measured if measured > 0 else 0.0,
                "queue_max": self.queue_max,
            }
        )
        return out
