"""Requests, calls and the wires between components.

A *request* is what a user does: read or write one key. It is created by a
client and lives until the client has its final answer (after any retries).

A *call* is one hop of a request: "component A asks component B". The caller
creates it and sends it along an edge; the callee keeps its own bookkeeping in
it (when it arrived, how far it has got, how many answers it still awaits) and
finally *replies*, which sends the call back along the same edge to the caller's
``on_reply``. A component that calls downstream keeps its worker until the reply
comes back (thread-per-request), which is how a slow database exhausts the app
servers in front of it. When a component fails, the calls it holds are marked
dead (``alive = False``) and refused; anything that later comes back for them is
ignored.

Edges carry a one-way latency in each direction. A pure delay never costs an
event of its own: it is *folded* into a timestamp. Components come in two
sorts. Stateless routers (clients, load balancers, DNS, CDN: ``FOLDABLE``) can
be handed a call "in the future", at now + latency, because nothing they decide
depends on what happens in between. Queueing components (servers, databases,
queues) must see arrivals in true time order, so a call reaching them later
than now becomes one event at its arrival time; a call arriving now (zero
latency) is handed over directly.

A partitioned edge loses what crosses it. A client caller notices only through
its own timeout (``timeout_ms``; with none, the attempt fails at once as
refused). A component caller waits the originating client's timeout before it
gives up (the attempt's work is wasted); with no timeout it gives up at once.
"""

from __future__ import annotations

from heapq import heappush

__all__ = [
    "OK",
    "REFUSED",
    "REJECTED",
    "TIMED_OUT",
    "THROTTLED",
    "READ",
    "WRITE",
    "REPLICATE",
    "Request",
    "Call",
    "Edge",
    "reply",
    "lost",
]

# How a call ended.
OK = 0
REFUSED = 1  # the callee was down (or cut off with no timeout to wait for)
REJECTED = 2  # the callee was full (HTTP 503, queue at capacity)
TIMED_OUT = 3  # the caller gave up waiting
THROTTLED = 4  # a rate limit turned it away (HTTP 429)
THROTTLED = 4  # a rate limit turned it away (HTTP 429)

# What a call asks for.
READ = 0
WRITE = 1
REPLICATE = 2  # a primary handing a committed write to a sync replica


class Call:
    """One hop of a request, from the caller ``pnode`` (on behalf of ``parent``) to a callee.

    Only the fields every hop needs are set here. The callee owns ``t_in``,
    ``stage`` (its progress) and ``aux`` (its result, e.g. the version read) and
    sets them before reading them; the caller owns ``tag`` (its own bookkeeping,
    e.g. which target a load balancer chose); ``cache`` is the write-through cache
    a database must update when it commits the write; ``Edge.send`` sets
    ``edge``, ``reply`` sets ``status`` and a client sets ``attempt``.
    """

    __slots__ = (
        "req",
        "op",
        "parent",
        "pnode",
        "alive",
        "edge",
        "attempt",
        "t_in",
        "stage",
        "aux",
        "status",
        "tag",
        "cache",
    )

    def __init__(self, req: Request, op: int, parent, pnode):
        self.req = req
        self.op = op
        self.parent = parent
        self.pnode = pnode
        self.alive = True


class Request(Call):
    """One user request: a read or a write of ``key``, with its retry state.

    A request is also the call of its own first attempt (one record per request
    instead of two: most requests never retry); a retry is a new ``Call``.
    """

    __slots__ = (
        "client",
        "key",
        "static",
        "session",
        "t_first",
        "counted",
        "attempts",
        "inflight",
        "deadline",
    )

    def __init__(self, client, key: int, write: bool, static: bool, session: int, t: float, counted: bool):
        # as the first attempt's call (``parent`` is never read: a request has none)
        self.op = WRITE if write else READ
        self.pnode = client
        self.alive = True
        self.attempt = 1
        # as the request
        self.client = client
        self.key = key
        self.static = static
        self.session = session
        self.t_first = t  # end-to-end latency is measured from the first send
        self.counted = counted  # first sent at or after the warm-up
        self.attempts = 1  # attempts made so far
        self.inflight = 1  # number of the attempt awaiting an answer, 0 when none is
        self.deadline = None

    @property
    def req(self) -> Request:  # a property, not a slot: a self-reference would be a cycle for the GC
        return self


