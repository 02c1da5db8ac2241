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
    the write is acknowledged at commit; each replica applies it after its own
    exponential delay of mean ``lag_ms``, drawn independently for every write,
    so the measured mean lag is ``lag_ms``. Writes may then arrive out of
    order; a replica keeps, per key, the highest version it has applied, so an
    older write arriving late changes nothing. Nothing is scheduled per write:
    each replica keeps a heap of (apply time, key, version, commit time) and
    applies what is due when it is read or when a window closes. Across a
    partitioned replication edge writes are held back, and start their way
    (the same random delay) when it heals: the lag includes the partition. Its lag
    statistics are over (apply time - commit time) of the writes applied; its
    current lag (in a window) is the age of the oldest write not yet applied.
``sync``
    the write completes only when every sync replica has it: the primary sends
    it to each (the edge's round trip plus the replica's own ``write_ms``, in its
    queue, holding a connection there) and commits when all have answered,
    making the new version visible on the primary and those replicas at the same
    instant. So a sync replica never serves a stale read, and writes are slower.
    A sync replica that is down is skipped (writes do not block on it); it is
    brought up to date when it recovers. But a write that a sync replica fails
    to confirm (it dies holding it, or the edge is partitioned) fails: the
    primary does not acknowledge what it could not replicate.

Master-master: a replication edge between two primaries replicates both ways
(one edge is enough; a second one, back, sets the other direction's own mode
and lag). Both accept writes; a write committed on a primary that has not yet
applied the other primary's latest write of the same key is a **conflict**
(two writes of one key, each made without seeing the other, within the lag):
counted per node (``conflicts``) and for the run. The later version wins.

Replicas follow primaries only: chained replication (replica to replica) is
refused when the document is read.

