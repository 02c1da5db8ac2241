"""What every component shares: the uniform hooks, failure, and the server mechanics.

Every kind of node is a small class with the same hooks, as SimPy's resources
share ``resources/base.py``:

``arrive(t, call)``
    a call reaches the node at time ``t``.
``on_reply(t, call)``
    the answer to a call this node made comes back (``call.status`` says how it went).
``fail(t)`` / ``recover(t)``
    the node goes down (it refuses new calls and drops the ones it holds) or comes back.
``retarget(t)``
    some of its outgoing wires now lead elsewhere (a standby took over): look again.
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
at every change of state (see ``Server``), which gives utilisation (busy worker-time
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
from math import exp, frexp, log, sqrt

from ..autoscaling import Instances, check_scaling
from ..format.fields import Metric
from ..kernel import stream
from ..metrics import LAST, MIN_VALUE, OFFSET, SCALE, SUB_BUCKETS, Histogram
from ..network import OK, REFUSED, REJECTED, Call, lost, reply

__all__ = ["TRAITS", "Node", "Server", "sampler"]

# What generic code (the engine, the format's checks, the editor) may ask of a kind,
# instead of testing its name. Each kind lists the ones it has in ``TRAITS``.
TRAITS = {
    "source": "a traffic source: nothing sends to it, and it sends to exactly one target",
    "forwards": "passes each request on to one of its targets, so it needs at least one",
    "queues": "requests wait in a line for a pool of workers (utilisation, queue length)",
    "replicates": "an edge between two nodes of this kind is a replication edge",
    "holds_data": "keeps keys or objects (what it answers may be stale)",
}


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
    Params: type | None = None  # the kind's parameter model (``format.fields.Kind``)
    TRAITS: frozenset[str] = frozenset()  # names from the module's ``TRAITS``
    FORWARDS_TO = ""  # with the "forwards" trait: what it must be connected to, for the message
    FOLDABLE = False  # True for stateless routers that may be handed calls at a future time
    WIRING_STAGE = 1  # kinds wire in stages, lowest first (see ``all_wired``)
    COUNTERS: tuple[str, ...] = ("refused", "rejected", "timed_out", "downtime")
    # The metrics a kind reports, declared beside the code that computes them. Each class
    # declares its own additions; ``summary_metrics()`` and ``window_metrics()`` gather
    # them along the class hierarchy. ``METRICS_IN`` says where a kind's figures are:
    # "nodes" (``results.nodes[id]``, ``window.nodes[id]``) or "clients".
    METRICS_IN = "nodes"
    SUMMARY_METRICS: tuple[Metric, ...] = (
        Metric("failures.refused", "Refused", "requests", "Requests sent to it while it was down, or dropped when it failed.", "lower"),
        Metric("failures.rejected", "Rejected", "requests", "Requests turned away because its queue was full (HTTP 503).", "lower"),
        Metric("failures.timed_out", "Timed out", "requests", "Requests whose caller gave up waiting for its answer.", "lower"),
        Metric("downtime_s", "Downtime", "s", "Time it was down during the measured part of the run.", "lower"),
        Metric("cost_usd", "Cost", "USD", "What it cost over the measured part of the run (cost_per_hour, usage).", "lower"),
    )  # fmt: skip
    WINDOW_METRICS: tuple[Metric, ...] = (
        Metric("arrivals_rps", "Arrivals", "rps", "Requests reaching it per second."),
        Metric("errors_rps", "Errors", "rps", "Requests failing at it per second (refused, rejected, timed out).", "lower"),
        Metric("error_ratio", "Error share", "ratio", "Share of the requests reaching it that failed there.", "lower"),
    )  # fmt: skip

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
        self.guard = None  # the Standby pair watching our heartbeats, if we have a standby
        self.replaced = False  # a standby took our place: callers no longer see us
        self.configure(self.params)

    # -- what the kind declares ------------------------------------------------
    @classmethod
    def traits(cls) -> dict[str, bool]:
        """Every trait, true or false for this kind (the schema's ``x-traits``)."""
        return {name: name in cls.TRAITS for name in TRAITS}

    @classmethod
    def summary_metrics(cls) -> list[Metric]:
        """The metrics of this kind's entry in the results, base classes' first."""
        return _gathered(cls, "SUMMARY_METRICS")

    @classmethod
    def window_metrics(cls) -> list[Metric]:
        """The metrics of this kind's part of each window message, base classes' first."""
        return _gathered(cls, "WINDOW_METRICS")

    @staticmethod
    def check_params(params: dict) -> list[tuple[str, str]]:
        """Problems with this kind's parameters taken together, as (parameter, message) pairs
        (each parameter alone was checked against its range already)."""
        return []

    def tracks_sessions(self) -> bool:
        """Whether this node, as configured, needs the run to know which server holds each session."""
        return False

    def edge_healed(self, t: float, edge) -> None:
        """A partition of ``edge`` (one of ours, either end) has just healed."""

    # -- parameters ---------------------------------------------------------
    def configure(self, params: dict) -> None:
        """Read ``params`` into attributes (at build time and after ``set``)."""

    def wire(self) -> None:
        """Called once every node and edge exists: find downstream targets."""

    @staticmethod
    def all_wired(nodes: list) -> None:
        """Called once per kind with all its nodes, when they have wired (before later stages wire)."""

    def retarget(self, t: float) -> None:
        """Some outgoing wires were re-pointed or woken up (failover): find the targets again."""
        self.wire()

    def uses(self) -> frozenset[str]:
        """Which request attributes this node looks at ("op", "key", "session").

        A client draws only what some node it can reach will look at: a draw
        nobody reads costs time in every request and changes no result.
        """
        return frozenset()

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
        if self.guard is not None:
            self.guard.active_failed(t)

    def recover(self, t: float) -> None:
        if self.up:
            return
        self.up = True
        if not self.replaced:
            self.down_area += t - self.down_since
        self.on_recover(t)
        for lb in self.watchers:
            lb.target_recovered(t, self)
        if self.guard is not None:
            self.guard.active_recovered(t)

    def take_out(self, t: float) -> None:
        """A standby has taken our place: from now on callers do not see us, up or down."""
        if not self.up and not self.replaced:
            self.down_area += t - self.down_since
        self.replaced = True

    def drop_held(self, t: float) -> None:
        """Refuse every call this node holds (it has just failed)."""

    def on_recover(self, t: float) -> None:
        """Come back clean (empty queue, cold cache)."""

    def downtime(self, t: float) -> float:
        return self.down_area + (0.0 if self.up or self.replaced else t - self.down_since)

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
        errors = d["refused"] + d["rejected"] + d["timed_out"]
        reached = d.get("arrivals", 0) + d["refused"]  # a refused call is not counted as an arrival
        return {
            "utilization": 0.0,
            "queue_len": 0.0,
            "up": self.up,
            "arrivals_rps": d.get("arrivals", 0) / length,
            "completed_rps": d.get("completed", 0) / length,
            "errors_rps": errors / length,
            "error_ratio": min(1.0, errors / reached) if reached else (1.0 if errors else 0.0),
        }

    def hourly_cost(self, d: dict, length: float) -> float:
        """What the node costs per hour now, in USD, usage over the window included."""
        rate = self.params["cost_per_hour"]
        per_million = self.params.get("cost_per_million_requests")
        if per_million:
            rate += per_million * d.get("arrivals", 0) / length * 3600.0 / 1e6
        return rate

    def cost(self, d: dict, measured: float) -> float:
        """What the node cost over the measured ``measured`` s, in USD (a failed node still costs)."""
        usd = self.params["cost_per_hour"] * measured / 3600.0
        per_million = self.params.get("cost_per_million_requests")
        if per_million:
            usd += per_million * d.get("arrivals", 0) / 1e6
        return usd

    def summary(self, d: dict, measured: float) -> dict:
        """The node's entry in the results, from counter differences ``d`` over ``measured`` s."""
        return {
            "kind": self.kind,
            "failures": {"refused": d["refused"], "rejected": d["rejected"], "timed_out": d["timed_out"]},
            "downtime_s": d["downtime"],
            "cost_usd": self.cost(d, measured),
        }


class Server(Node):
    """``workers`` servers before one FIFO queue; subclasses set ``means`` and may override ``served``.

    Busy worker-time and queue length are integrated without a clock of their
    own: the area under "busy workers" up to time t is the sum, over calls,
    of (end - start), counting calls still in service as ending at t. So
    ``busy_acc`` subtracts t when a call starts and adds t when it ends, and the
    area is ``busy_acc + busy * t`` (likewise the queue with enqueue/dequeue
    times). One addition per change of state, and exact.
    """

    COUNTERS = Node.COUNTERS + (
        "arrivals",
        "completed",
        "busy_area",
        "queue_area",
        "serving_area",
        "asked_area",
    )
    TRAITS = frozenset({"queues"})
    SCALABLE = False  # True: runs ``instances`` copies and may autoscale (see ``simulation.autoscaling``)

    @classmethod
    def check_params(cls, params: dict) -> list[tuple[str, str]]:
        return check_scaling(params) if cls.SCALABLE else []

    SUMMARY_METRICS = (
        Metric("arrivals", "Arrivals", "requests", "Requests that reached it while it was up."),
        Metric("completed", "Completed", "requests", "Requests it finished serving."),
        Metric("utilization", "Utilisation", "ratio", "Busy worker-time over available worker-time."),
        Metric("queue_mean", "Mean queue", "requests", "Requests waiting for a worker, averaged over time.", "lower"),
        Metric("latency_ms.mean", "Latency mean", "ms", "Mean time from arrival to answer.", "lower"),
        Metric("latency_ms.p50", "Latency p50", "ms", "Median time from arrival to answer.", "lower"),
        Metric("latency_ms.p95", "Latency p95", "ms", "95th percentile of the time from arrival to answer.", "lower"),
        Metric("latency_ms.p99", "Latency p99", "ms", "99th percentile of the time from arrival to answer.", "lower"),
    )  # fmt: skip
    WINDOW_METRICS = (
        Metric("utilization", "Utilisation", "ratio", "Busy worker-time over available worker-time."),
        Metric("queue_len", "Queue length", "requests", "Requests waiting for a worker, averaged over the window.", "lower"),
        Metric("completed_rps", "Completed", "rps", "Requests finished per second."),
    )  # fmt: skip

    def __init__(self, spec: dict, model) -> None:
        self.busy = 0
        self.queue: deque[Call] = deque()
        self.waiting: set[Call] = set()  # calls whose worker waits for a downstream answer
        self.busy_acc = 0.0
        self.queue_acc = 0.0
        self.n_arrivals = 0
        self.n_completed = 0
        self.latency = Histogram(keep_max=False)  # arrival to answer; nobody asks for its max
        # on_start(t, call) -> extra seconds: work done as a worker picks the call up
        # whose duration folds into its service (an app server's cache lookup).
        self.on_start = None
        self.instances = None  # an ``Instances`` when SCALABLE: how many copies serve
        super().__init__(spec, model)
        self._served = self.served  # bound once: scheduled for every call (wire may pick finish)

    def configure(self, params: dict) -> None:
        if self.SCALABLE:
            if self.instances is None:
                self.instances = Instances(self, params)
            else:
                self.instances.configure(params)
            self.workers = self.instances.workers  # every serving instance's workers, one waiting line
        else:
            self.workers = params["workers"]
        self.queue_limit = params.get("queue_limit")
        dist = params.get("service_dist", "exponential")
        self.exponential = dist == "exponential"
        self.random = self.rng.random
        self.draw = sampler(self.rng, dist, params.get("service_cv", 1.0))
        # Mean service time by call op (READ, WRITE, REPLICATE); subclasses fill it in.
        self.means = (0.0, 0.0, 0.0)

    def set_params(self, t: float, params: dict) -> None:
        old = self.workers
        super().set_params(t, params)
        if self.instances is not None:
            self.instances.capacity_acc += (old - self.workers) * t
            if "instances" in params:
                self.instances.set_size(t, params["instances"])
        self.capacity_grew(t)

    def capacity_grew(self, t: float) -> None:
        """More workers take waiting calls at once (fewer take effect as busy ones finish)."""
        while self.up and self.queue and self.busy < self.workers:
            self.queue_acc += t
            self.start(t, self.queue.popleft())

    # The three methods below are the hot path of every simulation: they inline
    # what would read better as small helpers (drawing, replying), because a
    # Python call costs as much as the work itself.

    def arrive(self, t: float, call: Call) -> None:
        if not self.up:
            self.refuse(t, call)
            return
        self.n_arrivals += 1
        call.t_in = t
        busy = self.busy
        if busy < self.workers:
            self.busy = busy + 1
            self.busy_acc -= t
            mean = self.means[call.op]
            service = -log(1.0 - self.random()) * mean if self.exponential else self.draw(mean)
            if self.on_start is not None:
                service += self.on_start(t, call)
            heappush(self.heap, (t + service, next(self.seq), self._served, call))
        elif self.queue_limit is not None and len(self.queue) >= self.queue_limit:
            self.n_rejected += 1
            reply(t, call, REJECTED, True)
        else:
            self.queue_acc -= t
            self.queue.append(call)

    def start(self, t: float, call: Call) -> None:
        """Put ``call`` (already out of the queue) on a free worker at time ``t``."""
        self.busy += 1
        self.busy_acc -= t
        mean = self.means[call.op]
        service = -log(1.0 - self.random()) * mean if self.exponential else self.draw(mean)
        if self.on_start is not None:
            service += self.on_start(t, call)
        heappush(self.heap, (t + service, next(self.seq), self._served, call))

    def served(self, t: float, call: Call) -> None:
        """The service time of ``call`` is over (subclasses: answer or call downstream)."""
        self.finish(t, call, OK)

    def release(self, t: float, call: Call) -> None:
        """Event form of ``finish`` with success, for answers delayed by folded round trips."""
        self.finish(t, call, OK)

    def finish(self, t: float, call: Call, status: int = OK) -> None:
        """Answer ``call`` at time ``t`` (the current time), free its worker, take the next one."""
        if not call.alive:
            return  # dropped when this node failed
        self.busy -= 1  # before answering: the answer may come straight back here
        self.busy_acc += t
        waiting = self.waiting
        if waiting:
            waiting.discard(call)
        call.alive = False
        self.n_completed += 1
        latency = t - call.t_in
        hist = self.latency
        if latency < MIN_VALUE:
            hist.counts[0] += 1
        else:
            m, e = frexp(latency)
            b = int(m * SCALE) + e * SUB_BUCKETS + OFFSET
            hist.counts[b if b < LAST else LAST] += 1
        hist.total += latency
        # reply(t, call, status, now=True), inlined
        call.status = status
        edge = call.edge
        if edge.cut:
            lost(t, call)
        else:
            pnode = call.pnode
            ta = t + edge.latency
            if ta == t or pnode.FOLDABLE:
                pnode.on_reply(ta, call)
            else:
                heappush(self.heap, (ta, next(self.seq), pnode.on_reply, call))
        queue = self.queue
        if queue and self.busy < self.workers:
            # The freed worker takes the next waiting call (start(), inlined).
            self.queue_acc += t
            nxt = queue.popleft()
            self.busy += 1
            self.busy_acc -= t
            mean = self.means[nxt.op]
            service = -log(1.0 - self.random()) * mean if self.exponential else self.draw(mean)
            if self.on_start is not None:
                service += self.on_start(t, nxt)
            heappush(self.heap, (t + service, next(self.seq), self._served, nxt))

    def close(self, t: float, call: Call) -> None:
        """Free the worker of ``call`` and measure it, without answering anybody (see Worker)."""
        self.busy -= 1
        self.busy_acc += t
        self.waiting.discard(call)
        call.alive = False
        self.n_completed += 1
        self.latency.add(t - call.t_in)

    def answer(self, t: float, call: Call, status: int) -> None:
        """Tell the caller of a call dropped by a failure (Worker overrides: nobody waits)."""
        reply(t, call, status, True)

    def held(self) -> list[Call]:
        """Every call this node holds: waiting, in service, or waiting for a downstream answer.

        Calls in service are not kept in a set (that would cost two set operations
        per call, for the sake of rare failures): their completion events are found
        in the calendar instead.
        """
        mine = (self._served, getattr(self, "_release", None))
        in_service = [e[3] for e in self.heap if e[2] in mine and e[3].alive]
        return list(dict.fromkeys([*self.queue, *in_service, *self.waiting]))

    def drop_held(self, t: float) -> None:
        held = self.held()
        self.queue_acc += len(self.queue) * t
        self.busy_acc += self.busy * t
        self.queue.clear()
        self.waiting.clear()
        self.busy = 0
        for call in held:
            call.alive = False
            self.n_refused += 1
            self.answer(t, call, REFUSED)

    def counters(self, t: float) -> tuple:
        busy_area = self.busy_acc + self.busy * t
        queue_area = self.queue_acc + len(self.queue) * t
        sized = self.instances.counters(t) if self.instances is not None else (t, t)
        return super().counters(t) + (self.n_arrivals, self.n_completed, busy_area, queue_area, *sized)

    def warmup_reset(self, t: float) -> None:
        self.latency.reset()
        if self.instances is not None:
            self.instances.warmup_reset(t)

    def utilization(self, d: dict, length: float) -> float:
        """Busy worker-time over available worker-time, from counter differences over ``length`` s."""
        uptime = length - d["downtime"]
        if uptime <= 0:
            return 0.0
        workers = self.workers
        if self.instances is not None and self.instances.maximum is not None and d["serving_area"] > 0:
            workers = self.instances.per_instance * d["serving_area"] / length  # the size changed: its mean
        return max(0.0, min(1.0, d["busy_area"] / (workers * uptime)))

    def hourly_cost(self, d: dict, length: float) -> float:
        if self.instances is None:
            return super().hourly_cost(d, length)
        return self.params["cost_per_hour"] * self.instances.asked

    def cost(self, d: dict, measured: float) -> float:
        if self.instances is None:
            return super().cost(d, measured)
        return self.params["cost_per_hour"] * d["asked_area"] / 3600.0

    def window(self, d: dict, length: float) -> dict:
        view = super().window(d, length)
        if length - d["downtime"] > 0:
            view["utilization"] = self.utilization(d, length)
        view["queue_len"] = max(0.0, d["queue_area"] / length)
        if self.instances is not None:
            self.instances.window(view)
        return view

    def summary(self, d: dict, measured: float) -> dict:
        out = super().summary(d, measured)
        p50, p95, p99 = self.latency.percentiles((0.5, 0.95, 0.99))
        out.update(
            {
                "arrivals": d["arrivals"],
                "completed": d["completed"],
                "rejected": d["rejected"],
                "utilization": self.utilization(d, measured),
                "queue_mean": max(0.0, d["queue_area"] / measured) if measured > 0 else 0.0,
                "latency_ms": {
                    "mean": self.latency.mean() * 1000,
                    "p50": p50 * 1000,
                    "p95": p95 * 1000,
                    "p99": p99 * 1000,
                },
            }
        )
        if self.instances is not None:
            out.update(self.instances.summary(d, measured))
        return out


def _gathered(cls: type, attribute: str) -> list[Metric]:
    metrics: list[Metric] = []
    for klass in reversed(cls.__mro__):
        metrics.extend(klass.__dict__.get(attribute, ()))
    return metrics


def hit_ratio(counts: dict) -> float:
    """Hits over lookups (hits + misses) of a cache or CDN, from its counter differences; 0 with no lookup."""
    lookups = counts["hits"] + counts["misses"]
    return counts["hits"] / lookups if lookups else 0.0
