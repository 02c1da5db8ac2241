"""The load balancer: one entry point, many targets, and a belief about which are healthy.

Each call is forwarded to one target the balancer believes healthy, after
``overhead_ms`` (default 0.2 ms at layer 4, which only looks at addresses, and
1.0 ms at layer 7, which parses the request). The balancer is a stateless
router, so the overhead and the network delay are folded into the time the
call reaches its target. Answers come back through it.

Algorithms:

``round_robin``
    targets in turn.
``weighted_round_robin``
    smooth weighted round robin, as nginx does it: every pick adds each target's
    edge ``weight`` to its running score, takes the highest score and subtracts
    the total weight from it, which interleaves heavy and light targets evenly.
``random``
    uniform, from the balancer's own random stream.
``least_connections``
    the target with the fewest calls this balancer has sent and not yet seen
    answered (ties: the first in edge order).
``ip_hash``
    by the client session: a session keeps its server for as long as that
    server is believed healthy (sticky sessions); while it is not, the session
    goes to another, chosen by the same hash over the healthy targets, and comes
    back when its server does (as nginx's ``ip_hash``).
``consistent_hash``
    by key, on a ring with 100 virtual points per target; a dead target's keys
    move to the next point on the ring and nobody else's move.

Health checks. Every target is checked at every multiple of
``health_check_interval_ms`` since the start. A target is marked unhealthy at
the ``unhealthy_threshold``-th consecutive failed check and healthy again at the
first check that succeeds. Until it is marked, a dead target keeps receiving
calls, which it refuses. The checks cost no events: when a target fails at time
f, the balancer computes the time of the threshold-th check after f (and when it
recovers at r, the first check at or after r); "believed healthy at t" is then a
comparison of t with those two times. With no healthy target the balancer
answers at once: refused (HTTP 503).

Rate limiting (an API gateway). With ``rate_limit_rps`` set, a token bucket
stands in front of the balancer: it holds at most ``rate_limit_burst`` tokens
(default: one second's worth), starts full, and refills continuously at
``rate_limit_rps``. A request takes one token; a request that finds none is
answered at once, 429 (``THROTTLED``), counted under ``failures.throttled``,
and never reaches a target: over any interval the balancer passes at most
rate x length + burst requests. The refill is computed from the time elapsed
at each request (no timer events). Calls may be handed to a balancer folded,
slightly out of time order when they come over wires of different latency;
the bucket then refills only forwards in time, so the bound still holds. The
limited path is chosen once in ``configure`` (the instance's ``arrive``), so a
balancer without a limit runs the same code as before.
"""

from __future__ import annotations

import hashlib
from bisect import bisect
from heapq import heappush
from math import ceil, inf
from typing import Literal

from .. import limits
from ..format.fields import Int, Kind, Metric, Number, hourly_price, param
from ..network import REFUSED, THROTTLED, Call, lost, reply
from .base import Node

__all__ = ["LoadBalancer", "LoadBalancerParams", "consistent_hash_index", "hash_ring", "ip_hash_index"]

VIRTUAL_POINTS = 100


def _mix(x: int) -> int:
    """A cheap, stable 64-bit mixer (splitmix64's finaliser) for keys and sessions."""
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9 & 0xFFFFFFFFFFFFFFFF
    x = (x ^ (x >> 27)) * 0x94D049BB133111EB & 0xFFFFFFFFFFFFFFFF
    return x ^ (x >> 31)


def ip_hash_index(session: int, n: int) -> int:
    """The target (0..n-1) that ``ip_hash`` gives ``session`` while all ``n`` targets are healthy."""
    return _mix(session + 1) % n


def _ring_point(name: str, i: int) -> int:
    return int.from_bytes(hashlib.sha256(f"{name}#{i}".encode()).digest()[:8], "big")


def hash_ring(names: list[str]) -> tuple[list[int], list[int]]:
    """The consistent-hash ring of targets ``names``: sorted points, and the target index of each."""
    ring = sorted((_ring_point(name, i), k) for k, name in enumerate(names) for i in range(VIRTUAL_POINTS))
    return [p for p, _ in ring], [k for _, k in ring]


def consistent_hash_index(key: int, ring: tuple[list[int], list[int]]) -> int:
    """The target of ``key`` on ``ring`` (from ``hash_ring``) when every target is healthy."""
    points, targets = ring
    return targets[bisect(points, _mix(key + 1)) % len(targets)]


