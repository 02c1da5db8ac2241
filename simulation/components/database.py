"""The database: primaries, replicas, and what replication lag does to reads.

A database is a ``Server`` whose workers are its connections (``workers``), with
service means ``read_ms`` and ``write_ms``. Writes always go to a primary (a
write that reaches a replica is passed to its primary). A read that reaches a
primary goes where ``read_from`` says: ``primary``; ``replicas`` (in turn, over
the replicas that are up; the primary when none is); ``any`` (in turn over the
primary and its replicas). The default is ``replicas`` when there are any. A
read passed on to a replica travels as if the caller had connected to the
replica directly (same latency as to the primary).

Versions. Databases joined by replication edges share a *keyspace*: for every
key, the version of its latest committed write (a counter). Each database
holds, per key, the version it has applied; the primary of a group with one
primary *is* the keyspace. A read served by a database whose applied version is
older than the keyspace's is a **stale read**.

Replication is an edge from a primary to a replica (or to another primary,
master-master) with ``replication`` ``sync`` or ``async``:

``async``
    the write is acknowledged at commit; each replica applies it after an
    exponential delay of mean ``lag_ms``, in commit order (apply time = max(the
    previous write's apply time, commit + delay)). Nothing is scheduled per
    write: each replica keeps a FIFO of (apply time, key, version, commit time)
    and applies what is due when it is read or when a window closes. Its lag
    statistics are over (apply time - commit time) of the writes applied; its
    current lag (in a window) is the age of the oldest write not yet applied.
``sync``
    the write completes only when every sync replica has it: the primary sends
    it to each (the edge's round trip plus the replica's own ``write_ms``, in its
    queue, holding a connection there) and commits when all have answered,
    making the new version visible on the primary and those replicas at the same
    instant. So a sync replica never serves a stale read, and writes are slower.
    A sync replica that is down is skipped (writes do not block on it); it is
    brought up to date when it recovers.

Only primaries replicate (no chains of replicas).
"""

from __future__ import annotations

from collections import deque
from math import log

from ..network import OK, READ, REPLICATE, WRITE, Call
from .base import Server

__all__ = ["Database", "Keyspace"]


class Keyspace:
    """The latest committed version of every key in one replication group."""

    def __init__(self) -> None:
        self.latest: dict[int, int] = {}