class Edge:
    """A wire from ``source`` to ``target`` with a one-way latency (seconds) and a partition flag."""

    __slots__ = (
        "id",
        "source",
        "target",
        "latency",
        "base_latency",
        "weight",
        "replication",
        "lag",
        "cut",
        "fold",
        "arrive",
        "heap",
        "seq",
        "parts",
        "dependents",
        "dormant",
    )

    def __init__(self, spec: dict, source, target, kernel) -> None:
        params = spec["params"]
        self.id = spec["id"]
        self.source = source
        self.latency = self.base_latency = params["latency_ms"] / 1000.0
        self.weight = params["weight"]
        self.replication = params["replication"]
        self.lag = params["lag_ms"] / 1000.0
        self.cut = False
        self.dormant = False  # leads to a standby that has not taken over: routers skip it
        self.heap = kernel.heap
        self.seq = kernel.sequence
        self.parts: tuple[Edge, ...] = ()
        self.dependents: list[Edge] = []
        self.point_to(target)

    @classmethod
    def through(cls, first: Edge, second: Edge) -> Edge:
        """A virtual edge for a call relayed over two wires (app -> cache -> database)."""
        edge = cls.__new__(cls)
        edge.id = f"{first.id}+{second.id}"
        edge.source = first.source
        edge.weight = 1.0
        edge.replication = None
        edge.lag = 0.0
        edge.heap = first.heap
        edge.seq = first.seq
        edge.parts = (first, second)
        edge.dependents = []
        edge.dormant = False
        first.dependents.append(edge)
        second.dependents.append(edge)
        edge.point_to(second.target)
        edge.refresh()
        return edge

    def point_to(self, target) -> None:
        """Re-point the wire (failover moves a standby into the failed node's place)."""
        self.target = target
        self.fold = target.FOLDABLE
        self.arrive = target.arrive

    def refresh(self) -> None:
        if self.parts:
            self.latency = sum(p.latency for p in self.parts)
            self.cut = any(p.cut for p in self.parts)
        for d in self.dependents:
            d.refresh()

    def set_latency(self, latency_s: float) -> None:
        self.latency = latency_s
        self.refresh()

    def set_cut(self, cut: bool) -> None:
        self.cut = cut
        self.refresh()

    def send(self, t: float, call: Call, now: bool = False) -> None:
        """Send ``call`` at time ``t``; ``now`` says that ``t`` is the current simulated time."""
        call.edge = self
        if self.cut:
            lost(t, call)
            return
        ta = t + self.latency
        if self.fold or (now and ta == t):
            self.arrive(ta, call)
        else:
            heappush(self.heap, (ta, next(self.seq), self.arrive, call))


def reply(t: float, call: Call, status: int, now: bool = False) -> None:
    """Answer ``call`` at time ``t``: it travels back over its edge to the caller's ``on_reply``."""
    call.status = status
    edge = call.edge
    if edge.cut:
        lost(t, call)
        return
    pnode = call.pnode
    ta = t + edge.latency
    if pnode.FOLDABLE or (now and ta == t):
        pnode.on_reply(ta, call)
    else:
        heappush(edge.heap, (ta, next(edge.seq), pnode.on_reply, call))


def lost(t: float, call: Call) -> None:
    """``call`` (or its answer) vanished on a partitioned edge at time ``t``."""
    client = call.req.client
    pnode = call.pnode
    edge = call.edge
    timeout = client.timeout
    if pnode is client:
        if timeout is None:
            call.status = REFUSED
            pnode.on_reply(t, call)
        # else: the client's own timeout event will notice
        return
    if timeout is None:
        call.status = REFUSED
        edge.target.n_refused += 1
        heappush(edge.heap, (t, next(edge.seq), pnode.on_reply, call))
    else:
        call.status = TIMED_OUT
        edge.target.n_timed_out += 1
        heappush(edge.heap, (t + timeout, next(edge.seq), pnode.on_reply, call))
