"""CDN: static content served at the edge, close to the users.

Requests for static assets (the client's ``static_ratio``; the objects are the
client's keys, drawn the same way) are answered at the edge after ``edge_ms``.
Everything else passes straight through to the origin (the CDN's target): dynamic
requests, and writes, which update the object of their key at the origin.

``pull``
    the edge stores at most ``capacity`` objects (least recently used out),
    each for ``ttl_s`` from when it was fetched. A miss, or an expired object,
    is fetched from the origin first (the request waits for it), so the first
    request for every object is slow and loads the origin. With N objects
    requested at rate r in all, each object costs one miss per TTL period (more
    exactly, per ``ttl_s`` plus the wait for its next request): the hit ratio
    is about 1 - 1 / (1 + r T / N).
``push``
    every object is placed at the edge ahead of requests (``objects_stored`` is
    all of them: the largest ``key_count`` of the clients that reach the CDN)
    and never misses. When a write updates an object at the origin, the origin
    pushes the new version to the edge at once ("re-push on write", counted in
    ``pushes``; the initial placement of every object is not): a push CDN never
    serves a stale object, at the cost of storing everything and a transfer
    per update.

Stale objects: a write passing through the CDN makes the edge's copy of that
key out of date. A pull CDN keeps serving the old copy until it expires
(``stale_served`` counts those answers); a push CDN has already been re-pushed.
Results per CDN: ``hit_ratio``, ``hits``, ``misses``, ``origin_requests``
(everything sent to the origin: misses and pass-through), ``objects_stored``
(at the end of the run), ``stale_served`` and ``pushes``.
"""

from __future__ import annotations

from typing import Literal

from ..format.fields import Int, Kind, Metric, Number, hourly_price, param, usage_price
from ..network import OK, WRITE, Call, reply
from .base import Node, hit_ratio
from .cache import LRUStore

__all__ = ["Cdn", "CdnParams"]


class CdnParams(Kind):
    TITLE = "CDN"
    SUMMARY = "Serves static requests from the edge; dynamic requests pass through to the origin."

    mode: Literal["pull", "push"] = param(
        "pull",
        "pull: a missing or expired object is fetched from the origin (the cdn's target) first; "
        "push: every object is placed ahead of time and never misses, at the cost of storing all.",
    )
    ttl_s: Number = param(
        300,
        "How long a pulled object stays fresh at the edge, in s.",
        unit="s",
        ge=0,
        le=31_536_000,
    )
    capacity: Int = param(
        10_000,
        "Objects the edge can store (least recently used are evicted).",
        unit="objects",
        ge=1,
        le=10_000_000,
    )
    edge_ms: Number = param(5, "Time to serve a request at the edge, in ms.", unit="ms", ge=0, le=10_000)
    cost_per_hour: Number = hourly_price(
        0, "Amazon CloudFront: $0.0100 per 10,000 HTTPS requests (data transfer not modelled)"
    )
    cost_per_million_requests: Number = usage_price(1.0)