class LoadBalancerParams(Kind):
    TITLE = "Load balancer"
    SUMMARY = "Spreads requests over its healthy targets; health checks find dead ones."

    algorithm: Literal[
        "round_robin", "weighted_round_robin", "random", "least_connections", "ip_hash", "consistent_hash"
    ] = param(
        "round_robin",
        "How a target is chosen: round_robin (in turn), weighted_round_robin (in proportion to the "
        "edges' weight), random, least_connections (fewest requests in flight), ip_hash (by client "
        "session: sticky sessions) or consistent_hash (by key: sharding).",
    )
    layer: Literal[4, 7] = param(
        4,
        "OSI layer it balances at: 4 (transport: fast, sees only addresses) or 7 (application: "
        "reads each request, costs more).",
    )
    overhead_ms: Number | None = param(
        None,
        "Time the balancer adds to each request, in ms; null = auto: 0.2 ms at layer 4, 1.0 ms at layer 7.",
        unit="ms",
        ge=0,
        le=10_000,
        auto="0.2 for layer 4, 1.0 for layer 7",
    )
    health_check_interval_ms: Number = param(
        1000, "Interval between health checks of each target, in ms.", unit="ms", gt=0, le=600_000
    )
    unhealthy_threshold: Int = param(
        3,
        "Failed health checks in a row after which a target stops receiving requests; "
        "until then a dead target keeps getting traffic.",
        unit="checks",
        ge=1,
        le=100,
    )
    rate_limit_rps: Number | None = param(
        None,
        "Rate limit (a token bucket in front of the balancer, as an API gateway has): requests per "
        "second it lets through; a request beyond it is answered 429 at once (throttled) and "
        "clients retry it like a rejected one; null = no limit.",
        unit="rps",
        gt=0,
        le=limits.MAX_RATE_RPS,
    )
    rate_limit_burst: Number | None = param(
        None,
        "Size of the token bucket: how many requests may pass at once above the rate after a quiet "
        "spell; null = auto: one second's worth (rate_limit_rps).",
        unit="requests",
        ge=1,
        le=limits.MAX_RATE_RPS,
        auto="rate_limit_rps (one second's worth)",
    )
    cost_per_hour: Number = hourly_price(
        0.0225, "AWS Application Load Balancer: $0.0225 per hour (LCU charges not modelled)"
    )


