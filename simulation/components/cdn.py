"""CDN: static content served at the edge, close to the users.

Requests for static assets (the client's ``static_ratio``; the objects are the
client's keys) are answered at the edge after ``edge_ms``. Dynamic requests pass
straight through to the origin (the CDN's target).

``pull``: the edge stores at most ``capacity`` objects (least recently used out)
for ``ttl_s`` each; a miss or an expired object is first fetched from the origin,
so the first request for every object is slow and loads the origin.
``push``: the objects are placed at the edge ahead of requests and never miss,
at the cost of storing all of them.
"""

from __future__ import annotations

from ..network import OK, Call, reply
from .base import Node
from .cache import LRUStore

__all__ = ["Cdn"]


class Cdn(Node):
    kind = "cdn"
    FOLDABLE = True
    COUNTERS = Node.COUNTERS + ("arrivals", "hits", "misses")

    def __init__(self, spec: dict, model) -> None:
        self.n_arrivals = 0
        self.n_hits = 0
        self.n_misses = 0
        self.store = None
        super().__init__(spec, model)

    def configure(self, params: dict) -> None:
        self.push = params["mode"] == "push"
        self.ttl = float(params["ttl_s"])
        self.edge_time = params["edge_ms"] / 1000.0
        if self.store is None:
            self.store = LRUStore(params["capacity"])
        else:
            self.store.capacity = params["capacity"]

    def uses(self) -> frozenset[str]:
        return frozenset(("key",))

    def wire(self) -> None:
        live = [e for e in self.out if not e.dormant]
        self.origin = live[0] if live else None

    def arrive(self, t: float, call: Call) -> None:
        if not self.up:
            self.refuse(t, call)
            return
        self.n_arrivals += 1
        req = call.req
        if req.static:
            if self.push:
                self.n_hits += 1
                reply(t + self.edge_time, call, OK)
                return
            stored = self.store.get(req.key)
            if stored is not None and t - stored < self.ttl:
                self.n_hits += 1
                reply(t + self.edge_time, call, OK)
                return
            self.n_misses += 1
        if self.origin is None:
            reply(t + self.edge_time, call, OK)
            return
        child = Call(req, call.op, call, self)
        self.origin.send(t + self.edge_time, child)

    def on_reply(self, t: float, child: Call) -> None:
        req = child.req
        if child.status == OK and req.static and not self.push and self.up:
            self.store.put(req.key, t)
        reply(t, child.parent, child.status)

    def drop_held(self, t: float) -> None:
        self.store.clear()

    def counters(self, t: float) -> tuple:
        return super().counters(t) + (self.n_arrivals, self.n_hits, self.n_misses)

    def window(self, d: dict, length: float) -> dict:
        view = super().window(d, length)
        looked = d["hits"] + d["misses"]
        view["hit_ratio"] = d["hits"] / looked if looked else 0.0
        return view

    def summary(self, d: dict, measured: float) -> dict:
        out = super().summary(d, measured)
        looked = d["hits"] + d["misses"]
        out.update(
            {"hit_ratio": d["hits"] / looked if looked else 0.0, "hits": d["hits"], "misses": d["misses"]}
        )
        return out
