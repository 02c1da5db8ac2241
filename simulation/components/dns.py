"""DNS: a name that resolves to one of several targets, and answers that go stale.

A client resolves the name once per ``ttl_s`` (per session: each user's resolver
caches its own answer) and keeps using the cached answer until it expires, even
if that target has died meanwhile: the requests fail until the TTL runs out. A
lookup adds ``lookup_ms`` to the request that needed it.

Resolvers are in their steady state when the run starts: a session's first
answer comes from a resolver cache filled at some earlier time, so it has a
remaining lifetime uniform in (0, ``ttl_s``]; later answers live ``ttl_s``. So
the sessions' answers expire at spread-out times, as in a real population of
users, and when a target dies the outage a session sees is the rest of its
answer's lifetime: about ``ttl_s / 2`` on average, for every session whose
answer named the dead target. Outages at the clients grow with the TTL.

Policies for a fresh answer: ``round_robin`` (targets in turn, dead or alive:
plain DNS does not check), ``weighted`` (random, proportional to edge
``weight``), ``failover`` (the first target in edge order that is up at lookup
time) and ``latency`` (the up target behind the lowest-latency edge).

The provider's health checks (``failover``, ``latency``) are taken as exact and
instant: what makes clients slow to move is the TTL of the answers they hold,
not the provider. A standby that has not taken over is never an answer.

The DNS node sits on the request path only as a router (it never queues); the
call is relayed to the chosen target and the answer relayed back.
"""

from __future__ import annotations

from typing import Literal

from ..format.fields import Kind, Metric, Number, hourly_price, param, usage_price
from ..network import Call, reply
from .base import Node

__all__ = ["Dns", "DnsParams"]


class DnsParams(Kind):
    TITLE = "DNS"
    SUMMARY = "Resolves a name to one of its targets; clients cache the answer for ttl_s."

    ttl_s: Number = param(
        60,
        "How long a client keeps using a resolved answer, in s, even if that target has died; "
        "0 = resolve on every request.",
        unit="s",
        ge=0,
        le=86_400,
    )
    policy: Literal["round_robin", "weighted", "failover", "latency"] = param(
        "round_robin",
        "Which target an answer names: round_robin (in turn), weighted (in proportion to the "
        "edges' weight), failover (the first healthy target) or latency (the target with the "
        "lowest edge latency).",
    )
    lookup_ms: Number = param(
        20,
        "Time a lookup takes when the client's cached answer has expired, in ms.",
        unit="ms",
        ge=0,
        le=10_000,
    )
    cost_per_hour: Number = hourly_price(
        0.000685,
        "Amazon Route 53: $0.50 per hosted zone per month (730 h), $0.40 per million standard queries",
    )
    cost_per_million_requests: Number = usage_price(0.4)


class Dns(Node):
    kind = "dns"
    Params = DnsParams
    TRAITS = frozenset({"forwards"})
    FORWARDS_TO = "the targets its name resolves to (a load balancer or server per region)"
    SUMMARY_METRICS = (
        Metric("arrivals", "Requests", "requests", "Requests that went through it (answered from a client's cached answer or looked up)."),
        Metric("lookups", "Lookups", "requests", "Lookups made because a client's cached answer had expired (each costs lookup_ms)."),
    )  # fmt: skip
    WINDOW_METRICS = (Metric("completed_rps", "Answered", "rps", "Requests answered per second."),)
    FOLDABLE = True
    COUNTERS = Node.COUNTERS + ("arrivals", "completed", "lookups")

    def __init__(self, spec: dict, model) -> None:
        self.answers: dict = {}  # (client id, session) -> (target index, expiry)
        self.turn = 0
        self.n_arrivals = 0
        self.n_completed = 0
        self.n_lookups = 0
        super().__init__(spec, model)

    def configure(self, params: dict) -> None:
        self.ttl = float(params["ttl_s"])
        self.policy = params["policy"]
        self.lookup_time = params["lookup_ms"] / 1000.0

    def uses(self) -> frozenset[str]:
        return frozenset(("session",))

    def wire(self) -> None:
        self.edges = list(self.out)

    def resolve(self) -> int:
        edges = self.edges
        live = [k for k, e in enumerate(edges) if not e.dormant]  # never a standby before it takes over
        if not live:
            return 0
        if self.policy == "round_robin":
            self.turn += 1
            return live[self.turn % len(live)]
        up = [k for k in live if edges[k].target.up]
        if self.policy == "failover":
            return up[0] if up else live[0]
        if self.policy == "latency":
            return min(up or live, key=lambda k: edges[k].latency)
        total = sum(edges[k].weight for k in live)
        if total <= 0:
            return live[0]
        x = self.rng.random() * total
        for k in live:
            x -= edges[k].weight
            if x < 0:
                return k
        return live[-1]

    def arrive(self, t: float, call: Call) -> None:
        if not self.up or not self.edges:
            self.refuse(t, call)
            return
        self.n_arrivals += 1
        req = call.req
        who = (req.client.id, req.session)
        answer = self.answers.get(who)
        if answer is None or t >= answer[1]:
            self.n_lookups += 1
            # A first answer has been cached for a while already: see the module docstring.
            ttl = self.ttl if answer is not None else self.ttl * (1.0 - self.rng.random())
            answer = (self.resolve(), t + ttl)
            self.answers[who] = answer
            t += self.lookup_time
        child = Call(req, call.op, call, self)
        self.edges[answer[0]].send(t, child)

    def on_reply(self, t: float, child: Call) -> None:
        self.n_completed += 1
        reply(t, child.parent, child.status)

    def drop_held(self, t: float) -> None:
        self.answers.clear()

    def counters(self, t: float) -> tuple:
        return super().counters(t) + (self.n_arrivals, self.n_completed, self.n_lookups)

    def summary(self, d: dict, measured: float) -> dict:
        out = super().summary(d, measured)
        out.update({"arrivals": d["arrivals"], "lookups": d["lookups"]})
        return out