class LoadBalancer(Node):
    kind = "load_balancer"
    Params = LoadBalancerParams
    TRAITS = frozenset({"forwards"})
    FORWARDS_TO = "the servers it spreads requests over"
    SUMMARY_METRICS = (
        Metric("arrivals", "Requests", "requests", "Requests it received."),
        # Reported by a balancer with a rate limit (rate_limit_rps), absent without one.
        Metric("failures.throttled", "Throttled", "requests", "Requests its rate limit answered 429 at once (never forwarded).", "lower"),
    )  # fmt: skip
    WINDOW_METRICS = (Metric("completed_rps", "Answered", "rps", "Requests answered per second."),)
    FOLDABLE = True
    COUNTERS = Node.COUNTERS + ("arrivals", "completed", "throttled")

    def __init__(self, spec: dict, model) -> None:
        self.targets: list = []
        self.edges: list = []
        self.active: set[Call] = set()
        self.n_arrivals = 0
        self.n_completed = 0
        self.n_throttled = 0
        self.limited = False  # has had a rate limit at some time of the run (it then reports throttled)
        self.tokens = 0.0
        self.tokens_at = 0.0
        super().__init__(spec, model)

    def configure(self, params: dict) -> None:
        self.algorithm = params["algorithm"]
        self.least_connections = self.algorithm == "least_connections"
        overhead = params.get("overhead_ms")
        if overhead is None:
            overhead = 1.0 if params["layer"] == 7 else 0.2
        self.overhead = overhead / 1000.0
        self.interval = params["health_check_interval_ms"] / 1000.0
        self.threshold = params["unhealthy_threshold"]
        limit = params.get("rate_limit_rps")
        if limit is None:
            self.__dict__.pop("arrive", None)  # the class's arrive: no bucket on the path
        else:
            burst = params.get("rate_limit_burst")
            self.limit = limit
            self.burst = float(limit if burst is None else burst)
            if not self.limited:
                self.tokens = self.burst  # the bucket starts full
                self.limited = True
            self.tokens = min(self.tokens, self.burst)
            self.arrive = self.arrive_limited  # chosen once: wires hand calls to it

    def set_params(self, t: float, params: dict) -> None:
        if "rate_limit_rps" in params or "rate_limit_burst" in params:
            self.refill(t)  # the tokens earned so far were earned at the old rate
        super().set_params(t, params)
        # The wires into the balancer hold its arrive: point them at it again (limited or not).
        for edge in self.into:
            for wire in (edge, *edge.dependents):
                if wire.target is self:
                    wire.point_to(self)

    def uses(self) -> frozenset[str]:
        if self.algorithm == "ip_hash":
            return frozenset(("session",))
        if self.algorithm == "consistent_hash":
            return frozenset(("key",))
        return frozenset()

    def tracks_sessions(self) -> bool:
        return self.params["algorithm"] == "ip_hash"  # sticky sessions

    def wire(self) -> None:
        self.edges = list(self.out)
        self.targets = [e.target for e in self.edges]
        n = len(self.targets)
        self.outstanding = [0] * n
        self.sent = [0] * n
        self.sent_at_warmup = [0] * n
        self.unhealthy_from = [inf] * n  # marked unhealthy at this time...
        self.healthy_from = [inf] * n  # ...until this one
        for k, edge in enumerate(self.edges):
            if edge.dormant:  # a standby's: out of rotation until it takes over
                self.unhealthy_from[k] = -inf
        self.all_healthy_until = min(self.unhealthy_from, default=inf)
        self.rr = 0
        self.smooth = [0.0] * n
        self.ring_points, self.ring_targets = hash_ring([t.id for t in self.targets])
        for target in self.targets:
            if self not in target.watchers:
                target.watchers.append(self)

    def retarget(self, t: float) -> None:
        """A standby took a target's place: its entry now leads to the standby, believed healthy."""
        for k, edge in enumerate(self.edges):
            target = edge.target
            if edge.dormant:
                self.unhealthy_from[k] = -inf
                self.healthy_from[k] = inf
            elif target is not self.targets[k] or self.unhealthy_from[k] == -inf:
                self.unhealthy_from[k] = inf
                self.healthy_from[k] = inf
            self.targets[k] = target
            if self not in target.watchers:
                target.watchers.append(self)
        self.all_healthy_until = min(self.unhealthy_from, default=inf)

    # -- health --------------------------------------------------------------
    def target_failed(self, t: float, target) -> None:
        for k, tg in enumerate(self.targets):
            if tg is target and self.unhealthy_from[k] != -inf:
                first = ceil(t / self.interval) * self.interval
                self.unhealthy_from[k] = first + (self.threshold - 1) * self.interval
                self.healthy_from[k] = inf
        self.all_healthy_until = min(self.unhealthy_from, default=inf)

    def target_recovered(self, t: float, target) -> None:
        for k, tg in enumerate(self.targets):
            if tg is target and self.unhealthy_from[k] != -inf:
                if self.unhealthy_from[k] < t:
                    # It was marked: the first successful check restores it.
                    self.healthy_from[k] = ceil(t / self.interval) * self.interval
                else:
                    # Back before the threshold was reached: never marked.
                    self.unhealthy_from[k] = inf
        self.all_healthy_until = min(self.unhealthy_from, default=inf)

    def believed_healthy(self, k: int, t: float) -> bool:
        return not (self.unhealthy_from[k] <= t < self.healthy_from[k])

    # -- routing -------------------------------------------------------------
    def choose(self, t: float, req) -> int:
        """Index of the target for ``req`` at time ``t``, or -1 when none is believed healthy."""
        n = len(self.targets)
        if n == 0:
            return -1
        all_healthy = t < self.all_healthy_until
        algorithm = self.algorithm
        if algorithm == "least_connections":
            best = -1
            best_load = inf
            outstanding = self.outstanding
            for k in range(n):
                load = outstanding[k]
                if load < best_load and (all_healthy or self.believed_healthy(k, t)):
                    best = k
                    best_load = load
            return best
        healthy = list(range(n)) if all_healthy else [k for k in range(n) if self.believed_healthy(k, t)]
        if not healthy:
            return -1
        if algorithm == "round_robin":
            self.rr += 1
            return healthy[self.rr % len(healthy)]
        if algorithm == "random":
            return healthy[int(self.rng.random() * len(healthy))]
        if algorithm == "weighted_round_robin":
            smooth = self.smooth
            total = 0.0
            best = -1
            for k in healthy:
                w = self.edges[k].weight
                smooth[k] += w
                total += w
                if w > 0 and (best < 0 or smooth[k] > smooth[best]):
                    best = k
            if best >= 0:
                smooth[best] -= total
            return best
        if algorithm == "ip_hash":
            # As nginx: the session's own server while it is believed healthy; else
            # another by the same hash over the healthy ones (the others' sessions stay put).
            h = _mix(req.session + 1)
            k = h % n
            if all_healthy or self.believed_healthy(k, t):
                return k
            return healthy[h % len(healthy)]
        # consistent_hash: the first ring point at or after the key's hash held by a healthy target
        points = self.ring_targets
        i = bisect(self.ring_points, _mix(req.key + 1))
        m = len(points)
        for j in range(m):
            k = points[(i + j) % m]
            if all_healthy or self.believed_healthy(k, t):
                return k
        return -1

    def refill(self, t: float) -> None:
        if self.limited and t > self.tokens_at:
            if self.params.get("rate_limit_rps") is not None:
                self.tokens = min(self.burst, self.tokens + (t - self.tokens_at) * self.limit)
            self.tokens_at = t

    def arrive_limited(self, t: float, call: Call) -> None:
        """``arrive`` behind the token bucket (the instance's ``arrive`` when a limit is set)."""
        if not self.up:
            self.refuse(t, call)
            return
        if t > self.tokens_at:  # (only forwards: folded calls may come slightly out of order)
            tokens = self.tokens + (t - self.tokens_at) * self.limit
            self.tokens = tokens if tokens < self.burst else self.burst
            self.tokens_at = t
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            LoadBalancer.arrive(self, t, call)
            return
        self.n_arrivals += 1
        self.n_throttled += 1
        reply(t, call, THROTTLED)

    def arrive(self, t: float, call: Call) -> None:
        if not self.up:
            self.refuse(t, call)
            return
        self.n_arrivals += 1
        outstanding = self.outstanding
        if self.least_connections and t < self.all_healthy_until:
            # The common case, inlined: every target believed healthy.
            k = outstanding.index(min(outstanding))
        else:
            k = self.choose(t, call.req)
            if k < 0:
                self.n_refused += 1
                reply(t, call, REFUSED)
                return
        outstanding[k] += 1
        self.sent[k] += 1
        self.active.add(call)
        child = Call(call.req, call.op, call, self)
        child.tag = k
        # edges[k].send(t + overhead, child), inlined
        edge = self.edges[k]
        child.edge = edge
        if edge.cut:
            lost(t, child)
        elif edge.fold:
            edge.arrive(t + self.overhead + edge.latency, child)
        else:
            heappush(self.heap, (t + self.overhead + edge.latency, next(self.seq), edge.arrive, child))

    def on_reply(self, t: float, child: Call) -> None:
        self.outstanding[child.tag] -= 1
        call = child.parent
        if not call.alive:
            return
        self.active.discard(call)
        call.alive = False
        self.n_completed += 1
        # reply(t, call, child.status), inlined
        call.status = child.status
        edge = call.edge
        if edge.cut:
            lost(t, call)
            return
        pnode = call.pnode
        if pnode.FOLDABLE:
            pnode.on_reply(t + edge.latency, call)
        else:
            heappush(self.heap, (t + edge.latency, next(self.seq), pnode.on_reply, call))

    def drop_held(self, t: float) -> None:
        held = list(self.active)
        self.active.clear()
        for call in held:
            call.alive = False
            self.n_refused += 1
            reply(t, call, REFUSED)

    # -- measurement ---------------------------------------------------------
    def counters(self, t: float) -> tuple:
        return super().counters(t) + (self.n_arrivals, self.n_completed, self.n_throttled)

    def window(self, d: dict, length: float) -> dict:
        view = super().window(d, length)
        throttled = d["throttled"]
        if throttled:  # a 429 is an error at the balancer: its live colour and error share show it
            errors = d["refused"] + d["rejected"] + d["timed_out"] + throttled
            reached = d["arrivals"] + d["refused"]
            view["errors_rps"] = errors / length
            view["error_ratio"] = min(1.0, errors / reached) if reached else 1.0
        return view

    def warmup_reset(self, t: float) -> None:
        self.sent_at_warmup = list(self.sent)

    def summary(self, d: dict, measured: float) -> dict:
        out = super().summary(d, measured)
        out["arrivals"] = d["arrivals"]
        if self.limited:
            out["failures"]["throttled"] = d["throttled"]
        out["targets"] = {tg.id: self.sent[k] - self.sent_at_warmup[k] for k, tg in enumerate(self.targets)}
        return out
