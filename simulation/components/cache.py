"""The cache: a bounded key-value store in front of a database, and its strategies.

Entries are ``[version, time stored, pending writes]``: the version of the key
the entry holds, when it was stored (for ``ttl_s``, checked on access: an
expired entry is a miss), and how many write-behind writes it holds that the
database has not had yet. A read served from an entry whose version is older
than the latest committed one is a stale read (judged against the primary's
version counter; an entry with pending writes is newer, never stale).

Eviction when ``capacity`` entries are held: ``lru`` drops the least recently
used (an ordered dict moved to the end on every hit), ``lfu`` the least
frequently used (O(1): one ordered dict of keys per use count, oldest first
among equals), ``fifo`` the oldest stored. Under uniform popularity over N keys
an LRU cache of C entries hits with probability C / N.

Strategies, as the lecture notes describe them (the app server drives the
first two; see ``app_server``):

``cache_aside``
    the app reads the cache; on a miss it reads the database and fills the
    cache. A write goes to the database, then deletes the key from the cache.
    A fill that races a write can put an old version back: stale reads.
``write_through``
    a write goes to the database and, once committed, stores the new version in
    the cache: the cache never serves a version older than the database's.
``write_behind``
    a write is acknowledged as soon as the cache holds it; the database write
    happens ``write_behind_flush_ms`` later. If the cache fails first, the
    writes still waiting are lost (``lost_writes``).
``refresh_ahead``
    as cache-aside, and with ``ttl_s``: a hit on an entry older than
    ``refresh_ahead_factor * ttl_s`` is served and refreshed from the database
    in the background, so popular keys rarely expire.

A cache that fails is skipped by the app servers (they read the database
directly) and comes back empty: a cold cache. Called directly (say behind a
load balancer), a cache reads through to its own database on a miss.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from heapq import heappush
from typing import Literal

from ..format.fields import Int, Kind, Metric, Number, hourly_price, param
from ..network import OK, READ, WRITE, Call, Request, reply
from .base import Node, hit_ratio

__all__ = ["Cache", "CacheParams", "LRUStore", "LFUStore", "FIFOStore", "BACKGROUND"]

_FLUSH = 1
_REFRESH = 2
_RELAY = 3


class _Background:
    """The stand-in client of work a component starts by itself (flushes, refreshes)."""

    FOLDABLE = True
    timeout = None
    id = "(background)"


BACKGROUND = _Background()


class LRUStore:
    """Least recently used first out."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.data: OrderedDict = OrderedDict()

    def __len__(self) -> int:
        return len(self.data)

    def get(self, key):
        entry = self.data.get(key)
        if entry is not None:
            self.data.move_to_end(key)
        return entry

    def peek(self, key):
        return self.data.get(key)

    def put(self, key, entry) -> None:
        data = self.data
        data[key] = entry
        data.move_to_end(key)
        while len(data) > self.capacity:
            data.popitem(last=False)

    def pop(self, key) -> None:
        self.data.pop(key, None)

    def clear(self) -> None:
        self.data.clear()


class FIFOStore(LRUStore):
    """First stored, first out: hits do not change the order."""

    def get(self, key):
        return self.data.get(key)

    def put(self, key, entry) -> None:
        data = self.data
        if key in data:
            data[key] = entry
            return
        data[key] = entry
        while len(data) > self.capacity:
            data.popitem(last=False)


