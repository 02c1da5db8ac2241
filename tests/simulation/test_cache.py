"""Caches: hit ratios from theory, eviction policies, TTL, and what each strategy promises."""

import pytest

from simulation import run
from simulation.components.cache import FIFOStore, LFUStore, LRUStore
from tests.simulation.helpers import document, edge, node, windows_of


def cached(
    cache: dict,
    *,
    rate: float = 1000.0,
    read_ratio: float = 1.0,
    key_count: int = 1000,
    replica: dict | None = None,
    duration: float = 60,
    warmup: float = 5,
    seed: int = 1,
    events=None,
    db: dict | None = None,
) -> dict:
    """client -> app -> cache, app -> db (optionally with a replica)."""
    nodes = [
        node("users", "client", rate_rps=rate, read_ratio=read_ratio, key_count=key_count),
        node("app", "app_server", workers=64, service_ms=1),
        node("cache", "cache", **cache),
        node(
            "db", "database", **{"role": "primary", "workers": 64, "read_ms": 1, "write_ms": 2, **(db or {})}
        ),
    ]
    edges = [edge("users", "app"), edge("app", "cache"), edge("app", "db")]
    if replica is not None:
        nodes.append(node("replica", "database", role="replica", workers=64, read_ms=1, write_ms=2))
        edges.append(edge("db", "replica", **replica))
    return document(nodes, edges, duration=duration, warmup=warmup, seed=seed, events=events)


@pytest.mark.parametrize("eviction", ["lru", "lfu", "fifo"])
def test_hit_ratio_under_uniform_popularity_is_capacity_over_keys(eviction):
    capacity, keys = 250, 1000
    results = run(cached({"capacity": capacity, "eviction": eviction}, key_count=keys))
    cache = results["nodes"]["cache"]
    lookups = cache["hits"] + cache["misses"]
    # A full cache holds `capacity` of `keys` equally likely keys: each read hits
    # with probability C / N, independently. Binomial 99.9 % band.
    p = capacity / keys
    assert abs(cache["hit_ratio"] - p) <= 3.3 * (p * (1 - p) / lookups) ** 0.5


def test_ttl_hit_ratio_follows_the_renewal_argument():
    # Each key is read as a Poisson stream of rate r; a miss stores it for ttl T,
    # during which about r T reads hit: hit ratio = r T / (1 + r T).
    rate, keys, ttl = 200.0, 10, 0.25
    doc = cached(
        {"capacity": 100, "ttl_s": ttl, "hit_ms": 0},
        rate=rate,
        key_count=keys,
        db={"read_ms": 0.001, "service_dist": "constant"},
        duration=120,
    )
    for e in doc["edges"]:
        e["params"]["latency_ms"] = 0
    cache = run(doc)["nodes"]["cache"]
    rt = rate / keys * ttl
    expected = rt / (1 + rt)
    cycles = cache["misses"]
    # Hits per cycle are Poisson(rT): the ratio H / (H + M) has a standard
    # deviation of about sqrt(M rT) M / (H + M)^2 (delta method).
    sd = (cycles * rt) ** 0.5 * cycles / (cycles * (1 + rt)) ** 2
    assert abs(cache["hit_ratio"] - expected) <= 3.3 * sd


def test_refresh_ahead_keeps_popular_keys_from_expiring():
    common = {"capacity": 100, "ttl_s": 0.5}
    plain = run(cached(common, rate=500, key_count=20, duration=30))["nodes"]["cache"]["hit_ratio"]
    ahead = run(
        cached(
            {**common, "strategy": "refresh_ahead", "refresh_ahead_factor": 0.5},
            rate=500,
            key_count=20,
            duration=30,
        )
    )["nodes"]["cache"]["hit_ratio"]
    assert plain < 0.99
    assert ahead > plain


def test_write_through_never_serves_a_stale_read_after_a_write():
    results = run(
        cached({"capacity": 100, "strategy": "write_through"}, rate=500, read_ratio=0.5, key_count=50)
    )
    assert results["nodes"]["db"]["arrivals"] > 5000  # plenty of writes...
    assert results["nodes"]["cache"]["hits"] > 5000  # ...and of cached reads
    assert results["stale_reads"] == 0


def test_cache_aside_with_async_replica_reads_can_serve_stale_reads():
    results = run(
        cached(
            {"capacity": 100},
            rate=500,
            read_ratio=0.8,
            key_count=50,
            replica={"replication": "async", "lag_ms": 200},
        )
    )
    assert results["stale_reads"] > 0


def test_write_behind_loses_the_unflushed_writes_when_the_cache_fails():
    flush_s, write_rate = 1.0, 100.0
    doc = cached(
        {"capacity": 1000, "strategy": "write_behind", "write_behind_flush_ms": flush_s * 1000},
        rate=2 * write_rate,
        read_ratio=0.5,
        key_count=100,
        duration=20,
        events=[{"at_s": 10, "action": "fail", "target": "cache"}],
    )
    lost = run(doc)["lost_writes"]
    # The writes acknowledged in the last flush_s before the failure: Poisson(write_rate * flush_s).
    expected = write_rate * flush_s
    assert abs(lost - expected) <= 3.3 * expected**0.5


def test_write_behind_loses_nothing_while_the_cache_stays_up():
    doc = cached(
        {"capacity": 1000, "strategy": "write_behind"}, rate=200, read_ratio=0.5, key_count=100, duration=20
    )
    results = run(doc)
    assert results["lost_writes"] == 0
    assert results["nodes"]["db"]["arrivals"] > 0  # the flushes reached the database


def test_a_failed_cache_is_skipped_and_comes_back_cold():
    doc = cached(
        {"capacity": 1000},
        key_count=500,
        duration=30,
        events=[
            {"at_s": 10, "action": "fail", "target": "cache"},
            {"at_s": 15, "action": "recover", "target": "cache"},
        ],
    )
    results, windows = windows_of(doc)
    ratio = {w["t_s"]: w["window"]["nodes"]["cache"]["hit_ratio"] for w in windows}
    assert ratio[10] > 0.99  # warm
    assert ratio[16] < 0.9 * ratio[10]  # cold again after the recovery
    assert results["requests"]["failed"] == 0  # the app read the database meanwhile


def test_lru_evicts_the_least_recently_used():
    store = LRUStore(2)
    store.put("a", 1)
    store.put("b", 2)
    store.get("a")
    store.put("c", 3)
    assert store.peek("b") is None and store.peek("a") == 1 and store.peek("c") == 3


def test_fifo_evicts_the_first_stored_even_if_it_was_used():
    store = FIFOStore(2)
    store.put("a", 1)
    store.put("b", 2)
    store.get("a")
    store.put("c", 3)
    assert store.peek("a") is None and store.peek("b") == 2


def test_lfu_evicts_the_least_frequently_used_and_the_oldest_among_equals():
    store = LFUStore(3)
    for key in "abc":
        store.put(key, key)
    store.get("a")
    store.get("a")
    store.get("c")
    store.put("d", "d")  # b was used least
    assert store.peek("b") is None
    store.put("e", "e")  # d (once) is now the least used
    assert store.peek("d") is None
    assert len(store) == 3 and store.peek("a") == "a"