Failover (see ``simulation.failover``): a replica that is the standby of its
primary becomes the primary of the group when it takes over (``promote``). The
async writes it had not applied when the primary failed are lost: its backlog
is cut off at the failure (``strand``) and counted at the takeover. The other
replicas follow the new primary, with the modes their old edges had.
"""

from __future__ import annotations

from heapq import heapify, heappop, heappush
from math import log
from typing import Literal

from ..format.fields import (
    SERVICE_CV_HELP,
    SERVICE_DIST_HELP,
    Int,
    Kind,
    Metric,
    Number,
    ServiceDist,
    hourly_price,
    param,
)
from ..network import OK, READ, REPLICATE, WRITE, Call, Edge
from .base import Server

__all__ = ["Database", "DatabaseParams", "Keyspace"]


class Keyspace:
    """The latest committed version of every key in one replication group."""

    def __init__(self) -> None:
        self.latest: dict[int, int] = {}


class DatabaseParams(Kind):
    TITLE = "Database"
    SUMMARY = "Stores the data: a primary takes writes; replicas follow it over replication edges."

    role: Literal["primary", "replica"] = param(
        "primary",
        "primary: takes the writes; replica: a copy fed by one incoming replication edge from its "
        "primary, serves reads.",
        settable=False,
    )
    workers: Int = param(16, "Connection limit: queries served at once.", unit="connections", ge=1, le=10_000)
    read_ms: Number = param(5, "Mean time to serve a read, in ms.", unit="ms", gt=0, le=3_600_000)
    write_ms: Number = param(10, "Mean time to serve a write, in ms.", unit="ms", gt=0, le=3_600_000)
    service_dist: ServiceDist = param("exponential", SERVICE_DIST_HELP)
    service_cv: Number = param(1.0, SERVICE_CV_HELP, gt=0, le=10)
    queue_limit: Int | None = param(
        None,
        "Most queries waiting for a connection; a full queue rejects; null = unbounded.",
        unit="queries",
        ge=0,
        le=1_000_000,
    )
    read_from: Literal["primary", "replicas", "any"] | None = param(
        None,
        "On a primary, where reads go: primary, replicas (spread over them) or any (primary and "
        "replicas); null = auto: replicas when it has any, else primary.",
        auto="replicas when the primary has replicas, else primary",
    )
    cost_per_hour: Number = hourly_price(0.171, "Amazon RDS for MySQL db.m5.large, single-AZ on demand")


class Database(Server):
    kind = "database"
    Params = DatabaseParams
    TRAITS = frozenset({"queues", "replicates", "holds_data"})
    WIRING_STAGE = 0  # before the others: app servers look at the replication groups when they wire
    SUMMARY_METRICS = (
        Metric("stale_reads", "Stale reads", "reads", "Reads it answered before it had applied the key's latest write.", "lower"),
        Metric("replication_lag_ms.mean", "Replication lag mean", "ms", "Mean delay before a write reached this replica.", "lower"),
        Metric("replication_lag_ms.max", "Replication lag max", "ms", "Longest delay before a write reached this replica.", "lower"),
        Metric("conflicts", "Conflicts", "writes", "Writes of one key made on two primaries without seeing each other.", "lower"),
    )  # fmt: skip
    WINDOW_METRICS = (
        Metric("replication_lag_ms", "Replication lag", "ms", "How far behind its primary this replica is.", "lower"),
    )  # fmt: skip
    COUNTERS = Server.COUNTERS + ("lag_sum", "lag_n", "conflicts", "stale_reads")

    def __init__(self, spec: dict, model) -> None:
        self.keyspace: Keyspace | None = None
        self.applied: dict[int, int] = {}
        self.primary: Database | None = None
        self.replicas: list[Database] = []
        self.sync_replicas: list[Database] = []
        self.async_replicas: list[tuple[Database, object]] = []
        self.backlog: list = []  # heap of async writes not yet applied: (apply time, key, version, commit time)
        self.stranded: list = []  # the backlog cut off when our primary failed (see strand)
        self.withheld: list = []  # async writes waiting on a partitioned replication edge: (key, version, commit)
        self.n_conflicts = 0
        self.n_stale = 0  # reads we served with an older version than the latest committed
        self.multi_primary = False  # one of several primaries of a group (master-master)
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
                self.replicate_to(replica, edge)
                if replica.role == "primary" and not any(
                    e.target is self and e.replication for e in replica.out
                ):
                    replica.replicate_to(self, edge)  # master-master: one edge replicates both ways

    def edge_healed(self, t: float, edge) -> None:
        if edge.replication and self.withheld:
            self.partition_healed(t, edge.lag)  # ship the writes the partition held back

    def retarget(self, t: float) -> None:
        """Replication wires are never re-pointed (a promoted standby rewires its group itself)."""

    def replicate_to(self, other: Database, edge) -> None:
        if edge.replication == "sync":
            self.sync_replicas.append(other)
        else:
            self.async_replicas.append((other, edge))

    @staticmethod
    def all_wired(databases: list[Database]) -> None:
        """Give every replication group one shared keyspace (once every database is wired)."""
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
            for d in primaries:
                d.multi_primary = len(primaries) > 1
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
                call.req.client.tally.stale_reads += 1
                self.n_stale += 1
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
        for edge in replica.out:  # master-master over one edge: the way back
            if edge.target is self:
                return edge
        raise LookupError(replica.id)

    def on_reply(self, t: float, child: Call) -> None:
        call = child.parent
        if not call.alive:
            return
        if child.status != OK:
            # A sync replica did not confirm (down, full, cut off): the write is not
            # acknowledged. Consistency first: sync replication gives up availability.
            self.finish(t, call, child.status)
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
            # Several primaries: a write on a key whose latest version has not reached
            # us yet was made without seeing it (apply what is due first: it is lazy).
            backlog = self.backlog
            if backlog and backlog[0][0] <= t:
                self.catch_up(t)
            if applied.get(key, 0) < version - 1:
                self.n_conflicts += 1
                self.tally.conflicts += 1
            applied[key] = version
        for replica in self.sync_replicas:
            if replica.up:
                replica.applied[key] = version
        for replica, edge in self.async_replicas:
            if edge.cut:
                replica.withheld.append((key, version, t))  # shipped when the partition heals
            else:
                replica.enqueue(t, key, version, edge.lag)
        cache = getattr(call, "cache", None)  # a write-through cache to update in the same instant
        if cache is not None and cache.up:
            cache.put(t, key, version)
        call.aux = version

    # -- async replication, applied lazily ------------------------------------------
    def enqueue(self, t: float, key: int, version: int, mean_lag: float) -> None:
        delay = -log(1.0 - self.rng.random()) * mean_lag if mean_lag > 0 else 0.0
        heappush(self.backlog, (t + delay, key, version, t))

    def catch_up(self, t: float) -> None:
        """Apply every replicated write due by ``t`` (the highest version of a key wins)."""
        backlog = self.backlog
        applied = self.applied
        while backlog and backlog[0][0] <= t:
            due, key, version, committed = heappop(backlog)
            if applied.get(key, 0) < version:
                applied[key] = version
            lag = due - committed
            self.lag_sum += lag
            self.lag_n += 1
            if lag > self.lag_max:
                self.lag_max = lag

    def current_lag(self, t: float) -> float:
        """Age of the oldest write not yet applied (a scan of the backlog, once per window)."""
        if self.withheld:
            return t - self.withheld[0][2]
        return t - min(entry[3] for entry in self.backlog) if self.backlog else 0.0

    def partition_healed(self, t: float, mean_lag: float) -> None:
        """A replication edge into us is whole again: the writes held back start their way now."""
        withheld, self.withheld = self.withheld, []
        for key, version, committed in withheld:
            delay = -log(1.0 - self.rng.random()) * mean_lag if mean_lag > 0 else 0.0
            heappush(self.backlog, (t + delay, key, version, committed))

    # -- failover ------------------------------------------------------------------
    def strand(self, t: float) -> None:
        """Our primary has just failed: what it had sent us is applied, the rest is cut off."""
        self.catch_up(t)
        self.stranded.extend(self.backlog)
        self.backlog = []

    def unstrand(self) -> None:
        """Our primary is back before anyone took over: the stream resumes."""
        self.backlog.extend(self.stranded)
        heapify(self.backlog)
        self.stranded = []

    def promote(self, t: float, old: Database) -> int:
        """Become the primary in place of ``old``; return the writes lost on the way."""
        lost = len(self.stranded) + len(self.withheld)
        self.stranded = []
        self.withheld = []
        self.backlog = []
        followers = [r for r in old.replicas if r is not self]
        modes = {id(r): e for r, e in old.async_replicas}
        self.role = "primary"
        self.primary = None
        for replica in followers:
            replica.primary = self
            replica.stranded = []  # writes only the old primary had: gone with it
            replica.withheld = []
            self.replicas.append(replica)
            old_edge = modes.get(id(replica)) or old.edge_to(replica)
            spec = {"id": f"{self.id}->{replica.id}", "params": {
                "latency_ms": old_edge.base_latency * 1000, "weight": old_edge.weight,
                "replication": old_edge.replication, "lag_ms": old_edge.lag * 1000}}  # fmt: skip
            edge = Edge(spec, self, replica, self.model.kernel)
            self.out.append(edge)
            self.replicate_to(replica, edge)
        old.replicas = []
        old.sync_replicas = []
        old.async_replicas = []
        if self.keyspace is not None:
            # From now on we are the authority: whatever version numbers the group has
            # reached denote our data (the writes we never got are counted as lost).
            self.applied = self.keyspace.latest
        self.read_from = old.read_from if self.replicas and old.read_from != "primary" else "primary"
        if self.read_from == "replicas" and not self.replicas:
            self.read_from = "primary"
        return lost

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
        return super().counters(t) + (self.lag_sum, self.lag_n, self.n_conflicts, self.n_stale)

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
        out["stale_reads"] = d["stale_reads"]
        if self.role == "replica":
            mean = d["lag_sum"] / d["lag_n"] if d["lag_n"] else 0.0
            out["replication_lag_ms"] = {"mean": mean * 1000, "max": self.lag_max * 1000}
        if self.multi_primary:
            out["conflicts"] = d["conflicts"]
        return out