class LFUStore:
    """Least frequently used first out, in O(1): one ordered set of keys per use count."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.items: dict = {}  # key -> [entry, uses]
        self.by_uses: dict[int, OrderedDict] = {}
        self.min_uses = 1

    def __len__(self) -> int:
        return len(self.items)

    def _bump(self, key, item) -> None:
        uses = item[1]
        bucket = self.by_uses[uses]
        del bucket[key]
        if not bucket:
            del self.by_uses[uses]
            if self.min_uses == uses:
                self.min_uses = uses + 1
        item[1] = uses + 1
        nxt = self.by_uses.get(uses + 1)
        if nxt is None:
            nxt = self.by_uses[uses + 1] = OrderedDict()
        nxt[key] = None

    def get(self, key):
        item = self.items.get(key)
        if item is None:
            return None
        self._bump(key, item)
        return item[0]

    def peek(self, key):
        item = self.items.get(key)
        return None if item is None else item[0]

    def put(self, key, entry) -> None:
        item = self.items.get(key)
        if item is not None:
            item[0] = entry
            return
        while len(self.items) >= self.capacity and self.items:
            if self.min_uses not in self.by_uses:
                self.min_uses = min(self.by_uses)
            bucket = self.by_uses[self.min_uses]
            victim, _ = bucket.popitem(last=False)
            if not bucket:
                del self.by_uses[self.min_uses]
            del self.items[victim]
        self.items[key] = [entry, 1]
        ones = self.by_uses.get(1)
        if ones is None:
            ones = self.by_uses[1] = OrderedDict()
        ones[key] = None
        self.min_uses = 1

    def pop(self, key) -> None:
        item = self.items.pop(key, None)
        if item is not None:
            bucket = self.by_uses[item[1]]
            del bucket[key]
            if not bucket:
                del self.by_uses[item[1]]

    def clear(self) -> None:
        self.items.clear()
        self.by_uses.clear()
        self.min_uses = 1


STORES = {"lru": LRUStore, "lfu": LFUStore, "fifo": FIFOStore}


class CacheParams(Kind):
    TITLE = "Cache"
    SUMMARY = "An in-memory key-value cache in front of a database (Redis, Memcached)."

    capacity: Int = param(
        1_000, "Entries the cache holds before it evicts.", unit="entries", ge=1, le=10_000_000
    )
    eviction: Literal["lru", "lfu", "fifo"] = param(
        "lru",
        "Which entry goes when the cache is full: lru (least recently used), lfu (least "
        "frequently used) or fifo (oldest inserted).",
    )
    ttl_s: Number | None = param(
        None,
        "How long an entry stays valid, in s; null = no expiry (entries leave only by eviction).",
        unit="s",
        gt=0,
        le=31_536_000,
    )
    strategy: Literal["cache_aside", "write_through", "write_behind", "refresh_ahead"] = param(
        "cache_aside",
        "cache_aside: the app reads the cache, on a miss reads the database and fills the cache, "
        "and a write goes to the database and drops the entry; write_through: writes update the "
        "cache and the database together; write_behind: writes update the cache and reach the "
        "database later (write_behind_flush_ms); refresh_ahead: entries close to expiry are "
        "refreshed in the background (refresh_ahead_factor).",
    )
    hit_ms: Number = param(0.5, "Time to answer from the cache, in ms.", unit="ms", ge=0, le=10_000)
    write_behind_flush_ms: Number = param(
        1000,
        "With write_behind: how long a write waits in the cache before it reaches the database, "
        "in ms (writes still waiting when the cache fails are lost).",
        unit="ms",
        ge=0,
        le=3_600_000,
    )
    refresh_ahead_factor: Number = param(
        0.8,
        "With refresh_ahead and a ttl_s: a read of an entry older than this fraction of its ttl "
        "refreshes it from the database in the background.",
        gt=0,
        le=1,
    )
    cost_per_hour: Number = hourly_price(0.156, "Amazon ElastiCache cache.m5.large, on demand")


class Cache(Node):
    kind = "cache"
    Params = CacheParams
    TRAITS = frozenset({"holds_data"})
    SUMMARY_METRICS = (
        Metric("hit_ratio", "Hit ratio", "ratio", "Reads answered from the cache, over all reads that looked in it.", "higher"),
        Metric("hits", "Hits", "reads", "Reads answered from the cache.", "higher"),
        Metric("misses", "Misses", "reads", "Reads that had to go to the database.", "lower"),
        Metric("stale_reads", "Stale reads", "reads", "Hits that returned an outdated value.", "lower"),
    )  # fmt: skip
    WINDOW_METRICS = (
        Metric("hit_ratio", "Hit ratio", "ratio", "Reads answered from the cache in the window.", "higher"),
    )  # fmt: skip
    FOLDABLE = True
    COUNTERS = Node.COUNTERS + ("arrivals", "hits", "misses", "stale_reads")

    def __init__(self, spec: dict, model) -> None:
        self.n_stale = 0
        self.store = None
        self.eviction = None
        self.n_arrivals = 0
        self.n_hits = 0
        self.n_misses = 0
        self.pending: deque = deque()  # write-behind writes: (due, key, edge)
        self.flush_token = 0
        self.refreshing: set = set()
        self.db_edge = None  # our own edge to a database...
        self.fallback_edge = None  # ...else the database edge of an app server that uses us
        self.tally = model.tally
        super().__init__(spec, model)
        self._flush = self.flush

    def configure(self, params: dict) -> None:
        if params["eviction"] != self.eviction:
            self.eviction = params["eviction"]
            self.store = STORES[self.eviction](params["capacity"])
        else:
            self.store.capacity = params["capacity"]
        self.lru = self.store.data if self.eviction == "lru" else None
        ttl = params["ttl_s"]
        self.ttl = None if ttl is None else float(ttl)
        strategy = params["strategy"]
        self.write_through = strategy == "write_through"
        self.write_behind = strategy == "write_behind"
        self.refresh_ahead = strategy == "refresh_ahead" and self.ttl is not None
        self.hit_time = params["hit_ms"] / 1000.0
        self.flush_delay = params.get("write_behind_flush_ms", 1000.0) / 1000.0
        self.refresh_age = (self.ttl or 0.0) * params.get("refresh_ahead_factor", 0.8)

    def uses(self) -> frozenset[str]:
        return frozenset(("op", "key"))

    def wire(self) -> None:
        behind = [e for e in self.out if e.target.kind == "database" and not e.dormant]
        self.db_edge = behind[0] if behind else None

    # -- what app servers ask ----------------------------------------------------
    def lookup(self, t: float, req: Request, latest: dict | None) -> bool:
        """Read ``req``'s key at time ``t``: True on a hit. ``latest``: committed versions, to judge staleness
        (a stale hit counts against the request's client)."""
        key = req.key
        self.n_arrivals += 1
        lru = self.lru
        if lru is not None:  # the common policy, inlined
            entry = lru.get(key)
            if entry is not None:
                lru.move_to_end(key)
        else:
            entry = self.store.get(key)
        if entry is None:
            self.n_misses += 1
            return False
        ttl = self.ttl
        if ttl is not None:
            age = t - entry[1]
            if age >= ttl:
                self.store.pop(key)
                self.n_misses += 1
                return False
            if self.refresh_ahead and age > self.refresh_age and key not in self.refreshing:
                self.refresh(t, key)
        self.n_hits += 1
        if latest is not None and not entry[2] and entry[0] < latest.get(key, 0):
            req.client.tally.stale_reads += 1
            self.n_stale += 1
        return True

    def fill(self, t: float, key: int, version: int) -> None:
        """Store what a miss read from the database, unless a newer version is already here."""
        entry = self.store.peek(key)
        if entry is None:
            self.store.put(key, [version, t, 0])
        elif version >= entry[0] and not entry[2]:
            entry[0] = version
            entry[1] = t

    def put(self, t: float, key: int, version: int) -> None:
        """Write-through: store the version the database has just committed."""
        entry = self.store.peek(key)
        if entry is None:
            self.store.put(key, [version, t, 0])
        elif version >= entry[0]:
            entry[0] = version
            entry[1] = t

    def delete(self, key: int) -> None:
        self.store.pop(key)

    # -- write-behind --------------------------------------------------------------
    def write_behind_put(self, t: float, key: int, edge) -> None:
        """Hold a write; it reaches the database ``flush_delay`` later (over our own edge if any)."""
        entry = self.store.peek(key)
        if entry is None:
            self.store.put(key, [0, t, 1])
        else:
            entry[1] = t
            entry[2] += 1
        if not self.pending:
            heappush(self.heap, (t + self.flush_delay, next(self.seq), self._flush, self.flush_token))
        self.pending.append((t + self.flush_delay, key, self.db_edge or edge))

    def flush(self, t: float, token: int) -> None:
        if token != self.flush_token:
            return  # the cache failed since: these writes are gone
        pending = self.pending
        while pending and pending[0][0] <= t:
            _, key, edge = pending.popleft()
            if edge is None:
                self.settle(key, None)
                continue
            call = Call(Request(BACKGROUND, key, True, False, 0, t, False), WRITE, None, self)
            call.tag = _FLUSH
            edge.send(t, call, True)
        if pending:
            heappush(self.heap, (pending[0][0], next(self.seq), self._flush, token))

    def settle(self, key: int, version: int | None) -> None:
        """A write-behind write has reached the database as ``version`` (None: it never will)."""
        entry = self.store.peek(key)
        if entry is not None and entry[2] > 0:
            entry[2] -= 1
            if version is not None and version > entry[0]:
                entry[0] = version

    # -- refresh-ahead ---------------------------------------------------------------
    def refresh(self, t: float, key: int) -> None:
        edge = self.db_edge or self.fallback_edge
        if edge is None:
            return
        self.refreshing.add(key)
        call = Call(Request(BACKGROUND, key, False, False, 0, t, False), READ, None, self)
        call.tag = _REFRESH
        edge.send(t, call)

    # -- called directly: read through to our database ----------------------------------
    def arrive(self, t: float, call: Call) -> None:
        if not self.up:
            self.refuse(t, call)
            return
        edge = self.db_edge
        if call.op == READ:
            latest = getattr(edge.target, "keyspace", None) if edge is not None else None
            if self.lookup(t, call.req, latest.latest if latest is not None else None):
                reply(t + self.hit_time, call, OK)
                return
        if edge is None:
            reply(t + self.hit_time, call, OK)
            return
        child = Call(call.req, call.op, call, self)
        child.tag = _RELAY
        edge.send(t + self.hit_time, child)

    def on_reply(self, t: float, child: Call) -> None:
        stage = child.tag
        key = child.req.key
        ok = child.status == OK
        if stage == _FLUSH:
            if ok:
                self.settle(key, child.aux)
            else:
                self.settle(key, None)
                self.tally.lost_writes += 1
        elif stage == _REFRESH:
            self.refreshing.discard(key)
            if ok and self.up:
                self.fill(t, key, child.aux)
        else:
            call = child.parent
            if ok and self.up:
                if call.op == READ:
                    self.fill(t, key, child.aux)
                elif self.write_through:
                    self.put(t, key, child.aux)
                else:
                    self.delete(key)
            reply(t, call, child.status)

    # -- failure -------------------------------------------------------------------
    def drop_held(self, t: float) -> None:
        self.tally.lost_writes += len(self.pending)
        self.pending.clear()
        self.flush_token += 1
        self.store.clear()
        self.refreshing.clear()

    # -- measurement -------------------------------------------------------------------
    def counters(self, t: float) -> tuple:
        return super().counters(t) + (self.n_arrivals, self.n_hits, self.n_misses, self.n_stale)

    def window(self, d: dict, length: float) -> dict:
        view = super().window(d, length)
        view["hit_ratio"] = hit_ratio(d)
        return view

    def summary(self, d: dict, measured: float) -> dict:
        out = super().summary(d, measured)
        out.update(
            {
                "hit_ratio": hit_ratio(d),
                "hits": d["hits"],
                "misses": d["misses"],
                "stale_reads": d["stale_reads"],
            }
        )
        return out
