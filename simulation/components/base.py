"""What every component shares: the uniform hooks, failure, and the server mechanics.

Every kind of node is a small class with the same hooks, as SimPy's resources
share ``resources/base.py``:

``arrive(t, call)``
    a call reaches the node at time ``t``.
``on_reply(t, call)``
    the answer to a call this node made comes back (``call.status`` says how it went).
``fail(t)`` / ``recover(t)``
    the node goes down (it refuses new calls and drops the ones it holds) or comes back.
``set_params(t, params)``
    a scenario ``set`` event: these parameters apply from now on.
``counters(t)`` / ``window(...)`` / ``summary(...)``
    cumulative counters for the engine's snapshots, and how to present differences.

``Server`` is the queueing machine behind ``app_server``, ``database`` and
``worker``: ``workers`` identical servers in front of one FIFO queue that holds
at most ``queue_limit`` waiting calls (``None``: unbounded; when full the call is
rejected, HTTP 503). A call that finds a free worker starts its service at
once; its completion is one event. After the service the subclass decides what
happens (``served``): answer now, or call downstream while still holding the
worker, then ``finish``. Busy workers and queue length are integrated over time
at every change of state (``_mark``), which gives utilisation (busy worker-time
over available worker-time) and the time-weighted mean queue length exactly,
with no sampling.

Service times have the mean the parameters give and one of three shapes:
``exponential`` (memoryless, as in M/M/c queueing theory), ``constant`` and
``lognormal`` with coefficient of variation ``service_cv`` (the long right tail
of real request times).
"""

from __future__ import annotations

from collections import deque
from heapq import heappush
from math import exp, log, sqrt

from ..kernel import stream
from ..metrics import Histogram, bucket_of
from ..network import REFUSED, REJECTED, Call, reply

__all__ = ["Node", "Server", "sampler"]


def sampler(rng, dist: str, cv: float):
    """A function ``draw(mean)`` giving service times of the shape ``dist``."""
    random = rng.random
    if dist == "constant":
        return lambda mean: mean
    if dist == "lognormal":
        sigma2 = log(1.0 + cv * cv)
        sigma = sqrt(sigma2)
        gauss = rng.gauss
        # E[exp(N(mu, sigma2))] = exp(mu + sigma2 / 2): choose mu so that the mean is ``mean``.
        return lambda mean: mean * exp(gauss(-sigma2 / 2.0, sigma))
    return lambda mean: -log(1.0 - random()) * mean


class Node:
    """A component of the topology; subclasses override the hooks they need."""

    kind = "node"
    FOLDABLE = False  # True for stateless routers that may be handed calls at a future time
    COUNTERS: tuple[str, ...] = ("refused", "rejected", "timed_out", "downtime")

    def __init__(self, spec: dict, model) -> None:
        self.id = spec["id"]
        self.params = dict(spec["params"])
        self.model = model
        kernel = model.kernel
        self.heap = kernel.heap
        self.seq = kernel.sequence
        self.rng = stream(model.seed, self.id)
        self.up = True
        self.down_since = 0.0
        self.down_area = 0.0
        self.n_refused = 0
        self.n_rejected = 0
        self.n_timed_out = 0
        self.out: list = []  # outgoing edges, in document order
        self.into: list = []  # incoming edges
        self.watchers: list = []  # load balancers health-checking this node
        self.configure(self.params)

    # -- parameters ---------------------------------------------------------
    def configure(self, params: dict) -> None:
        """Read ``params`` into attributes (at build time and after ``set``)."""

    def wire(self) -> None:
        """Called once every node and edge exists: find downstream targets."""

    def set_params(self, t: float, params: dict) -> None:
        self.params.update(params)
        self.configure(self.params)

    # -- failure ------------------------------------------------------------
    def fail(self, t: float) -> None:
        if not self.up:
            return
        self.up = False
        self.down_since = t
        self.drop_held(t)
        for lb in self.watchers:
            lb.target_failed(t, self)

    def recover(self, t: float) -> None:
        if self.up:
            return
        self.up = True
        self.down_area += t - self.down_since
        self.on_recover(t)
        for lb in self.watchers:
            lb.target_recovered(t, self)

    def drop_held(self, t: float) -> None:
        """Refuse every call this node holds (it has just failed)."""

    def on_recover(self, t: float) -> None:
        """Come back clean (empty queue, cold cache)."""

    def downtime(self, t: float) -> float:
        return self.down_area + (0.0 if self.up else t - self.down_since)

    def refuse(self, t: float, call: Call) -> None:
        self.n_refused += 1
        reply(t, call, REFUSED)

    # -- hooks for calls -----------------------------------------------------
    def arrive(self, t: float, call: Call) -> None:
        raise NotImplementedError

    def on_reply(self, t: float, call: Call) -> None:
        """An answer this node does not wait for (background work) needs no action."""

    # -- measurement ---------------------------------------------------------
    def counters(self, t: float) -> tuple:
        """Cumulative counters, in the order of ``COUNTERS``, brought up to time ``t``."""
        return (self.n_refused, self.n_rejected, self.n_timed_out, self.downtime(t))

    def warmup_reset(self, t: float) -> None:
        """The warm-up ends at ``t``: restart measures that cannot be differenced (maxima, histograms)."""

    def window(self, d: dict, length: float) -> dict:
        """The node's part of a window message, from counter differences ``d`` over ``length`` s."""
        return {
            "utilization": 0.0,
            "queue_len": 0.0,
            "up": self.up,
            "arrivals_rps": d.get("arrivals", 0) / length,
            "completed_rps": d.get("completed", 0) / length,
        }

    def summary(self, d: dict, measured: float) -> dict:
        """The node's entry in the results, from counter differences ``d`` over ``measured`` s."""
        return {
            "kind": self.kind,
            "failures": {"refused": d["refused"], "rejected": d["rejected"], "timed_out": d["timed_out"]},
            "downtime_s": d["downtime"],
        }


