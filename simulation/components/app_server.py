"""The application server: compute, then the downstream calls its edges allow.

A call waits for one of ``workers`` threads (FIFO, at most ``queue_limit``
waiting, else rejected with 503), is served for a time of mean
``service_ms / cpu_speed`` (vertical scaling divides it), and then, still holding
its thread, makes its downstream calls in this order:

1. every synchronous service it has an edge to (a load balancer, another app
   server, a DNS name or a CDN: microservices), one after the other;
2. its data access, by what its edges reach:

   - a **read** goes to the cache first if there is one: the handler looks the
     key up as soon as a worker picks the request up, and the round trip plus
     ``hit_ms`` adds to its service time (so a hit costs no event of its own).
     A hit is answered at the end of the service; a miss then reads the
     database and fills the cache (a fill never overwrites a newer version
     already there). A cache that is down or cut off is skipped: the app falls
     back to the database.
   - a **write** with a queue edge is enqueued and acknowledged as soon as the
     queue accepts it (a full queue rejects it: back pressure). Otherwise, with
     a ``write_behind`` cache, it is acknowledged once the cache has it;
     otherwise it goes to the database and the cache is told per its strategy:
     ``write_through`` stores the new version at the very instant the database
     commits it (the write is synchronous to both); ``cache_aside`` and
     ``refresh_ahead`` delete the key once the database has answered.
   - with several database edges (shards), the key's hash picks one.

A static request (see the client's ``static_ratio``) needs no data access. Any
downstream failure fails the call with the same reason. The node's latency runs
from its arrival to its answer; its utilisation counts the threads held while
waiting on downstream calls, as a thread-per-request server would.

When the app has no database edge but its cache has one, database calls relay
through the cache (a virtual edge app -> cache -> database).

Sessions (modelled when the document uses them: an ``ip_hash`` balancer, or an
app server with ``session_store: shared``). With a ``local`` store a session
lives in the memory of the server that served it last; it is created there
the first time. So:

- when a server fails, every session it holds is lost (``sessions_lost``: each
  is a user logged out, a cart emptied);
- a request that reaches a server while its session lives on another one
  (a balancer that does not stick sessions, or a session moved by a failure)
  is a ``session_miss``: that server has no session for it, the user starts
  over and the session now lives here (the old copy is dropped).

With a ``shared`` store (Redis, a database) any server finds any session and
none is lost; reaching the store costs each request a round trip,
``SHARED_SESSION_MS`` (0.5 ms, within a data centre), added to its service time.
"""

from __future__ import annotations

from heapq import heappush
from typing import Literal

from ..autoscaling import SCALING_SUMMARY_METRICS, SCALING_WINDOW_METRICS, Scalable
from ..format.fields import (
    SERVICE_CV_HELP,
    SERVICE_DIST_HELP,
    Int,
    Metric,
    Number,
    ServiceDist,
    hourly_price,
    param,
)
from ..network import OK, READ, WRITE, Call, Edge
from .base import Server

__all__ = ["AppServer", "AppServerParams", "key_shard"]

# job.stage: the index of the service call awaited, or one of these data stages
_DB_READ = 1_000_001
_DB_WRITE = 1_000_002
_QUEUE = 1_000_003

SERVICE_KINDS = ("load_balancer", "app_server", "dns", "cdn")
SHARED_SESSION_MS = 0.5


def key_shard(key: int, n: int) -> int:
    """The shard (0..n-1) of ``key``: a stable multiplicative hash, so neighbours spread out."""
    return ((key + 1) * 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFFFFFFF) % n


class AppServerParams(Scalable):
    TITLE = "App server"
    SUMMARY = "Runs the application: a pool of workers that serve requests and call downstream."

    workers: Int = param(
        8,
        "Worker threads: requests served at once; a worker is held while it waits for downstream calls.",
        unit="workers",
        ge=1,
        le=10_000,
    )
    service_ms: Number = param(
        10, "Mean CPU time to serve one request, in ms (divided by cpu_speed).", unit="ms", gt=0, le=3_600_000
    )
    service_dist: ServiceDist = param("exponential", SERVICE_DIST_HELP)
    service_cv: Number = param(1.0, SERVICE_CV_HELP, gt=0, le=10)
    queue_limit: Int | None = param(
        None,
        "Most requests waiting for a worker (not counting those being served); a full queue "
        "rejects with 503; null = unbounded.",
        unit="requests",
        ge=0,
        le=1_000_000,
    )
    cpu_speed: Number = param(
        1.0,
        "Relative CPU speed: service times are divided by it (vertical scaling: 2 = twice as fast).",
        unit="x",
        gt=0,
        le=100,
    )
    session_store: Literal["local", "shared"] = param(
        "local",
        "Where user sessions live: local (in this server's memory: lost when it dies) or shared "
        "(an external store: any server can serve any session, for a 0.5 ms round trip per request).",
    )
    cost_per_hour: Number = hourly_price(0.096, "Amazon EC2 m5.large (2 vCPU, 8 GiB), Linux on demand")