class Database(Server):
    kind = "database"
    COUNTERS = Server.COUNTERS + ("lag_sum", "lag_n")

    def __init__(self, spec: dict, model) -> None:
        self.keyspace: Keyspace | None = None
        self.applied: dict[int, int] = {}
        self.primary: Database | None = None
        self.replicas: list[Database] = []
        self.sync_replicas: list[Database] = []
        self.async_replicas: list[tuple[Database, object]] = []
        self.backlog: deque = deque()  # async writes not yet applied: (apply time, key, version, commit time)
        self.last_apply = 0.0
        self.lag_sum = 0.0
        self.lag_n = 0
        self.lag_max = 0.0
        self.read_turn = 0
        self.tally = model.tally
        super().__init__(spec, model)

    def configure(self, params: dict) -> None:
        super().configure(params)
        self.role = params["role"]
        read, write = params["read_ms"] / 1000.0, params["write_ms"] / 1000.0
        self.means = (read, write, write)  # READ, WRITE, REPLICATE
        self.read_from = params.get("read_from")

    def uses(self) -> frozenset[str]:
        return frozenset(("op", "key"))

    def wire(self) -> None:
        """Join replication groups (called for every database before other nodes wire)."""
        for edge in self.out:
            if edge.replication and edge.target.kind == "database":
                replica = edge.target
                if replica.role == "replica":
                    replica.primary = self
                    self.replicas.append(replica)
                if edge.replication == "sync":
                    self.sync_replicas.append(replica)
                else:
                    self.async_replicas.append((replica, edge))

    @staticmethod
    def join_groups(databases: list[Database]) -> None:
        """Give every replication group one shared keyspace."""
        seen: set[int] = set()
        for db in databases:
            if id(db) in seen:
                continue
            group, stack = [], [db]
            while stack:
                d = stack.pop()
                if id(d) in seen:
                    continue
                seen.add(id(d))
                group.append(d)
                neighbours = [e.target for e in d.out if e.replication and e.target.kind == "database"]
                neighbours += [e.source for e in d.into if e.replication and e.source.kind == "database"]
                stack.extend(neighbours)
            keyspace = Keyspace()
            primaries = [d for d in group if d.role == "primary"]
            for d in group:
                d.keyspace = keyspace
            if len(primaries) == 1:
                primaries[0].applied = keyspace.latest  # the single primary is always up to date
        for db in databases:
            if db.read_from is None:
                db.read_from = "replicas" if db.replicas else "primary"

    # -- routing -------------------------------------------------------------
    def arrive(self, t: float, call: Call) -> None:
        op = call.op
        if op == READ and self.read_from != "primary" and self.replicas:
            # Callers reach replicas directly: reads go on even while the primary is down.
            target = self.pick_reader()
            if target is not self:
                target.arrive(t, call)
                return
        elif op == WRITE and self.role == "replica" and self.primary is not None:
            self.primary.arrive(t, call)
            return
        Server.arrive(self, t, call)

    def pick_reader(self) -> Database:
        """The next database in turn for a read: a replica that is up (or, with ``any``, us too)."""
        replicas = self.replicas
        n = len(replicas) + (1 if self.read_from == "any" else 0)
        for _ in range(n):
            turn = self.read_turn = (self.read_turn + 1) % n
            reader = replicas[turn] if turn < len(replicas) else self
            if reader.up:
                return reader
        return self

    # -- after the service time -----------------------------------------------
    def served(self, t: float, call: Call) -> None:
        if not call.alive:
            return
        op = call.op
        if op == READ:
            key = call.req.key
            backlog = self.backlog
            if backlog and backlog[0][0] <= t:
                self.catch_up(t)
            version = self.applied.get(key, 0)
            if self.keyspace is not None and version < self.keyspace.latest.get(key, 0):
                self.tally.stale_reads += 1
            call.aux = version
            self.finish(t, call, OK)
        elif op == WRITE:
            waiting = [r for r in self.sync_replicas if r.up]
            if waiting:
                call.stage = len(waiting)  # answers still awaited
                self.waiting.add(call)
                for replica in waiting:
                    edge = self.edge_to(replica)
                    edge.send(t, Call(call.req, REPLICATE, call, self), True)
                return
            self.commit(t, call)
            self.finish(t, call, OK)
        else:  # REPLICATE: we hold the write; the primary commits for everybody
            self.finish(t, call, OK)

    def edge_to(self, replica: Database):
        for edge in self.out:
            if edge.target is replica:
                return edge
        raise LookupError(replica.id)

    def on_reply(self, t: float, child: Call) -> None:
        call = child.parent
        if not call.alive:
            return
        call.stage -= 1
        if call.stage == 0:
            self.commit(t, call)
            self.finish(t, call, OK)

    def commit(self, t: float, call: Call) -> None:
        key = call.req.key
        latest = self.keyspace.latest
        version = latest.get(key, 0) + 1
        latest[key] = version
        applied = self.applied
        if applied is not latest:
            applied[key] = version
        for replica in self.sync_replicas:
            if replica.up:
                replica.applied[key] = version
        for replica, edge in self.async_replicas:
            replica.enqueue(t, key, version, edge.lag)
        cache = getattr(call, "cache", None)  # a write-through cache to update in the same instant
        if cache is not None and cache.up:
            cache.put(t, key, version)
        call.aux = version

    # -- async replication, applied lazily ------------------------------------------
    def enqueue(self, t: float, key: int, version: int, mean_lag: float) -> None:
        delay = -log(1.0 - self.rng.random()) * mean_lag if mean_lag > 0 else 0.0
        due = t + delay
        if due < self.last_apply:
            due = self.last_apply  # applied in commit order
        self.last_apply = due
        self.backlog.append((due, key, version, t))

    def catch_up(self, t: float) -> None:
        """Apply every replicated write due by ``t``."""
        backlog = self.backlog
        applied = self.applied
        while backlog and backlog[0][0] <= t:
            due, key, version, committed = backlog.popleft()
            if applied.get(key, 0) < version:
                applied[key] = version
            lag = due - committed
            self.lag_sum += lag
            self.lag_n += 1
            if lag > self.lag_max:
                self.lag_max = lag

    def current_lag(self, t: float) -> float:
        return t - self.backlog[0][3] if self.backlog else 0.0

    # -- failure -------------------------------------------------------------
    def on_recover(self, t: float) -> None:
        super().on_recover(t)
        primary = self.primary
        if primary is not None and self in primary.sync_replicas and self.keyspace is not None:
            self.applied.update(self.keyspace.latest)

    # -- measurement ---------------------------------------------------------
    def counters(self, t: float) -> tuple:
        if self.backlog:
            self.catch_up(t)
        return super().counters(t) + (self.lag_sum, self.lag_n)

    def warmup_reset(self, t: float) -> None:
        super().warmup_reset(t)
        self.lag_max = 0.0

    def window(self, d: dict, length: float) -> dict:
        view = super().window(d, length)
        if self.role == "replica":
            view["replication_lag_ms"] = self.current_lag(self.model.kernel.now) * 1000
        return view

    def summary(self, d: dict, measured: float) -> dict:
        out = super().summary(d, measured)
        if self.role == "replica":
            mean = d["lag_sum"] / d["lag_n"] if d["lag_n"] else 0.0
            out["replication_lag_ms"] = {"mean": mean * 1000, "max": self.lag_max * 1000}
        return out
