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

Timeouts and circuit breakers. An edge whose params set ``timeout_ms`` or
``breaker`` is a ``GuardedEdge``, chosen once when the edge is built: the
plain ``Edge`` keeps its path untouched, so a document without them pays
nothing. A guarded edge stands between caller and callee: it becomes the
call's ``pnode`` while the call is out (the answer comes back to the edge,
at its true time, and the edge hands it on to the real caller) and keeps the
calls in flight in ``pending``. Senders that inline ``send`` (the client, the
load balancer) reach it too: a guarded edge says ``fold`` and its ``arrive``
is the edge's own ``enter``.

- With ``timeout_ms`` the caller gives up when it expires: the call counts as
  ``timed_out`` against the target (its ``failures.timed_out``, as a client's
  own timeout does) and the caller gets ``TIMED_OUT`` at once. The callee
  knows nothing of it and goes on working: the answer it sends later is
  dropped, and its work was wasted capacity, as with the client's timeout.
- With ``breaker`` the edge keeps the calls that ended within the last
  ``breaker_window_s`` (an answer, a timeout, a loss). Closed, it opens as soon
  as at least ``breaker_min_requests`` of them ended there and the share that
  failed (any answer but OK: refused, rejected, timed out) is at least
  ``breaker_failure_ratio``. Open, every call fails at once without being sent
  (``short_circuited``: the caller gets ``REFUSED``, as from a connection it
  could not make, and no node counts it). The first call sent at or after
  ``breaker_open_s`` is the trial (half-open; the calls sent while it is out
  are short-circuited): its success closes the breaker with an empty window,
  its failure opens it again for another ``breaker_open_s`` (counted in
  ``breaker_opened`` like the first opening). Answers to calls sent before the
  breaker opened count in the edge's figures but do not move its state.

A caller treats a timed-out or short-circuited call as any failed downstream
call: an app server answers its own caller at once with that status, which
travels back to the client as a failed attempt (retried per its
``max_retries``). Figures per guarded edge (``results()``): ``calls`` ended
(answered or given up on: ``ok + failed``), ``failed``, ``short_circuited``
(never sent, counted apart) and ``breaker_opened``, from the end of the
warm-up; ``window()`` gives the breaker's state for the live canvas.