class Server(Node):
    """``workers`` servers before one FIFO queue; subclasses define ``service_mean`` and ``served``."""

    COUNTERS = Node.COUNTERS + ("arrivals", "completed", "busy_area", "queue_area")

    def __init__(self, spec: dict, model) -> None:
        self.busy = 0
        self.queue: deque[Call] = deque()
        self.active: set[Call] = set()
        self.t_mark = 0.0
        self.busy_area = 0.0
        self.queue_area = 0.0
        self.n_arrivals = 0
        self.n_completed = 0
        self.latency = Histogram()
        super().__init__(spec, model)
        self._served = self.served  # bound once: scheduled for every call

    def configure(self, params: dict) -> None:
        self.workers = params["workers"]
        self.queue_limit = params.get("queue_limit")
        self.draw = sampler(
            self.rng, params.get("service_dist", "exponential"), params.get("service_cv", 1.0)
        )

    def set_params(self, t: float, params: dict) -> None:
        self._mark(t)
        super().set_params(t, params)
        # More workers take waiting calls at once; fewer take effect as busy ones finish.
        while self.up and self.queue and self.busy < self.workers:
            self.start(t, self.queue.popleft())

    def _mark(self, t: float) -> None:
        dt = t - self.t_mark
        if dt > 0.0:
            self.busy_area += self.busy * dt
            self.queue_area += len(self.queue) * dt
            self.t_mark = t

    def arrive(self, t: float, call: Call) -> None:
        if not self.up:
            self.refuse(t, call)
            return
        self.n_arrivals += 1
        call.t_in = t
        if self.busy < self.workers:
            self.start(t, call)
        elif self.queue_limit is not None and len(self.queue) >= self.queue_limit:
            self.n_rejected += 1
            reply(t, call, REJECTED, True)
        else:
            self._mark(t)
            self.queue.append(call)

    def service_mean(self, call: Call) -> float:
        raise NotImplementedError

    def start(self, t: float, call: Call) -> None:
        dt = t - self.t_mark
        if dt > 0.0:
            self.busy_area += self.busy * dt
            self.queue_area += len(self.queue) * dt
            self.t_mark = t
        self.busy += 1
        self.active.add(call)
        heappush(self.heap, (t + self.draw(self.service_mean(call)), next(self.seq), self._served, call))

    def served(self, t: float, call: Call) -> None:
        """The service time of ``call`` is over (subclasses: answer or call downstream)."""
        if call.alive:
            self.finish(t, call, 0)

    def release(self, t: float, call: Call) -> None:
        """Event form of ``finish`` with success, for answers delayed by folded round trips."""
        if call.alive:
            self.finish(t, call, 0)

    def finish(self, t: float, call: Call, status: int) -> None:
        """Answer ``call`` at time ``t`` (the current time), free its worker, take the next one."""
        dt = t - self.t_mark
        if dt > 0.0:
            self.busy_area += self.busy * dt
            self.queue_area += len(self.queue) * dt
            self.t_mark = t
        self.busy -= 1
        self.active.discard(call)
        call.alive = False
        self.n_completed += 1
        lat = t - call.t_in
        hist = self.latency
        hist.counts[bucket_of(lat)] += 1
        hist.n += 1
        hist.total += lat
        if lat > hist.max:
            hist.max = lat
        self.answer(t, call, status)
        queue = self.queue
        if queue and self.busy < self.workers:
            self.start(t, queue.popleft())

    def answer(self, t: float, call: Call, status: int) -> None:
        reply(t, call, status, True)

    def drop_held(self, t: float) -> None:
        self._mark(t)
        held = list(self.queue) + list(self.active)
        self.queue.clear()
        self.active.clear()
        self.busy = 0
        for call in held:
            call.alive = False
            self.n_refused += 1
            self.answer(t, call, REFUSED)

    def on_recover(self, t: float) -> None:
        self._mark(t)

    def counters(self, t: float) -> tuple:
        self._mark(t)
        return super().counters(t) + (self.n_arrivals, self.n_completed, self.busy_area, self.queue_area)

    def warmup_reset(self, t: float) -> None:
        self.latency = Histogram()

    def window(self, d: dict, length: float) -> dict:
        view = super().window(d, length)
        uptime = length - d["downtime"]
        if uptime > 0:
            view["utilization"] = min(1.0, d["busy_area"] / (self.workers * uptime))
        view["queue_len"] = d["queue_area"] / length
        return view

    def summary(self, d: dict, measured: float) -> dict:
        out = super().summary(d, measured)
        uptime = measured - d["downtime"]
        p50, p95, p99 = self.latency.percentiles((0.5, 0.95, 0.99))
        out.update(
            {
                "arrivals": d["arrivals"],
                "completed": d["completed"],
                "rejected": d["rejected"],
                "utilization": min(1.0, d["busy_area"] / (self.workers * uptime)) if uptime > 0 else 0.0,
                "queue_mean": d["queue_area"] / measured if measured > 0 else 0.0,
                "latency_ms": {
                    "mean": self.latency.mean() * 1000,
                    "p50": p50 * 1000,
                    "p95": p95 * 1000,
                    "p99": p99 * 1000,
                },
            }
        )
        return out