class AppServer(Server):
    kind = "app_server"
    Params = AppServerParams
    SCALABLE = True
    SUMMARY_METRICS = (
        Metric("sessions", "Sessions held", "sessions", "Sessions in this server's memory at the end (local store)."),
        Metric("sessions_lost", "Sessions lost", "sessions", "Sessions held only by this server when it failed.", "lower"),
        Metric("session_misses", "Session misses", "requests", "Requests that reached a server without their session (sent elsewhere after a failure).", "lower"),
        *SCALING_SUMMARY_METRICS,
    )  # fmt: skip
    WINDOW_METRICS = SCALING_WINDOW_METRICS
    COUNTERS = Server.COUNTERS + ("sessions_lost", "session_misses")

    def __init__(self, spec: dict, model) -> None:
        self.sessions: set[int] = set()  # sessions held in our memory (local store)
        self.n_sessions_lost = 0
        self.n_session_misses = 0
        super().__init__(spec, model)

    def configure(self, params: dict) -> None:
        super().configure(params)
        mean = params["service_ms"] / 1000.0 / params["cpu_speed"]
        self.means = (mean, mean, mean)

    def tracks_sessions(self) -> bool:
        return self.params["session_store"] == "shared"  # a store every server reaches

    def wire(self) -> None:
        out = []  # live wires, one per target (a standby's wires are dormant until it takes over)
        for e in self.out:
            if not e.dormant and all(o.target is not e.target for o in out):
                out.append(e)
        self.services = [e for e in out if e.target.kind in SERVICE_KINDS]
        caches = [e for e in out if e.target.kind == "cache"]
        self.cache_edge = caches[0] if caches else None
        self.cache = self.cache_edge.target if caches else None
        queues = [e for e in out if e.target.kind == "queue"]
        self.queue_edge = queues[0] if queues else None
        self.db_edges = [e for e in out if e.target.kind == "database"]
        if self.cache is not None and self.db_edges and self.cache.fallback_edge is None:
            self.cache.fallback_edge = self.db_edges[0]  # where the cache refreshes from, lacking its own
        if not self.db_edges and self.cache is not None:
            behind = [e for e in self.cache.out if e.target.kind == "database" and not e.dormant]
            if behind:
                self.db_edges = [Edge.through(self.cache_edge, behind[0])]
        self.has_data = bool(self.db_edges or self.cache_edge or self.queue_edge)
        keyspaces = [getattr(e.target, "keyspace", None) for e in self.db_edges]
        self.db_latest = [k.latest for k in keyspaces] if all(keyspaces) else []
        self._release = self.release
        hooks = []  # work done as a worker picks a request up, folded into its service time
        self.session_owner = self.model.session_owner
        if self.session_owner is not None:
            local = self.params["session_store"] == "local"
            hooks.append(self.find_local_session if local else self.find_shared_session)
        if self.cache is not None:
            hooks.append(self.look_up_cache)
        if len(hooks) == 2:
            first, second = hooks
            self.on_start = lambda t, call: first(t, call) + second(t, call)
        else:
            self.on_start = hooks[0] if hooks else None
        if not self.services:
            # No service calls: the end of service goes straight to the data access,
            # or, with no data to access either, straight to the answer.
            self._served = self.data if self.has_data else self.finish

    def uses(self) -> frozenset[str]:
        # A read and a write differ only in their data access; shards are picked by key.
        session = ("session",) if self.session_owner is not None else ()
        if not self.has_data:
            return frozenset(session)
        return frozenset(("op", "key", *session))

    # -- sessions ---------------------------------------------------------------
    def find_local_session(self, t: float, call: Call) -> float:
        session = call.req.session
        owner = self.session_owner.get(session)
        if owner is not self:
            if owner is not None:
                self.n_session_misses += 1  # it lives on another server: not here
                owner.sessions.discard(session)
            self.session_owner[session] = self
            self.sessions.add(session)
        return 0.0

    def find_shared_session(self, t: float, call: Call) -> float:
        return SHARED_SESSION_MS / 1000.0

    def drop_held(self, t: float) -> None:
        super().drop_held(t)
        if self.sessions:
            lost = len(self.sessions)
            self.n_sessions_lost += lost
            self.model.tally.sessions_lost += lost
            owner = self.session_owner
            for session in self.sessions:
                del owner[session]
            self.sessions.clear()

    def counters(self, t: float) -> tuple:
        return super().counters(t) + (self.n_sessions_lost, self.n_session_misses)

    def summary(self, d: dict, measured: float) -> dict:
        out = super().summary(d, measured)
        if self.session_owner is not None:
            out["sessions"] = len(self.sessions)
            out["sessions_lost"] = d["sessions_lost"]
            out["session_misses"] = d["session_misses"]
        return out

    def db_edge(self, key: int) -> Edge | None:
        edges = self.db_edges
        if not edges:
            return None
        if len(edges) == 1:
            return edges[0]
        return edges[key_shard(key, len(edges))]

    def latest_versions(self, key: int) -> dict | None:
        """The latest committed versions of the group holding ``key`` (to judge cache hits), if known."""
        latest = self.db_latest
        if not latest:
            return None
        return latest[0] if len(latest) == 1 else latest[key_shard(key, len(latest))]

    # -- after the service time -----------------------------------------------
    def served(self, t: float, job: Call) -> None:
        if not job.alive:
            return
        job.stage = 0
        self.waiting.add(job)
        self.services[0].send(t, Call(job.req, job.op, job, self), True)

    def data(self, t: float, job: Call) -> None:
        """Read or write the data this request is about; ``t`` is the current time.

        Scheduled directly as the end of service when there are no service calls to make.
        """
        if not job.alive:
            return
        req = job.req
        if req.static or not self.has_data:
            self.finish(t, job, OK)
            return
        cache = self.cache
        cache_usable = cache is not None and cache.up and not self.cache_edge.cut
        key = req.key
        if job.op == WRITE:
            if self.queue_edge is not None:
                job.stage = _QUEUE
                self.waiting.add(job)
                self.queue_edge.send(t, Call(req, WRITE, job, self), True)
                return
            edge = self.db_edge(key)
            if cache_usable and cache.write_behind:
                cache.write_behind_put(t, key, edge)
                self.after(t, t + 2 * self.cache_edge.latency + cache.hit_time, job)
                return
            if edge is None:
                self.finish(t, job, OK)
                return
            job.stage = _DB_WRITE
            self.waiting.add(job)
            child = Call(req, WRITE, job, self)
            # Write-through writes to the cache and the database as one: the database
            # stores the new version in the cache at the instant it commits.
            child.cache = cache if cache_usable and cache.write_through else None
            edge.send(t, child, True)
            return
        # A read. With a cache, the lookup was made when a worker picked the call up
        # (look_up_cache): a hit is answered now, a miss goes on to the database.
        if self.cache is not None and job.aux:
            self.finish(t, job, OK)
            return
        edges = self.db_edges
        if not edges:
            self.finish(t, job, OK)
            return
        edge = edges[0] if len(edges) == 1 else edges[key_shard(key, len(edges))]
        job.stage = _DB_READ
        self.waiting.add(job)
        edge.send(t, Call(req, READ, job, self), True)

    def look_up_cache(self, t: float, call: Call) -> float:
        """A worker picks up a read: look it up in the cache; the round trip adds to the service.

        Sets ``call.aux`` to True (hit), False (miss) or None (no lookup) for ``data``.
        """
        req = call.req
        if call.op != READ or req.static or not self.cache.up or self.cache_edge.cut:
            call.aux = None
            return 0.0
        key = req.key
        latest = self.db_latest
        versions = latest[0] if len(latest) == 1 else self.latest_versions(key)
        call.aux = self.cache.lookup(t, req, versions)
        return 2 * self.cache_edge.latency + self.cache.hit_time

    def after(self, now: float, t_done: float, job: Call) -> None:
        """Finish ``job`` successfully at ``t_done``: at once if that is ``now``, else by an event."""
        if t_done == now:
            self.finish(now, job, OK)
        else:
            heappush(self.heap, (t_done, next(self.seq), self._release, job))

    def on_reply(self, t: float, child: Call) -> None:
        job = child.parent
        if not job.alive:
            return
        status = child.status
        stage = job.stage
        if stage < _DB_READ:
            if status != OK:
                self.finish(t, job, status)
                return
            stage += 1
            if stage < len(self.services):
                job.stage = stage
                self.services[stage].send(t, Call(job.req, job.op, job, self), True)
                return
            self.data(t, job)
            return
        cache = self.cache
        if status == OK and cache is not None and cache.up and stage != _QUEUE:
            key = job.req.key
            if stage == _DB_READ:
                cache.fill(t, key, child.aux)
            elif not cache.write_through:  # (write-through: already stored at commit)
                cache.delete(key)
        self.finish(t, job, status)