class Cdn(Node):
    kind = "cdn"
    Params = CdnParams
    TRAITS = frozenset({"forwards", "holds_data"})
    FORWARDS_TO = "its origin (the load balancer or server behind it)"
    SUMMARY_METRICS = (
        Metric("arrivals", "Requests", "requests", "Requests that reached the edge (static and dynamic)."),
        Metric("hit_ratio", "Hit ratio", "ratio", "Static requests answered at the edge, over all static requests.", "higher"),
        Metric("hits", "Hits", "requests", "Static requests answered at the edge.", "higher"),
        Metric("misses", "Misses", "requests", "Static requests the edge had to fetch from the origin first.", "lower"),
        Metric("origin_requests", "Origin requests", "requests", "Requests the origin served for the CDN (misses, refreshes, dynamic).", "lower"),
        Metric("objects_stored", "Objects stored", "objects", "Objects held at the edge at the end (push stores them all).", "lower"),
        Metric("stale_served", "Stale served", "requests", "Static answers older than the object's latest version.", "lower"),
        Metric("pushes", "Pushes", "objects", "Objects placed at the edge ahead of requests (push mode)."),
    )  # fmt: skip
    WINDOW_METRICS = (
        Metric("hit_ratio", "Hit ratio", "ratio", "Static requests answered at the edge in the window.", "higher"),
    )  # fmt: skip
    FOLDABLE = True
    COUNTERS = Node.COUNTERS + ("arrivals", "hits", "misses", "origin_requests", "stale_served", "pushes")

    def __init__(self, spec: dict, model) -> None:
        self.n_arrivals = 0
        self.n_hits = 0
        self.n_misses = 0
        self.n_origin = 0
        self.n_stale = 0
        self.n_pushes = 0
        self.versions: dict[int, int] = {}  # key -> updates seen at the origin (through us)
        self.store = None
        super().__init__(spec, model)

    def configure(self, params: dict) -> None:
        self.push = params["mode"] == "push"
        self.ttl = float(params["ttl_s"])
        self.edge_time = params["edge_ms"] / 1000.0
        if self.store is None:
            self.store = LRUStore(params["capacity"])  # pull: key -> [fetched at, version]
        else:
            self.store.capacity = params["capacity"]

    def uses(self) -> frozenset[str]:
        return frozenset(("op", "key"))

    def wire(self) -> None:
        live = [e for e in self.out if not e.dormant]
        self.origin = live[0] if live else None

    def objects(self) -> int:
        """Every static object: the largest key space among the clients that reach us."""
        most = 0
        for client in self.model.clients:
            seen, stack = set(), [e.target for e in client.out]
            while stack:
                node = stack.pop()
                if node is self:
                    most = max(most, client.key_count)
                    break
                if node.id not in seen:
                    seen.add(node.id)
                    stack.extend(e.target for e in node.out)
        return most

    def arrive(self, t: float, call: Call) -> None:
        if not self.up:
            self.refuse(t, call)
            return
        self.n_arrivals += 1
        req = call.req
        if req.static and call.op != WRITE:
            if self.push:
                self.n_hits += 1
                reply(t + self.edge_time, call, OK)
                return
            stored = self.store.get(req.key)
            if stored is not None and t - stored[0] < self.ttl:
                self.n_hits += 1
                if stored[1] < self.versions.get(req.key, 0):
                    self.n_stale += 1
                reply(t + self.edge_time, call, OK)
                return
            self.n_misses += 1
        if self.origin is None:
            reply(t + self.edge_time, call, OK)
            return
        self.n_origin += 1
        child = Call(req, call.op, call, self)
        self.origin.send(t + self.edge_time, child)

    def on_reply(self, t: float, child: Call) -> None:
        req = child.req
        if child.status == OK and self.up:
            if child.op == WRITE:
                key = req.key
                self.versions[key] = self.versions.get(key, 0) + 1
                if self.push:
                    self.n_pushes += 1  # re-push on write: the edge has the new version now
            elif req.static and not self.push:
                self.store.put(req.key, [t, self.versions.get(req.key, 0)])
        reply(t, child.parent, child.status)

    def drop_held(self, t: float) -> None:
        self.store.clear()

    def counters(self, t: float) -> tuple:
        return super().counters(t) + (
            self.n_arrivals,
            self.n_hits,
            self.n_misses,
            self.n_origin,
            self.n_stale,
            self.n_pushes,
        )

    def window(self, d: dict, length: float) -> dict:
        view = super().window(d, length)
        view["hit_ratio"] = hit_ratio(d)
        return view

    def summary(self, d: dict, measured: float) -> dict:
        out = super().summary(d, measured)
        out.update(
            {
                "arrivals": d["arrivals"],
                "hit_ratio": hit_ratio(d),
                "hits": d["hits"],
                "misses": d["misses"],
                "origin_requests": d["origin_requests"],
                "objects_stored": self.objects() if self.push else len(self.store),
                "stale_served": d["stale_served"],
                "pushes": d["pushes"],
            }
        )
        return out