A guarded edge from the client or a load balancer adds one event per answer
(the answer stops at the edge at its true time instead of being folded into
the router). Virtual relay edges (app -> cache -> database) and the wires a
standby borrows are never guarded.
"""

from __future__ import annotations

from collections import deque
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
    "GuardedEdge",
    "reply",
    "lost",
    "guarded_results",
    "guarded_windows",
]

# How a call ended.
OK = 0
REFUSED = 1  # the callee was down (or cut off with no timeout to wait for)
REJECTED = 2  # the callee was full (HTTP 503, queue at capacity)
TIMED_OUT = 3  # the caller gave up waiting
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

    GUARDED = False  # a GuardedEdge: a timeout or a circuit breaker stands on it

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

    def __new__(cls, spec: dict | None = None, *args, **kwargs):
        # Chosen once per edge: a timeout or a breaker makes it a GuardedEdge.
        if cls is Edge and spec is not None:
            params = spec["params"]
            if params.get("timeout_ms") is not None or params.get("breaker"):
                cls = GuardedEdge
        return object.__new__(cls)

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

    def guard_params(self) -> dict:
        """The params of its timeout and breaker, for a copy of this wire (a standby's); {} when none."""
        return {}

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
    edge = call.edge
    if edge.GUARDED:
        edge.lost(t, call)
        return
    client = call.req.client
    pnode = call.pnode
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


# The states of a circuit breaker, and their names in a window message.
CLOSED, OPEN, HALF_OPEN = 0, 1, 2
STATES = ("closed", "open", "half_open")


class GuardedEdge(Edge):
    """An edge with a timeout or a circuit breaker: it stands between caller and callee (see the module)."""

    GUARDED = True
    FOLDABLE = False  # as the calls' ``pnode``: answers reach the edge at their true time

    __slots__ = (
        "deliver",
        "target_folds",
        "timeout",
        "breaker",
        "ratio",
        "min_calls",
        "window_s",
        "open_s",
        "pending",
        "recent",
        "recent_failed",
        "state",
        "reopen_at",
        "trial",
        "n_calls",
        "n_failed",
        "n_short",
        "n_opened",
        "measured_from",
        "shown",
        "_expire",
        "_give_up",
    )

    def __init__(self, spec: dict, source, target, kernel) -> None:
        params = spec["params"]
        timeout = params.get("timeout_ms")
        self.timeout = None if timeout is None else timeout / 1000.0
        self.breaker = bool(params.get("breaker"))
        self.ratio = params.get("breaker_failure_ratio", 0.5)
        self.min_calls = params.get("breaker_min_requests", 20)
        self.window_s = float(params.get("breaker_window_s", 10.0))
        self.open_s = float(params.get("breaker_open_s", 5.0))
        self.pending: dict[Call, object] = {}  # call out over this edge -> its real caller
        self.recent: deque = deque()  # (end time, failed) of the calls ended within window_s
        self.recent_failed = 0
        self.state = CLOSED
        self.reopen_at = 0.0
        self.trial: Call | None = None
        self.n_calls = self.n_failed = self.n_short = self.n_opened = 0
        self.measured_from = (0, 0, 0, 0)  # the counters when the warm-up ended
        self.shown = (0, 0, 0)  # calls, failed, short-circuited at the last window
        self._expire = self.expire
        self._give_up = self.give_up
        super().__init__(spec, source, target, kernel)
        warmup = source.model.warmup
        if warmup > 0:
            kernel.schedule(warmup, self.end_warmup)

    def point_to(self, target) -> None:
        self.target = target
        self.deliver = target.arrive
        self.target_folds = target.FOLDABLE
        self.fold = True  # senders that inline ``send`` hand every call to ``enter`` at once
        self.arrive = self.enter

    def send(self, t: float, call: Call, now: bool = False) -> None:
        call.edge = self
        self.dispatch(t, t + self.latency, call, now)

    def enter(self, ta: float, call: Call) -> None:
        """An inlined send hands ``call`` over, folded: ``ta`` is when it would reach the target."""
        self.dispatch(ta - self.latency, ta, call, False)

    def dispatch(self, t: float, ta: float, call: Call, now: bool) -> None:
        """Send ``call`` at ``t`` (to reach the target at ``ta``), unless the breaker stops it."""
        caller = call.pnode
        if self.breaker and not self.admit(t, call):
            self.n_short += 1
            call.status = REFUSED
            caller.on_reply(t, call)  # at once: nothing was sent
            return
        self.pending[call] = caller
        call.pnode = self
        if self.timeout is not None:
            heappush(self.heap, (t + self.timeout, next(self.seq), self._expire, call))
        if self.cut:
            self.lost(t, call)
        elif self.target_folds or (now and ta == t):
            self.deliver(ta, call)
        else:
            heappush(self.heap, (ta, next(self.seq), self.deliver, call))

    # -- the answer, or giving up ----------------------------------------------------
    def on_reply(self, t: float, call: Call) -> None:
        """The callee's answer reaches the caller's end of the wire at ``t``."""
        if call in self.pending:  # else it comes after a timeout: dropped, its work was wasted
            self.settle(t, call)

    def expire(self, t: float, call: Call) -> None:
        """The timeout of ``call`` is up; if it is still out, the caller gives up."""
        if call in self.pending:
            self.target.n_timed_out += 1
            call.status = TIMED_OUT
            self.settle(t, call)

    def lost(self, t: float, call: Call) -> None:
        """``call`` or its answer vanished on this wire, partitioned."""
        if call.pnode is not self:
            # An inlined send found the wire cut: the breaker judges the call first.
            self.dispatch(t, t + self.latency, call, False)
            return
        if self.timeout is None:  # with no timeout of its own: as a plain edge would (see ``lost``)
            wait = call.req.client.timeout
            heappush(self.heap, (t if wait is None else t + wait, next(self.seq), self._give_up, call))
        # else: our own timeout will notice

    def give_up(self, t: float, call: Call) -> None:
        """The caller of a lost call gives up (at once, or after the client's timeout)."""
        caller = self.pending.get(call)
        if caller is None:
            return
        client = call.req.client
        if client.timeout is None:
            call.status = REFUSED
            if caller is not client:
                self.target.n_refused += 1
        else:
            call.status = TIMED_OUT
            if caller is not client:  # (a client counts its own timeouts)
                self.target.n_timed_out += 1
        self.settle(t, call)

    def settle(self, t: float, call: Call) -> None:
        """``call`` has ended at ``t`` with ``call.status``: count it, judge, tell the caller."""
        caller = self.pending.pop(call)  # (``call.pnode`` stays us: a late answer stops here)
        failed = call.status != OK
        self.n_calls += 1
        if failed:
            self.n_failed += 1
        if self.breaker:
            if self.state == CLOSED:
                self.recent.append((t, failed))
                if failed:
                    self.recent_failed += 1
                self.judge(t)  # (after a success too: the window must forget, or it grows for ever)
            elif call is self.trial:
                self.trial = None
                if failed:
                    self.open(t)
                else:
                    self.state = CLOSED
        caller.on_reply(t, call)

    # -- the breaker ---------------------------------------------------------------
    def admit(self, t: float, call: Call) -> bool:
        """Whether the breaker lets ``call``, sent at ``t``, through (it may be the half-open trial)."""
        state = self.state
        if state == CLOSED:
            if self.recent_failed:
                self.judge(t)  # old successes leaving the window may tip the share
            return self.state == CLOSED
        if state == OPEN and t >= self.reopen_at:
            self.state = HALF_OPEN
            self.trial = call
            return True
        return False

    def judge(self, t: float) -> None:
        """Forget what ended before the window; open if enough of the rest failed."""
        recent = self.recent
        horizon = t - self.window_s
        while recent and recent[0][0] <= horizon:
            if recent.popleft()[1]:
                self.recent_failed -= 1
        n = len(recent)
        if n >= self.min_calls and self.recent_failed >= self.ratio * n:
            self.open(t)

    def open(self, t: float) -> None:
        self.state = OPEN
        self.reopen_at = t + self.open_s
        self.n_opened += 1
        self.recent.clear()  # a closed breaker starts over with an empty window
        self.recent_failed = 0

    def guard_params(self) -> dict:
        return {
            "timeout_ms": None if self.timeout is None else self.timeout * 1000.0,
            "breaker": self.breaker,
            "breaker_failure_ratio": self.ratio,
            "breaker_min_requests": self.min_calls,
            "breaker_window_s": self.window_s,
            "breaker_open_s": self.open_s,
        }

    def state_at(self, t: float) -> str:
        """The breaker's state at ``t``: an open breaker whose time is up is half-open (waiting for its trial)."""
        if self.state == OPEN and t >= self.reopen_at:
            return STATES[HALF_OPEN]
        return STATES[self.state]

    # -- measurement -------------------------------------------------------------------
    def end_warmup(self, t: float, _=None) -> None:
        self.measured_from = (self.n_calls, self.n_failed, self.n_short, self.n_opened)

    def results(self) -> dict:
        """This edge's entry in ``results.edges``, over the measured part of the run."""
        now = (self.n_calls, self.n_failed, self.n_short, self.n_opened)
        calls, failed, short, opened = (a - b for a, b in zip(now, self.measured_from, strict=True))
        return {"calls": calls, "failed": failed, "short_circuited": short, "breaker_opened": opened}

    def window(self, t: float, length: float) -> dict:
        """This edge's part of a window message: the breaker's state (null with a timeout only) and rates."""
        now = (self.n_calls, self.n_failed, self.n_short)
        calls, failed, short = (a - b for a, b in zip(now, self.shown, strict=True))
        self.shown = now
        return {
            "state": self.state_at(t) if self.breaker else None,
            "calls_rps": calls / length,
            "failed_rps": failed / length,
            "short_circuited_rps": short / length,
        }


def guarded_results(edges: dict[str, Edge]) -> dict:
    """``{"edges": {id: figures}}`` for the edges with a timeout or a breaker; ``{}`` when there are none."""
    guarded = {eid: edge.results() for eid, edge in edges.items() if edge.GUARDED}
    return {"edges": guarded} if guarded else {}


def guarded_windows(edges: dict[str, Edge], t: float, length: float) -> dict:
    """``{"edges": {id: state}}`` for a window message; ``{}`` when no edge has a timeout or a breaker."""
    guarded = {eid: edge.window(t, length) for eid, edge in edges.items() if edge.GUARDED}
    return {"edges": guarded} if guarded else {}
