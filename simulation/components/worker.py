"""Workers: they drain the queues that point to them.

A ``worker`` node takes jobs from each queue with an edge to it, in FIFO order,
one per worker thread, each for a service time of mean ``service_ms``; a worker
with an edge to a database then writes the job to it, holding its thread until
the database answers. Fetching the job from the queue (the edge's latency)
counts as part of the worker's busy time: the worker is the one polling. If a
worker fails, the jobs it was working on go back to the front of their queue
(delivered again, at least once); a job whose write fails is a lost write (it
was acknowledged to the client). See ``queue`` for the queue's side.
"""

from __future__ import annotations

from heapq import heappush
from math import log

from ..autoscaling import SCALING_SUMMARY_METRICS, SCALING_WINDOW_METRICS, Scalable
from ..format.fields import SERVICE_CV_HELP, SERVICE_DIST_HELP, Int, Number, ServiceDist, hourly_price, param
from ..network import OK, WRITE, Call
from .base import Server
from .queue import Queue

__all__ = ["Worker", "WorkerParams"]


class WorkerParams(Scalable):
    TITLE = "Worker"
    SUMMARY = "Consumes jobs from the queue that points to it and may write to its database."

    workers: Int = param(4, "Jobs processed at once.", unit="workers", ge=1, le=10_000)
    service_ms: Number = param(50, "Mean time to process one job, in ms.", unit="ms", gt=0, le=3_600_000)
    service_dist: ServiceDist = param("exponential", SERVICE_DIST_HELP)
    service_cv: Number = param(1.0, SERVICE_CV_HELP, gt=0, le=10)
    cost_per_hour: Number = hourly_price(0.096, "Amazon EC2 m5.large (2 vCPU, 8 GiB), Linux on demand")


class Worker(Server):
    kind = "worker"
    Params = WorkerParams
    SCALABLE = True
    SUMMARY_METRICS = SCALING_SUMMARY_METRICS
    WINDOW_METRICS = SCALING_WINDOW_METRICS

    def __init__(self, spec: dict, model) -> None:
        self.sources: list[Queue] = []
        self.fetch: dict[Queue, float] = {}
        self.db_edge = None
        self.tally = model.tally
        super().__init__(spec, model)

    def configure(self, params: dict) -> None:
        super().configure(dict(params, queue_limit=None))
        self.mean = params["service_ms"] / 1000.0
        self.means = (self.mean, self.mean, self.mean)

    def wire(self) -> None:
        dbs = [e for e in self.out if e.target.kind == "database" and not e.dormant]
        self.db_edge = dbs[0] if dbs else None

    def arrive(self, t: float, call: Call) -> None:
        # Workers are fed by their queues, not called: anything sent to one is refused.
        self.refuse(t, call)

    def take(self, t: float, job: Call, source: Queue) -> None:
        """Start ``job`` from ``source`` on a free thread; the fetch latency is busy time."""
        self.n_arrivals += 1
        job.t_in = t
        job.aux = source
        self.busy += 1
        self.busy_acc -= t
        fetch = self.fetch.get(source)
        if fetch is None:
            fetch = 0.0
            for edge in source.out:
                if edge.target is self:
                    fetch = edge.latency
        service = -log(1.0 - self.random()) * self.mean if self.exponential else self.draw(self.mean)
        heappush(self.heap, (t + fetch + service, next(self.seq), self._served, job))

    def served(self, t: float, job: Call) -> None:
        if not job.alive:
            return
        if self.db_edge is not None:
            self.waiting.add(job)
            self.db_edge.send(t, Call(job.req, WRITE, job, self), True)
            return
        self.finish(t, job, OK)

    def on_reply(self, t: float, child: Call) -> None:
        job = child.parent
        if job.alive:
            self.finish(t, job, child.status)

    def answer(self, t: float, job: Call, status: int) -> None:
        """This worker failed holding ``job``: it goes back to its queue (nobody waits for an answer)."""
        job.aux.give_back(t, Call(job.req, WRITE, None, None))

    def finish(self, t: float, job: Call, status: int = OK) -> None:
        if not job.alive:
            return
        self.close(t, job)
        if status != OK:
            self.tally.lost_writes += 1  # acknowledged to the client, never written
        self.pull(t)

    def pull(self, t: float) -> None:
        """Free threads take the next jobs from our queues."""
        while self.up and self.busy < self.workers:
            for source in self.sources:
                job = source.pull(t)
                if job is not None:
                    self.take(t, job, source)
                    break
            else:
                return

    def on_recover(self, t: float) -> None:
        super().on_recover(t)
        self.pull(t)

    def capacity_grew(self, t: float) -> None:
        self.pull(t)  # free threads take jobs from our queues
