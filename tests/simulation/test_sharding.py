"""Sharding: a consistent-hash balancer routes each key to one shard; zipf keys make one hot.

The expected load of each shard is exact arithmetic: the share of requests for the
keys the ring gives it, summed from the zipf pmf (P(key k) proportional to
1 / (k + 1)^s). Each request reaches exactly one shard, so a shard's measured
share is a binomial proportion: the tolerance is 3.3 sqrt(p (1 - p) / n).
"""

from math import sqrt

from simulation import run
from simulation.components.load_balancer import consistent_hash_index, hash_ring
from tests.simulation.helpers import document, edge, node

SHARDS = ["db1", "db2", "db3", "db4"]
KEYS = 1000


def sharded(distribution: str, *, zipf_s: float = 1.1, duration: float = 30, events=None) -> dict:
    return document(
        [
            node(
                "users", "client", rate_rps=800, key_count=KEYS, key_distribution=distribution, zipf_s=zipf_s
            ),
            node("app", "app_server", workers=128, service_ms=1),
            node("router", "load_balancer", algorithm="consistent_hash"),
            *(node(db, "database", workers=32) for db in SHARDS),
        ],
        [edge("users", "app"), edge("app", "router"), *(edge("router", db) for db in SHARDS)],
        duration=duration,
        events=events or [],
    )


def expected_shares(weights: list[float]) -> list[float]:
    ring = hash_ring(SHARDS)
    shares = [0.0] * len(SHARDS)
    for key, w in enumerate(weights):
        shares[consistent_hash_index(key, ring)] += w
    total = sum(weights)
    return [s / total for s in shares]


def measured_shares(results: dict) -> tuple[list[float], int]:
    arrivals = [results["nodes"][db]["arrivals"] for db in SHARDS]
    n = sum(arrivals)
    return [a / n for a in arrivals], n


def test_each_shard_gets_the_share_of_requests_its_keys_carry():
    results = run(sharded("uniform"))
    expected = expected_shares([1.0] * KEYS)
    measured, n = measured_shares(results)
    for p, share in zip(expected, measured, strict=True):
        assert abs(share - p) <= 3.3 * sqrt(p * (1 - p) / n)
    # every request went to one shard, and one only (those still in flight at the end have no outcome)
    assert 0 <= n - results["requests"]["total"] <= 10


def test_zipf_keys_make_the_shard_of_the_hottest_keys_hot_by_the_amount_zipf_predicts():
    s = 1.1
    results = run(sharded("zipf", zipf_s=s))
    expected = expected_shares([(k + 1) ** -s for k in range(KEYS)])
    measured, n = measured_shares(results)
    hot = max(range(len(SHARDS)), key=lambda i: expected[i])
    assert expected[hot] > 1 / len(SHARDS) + 0.1  # the ring gives key 0 (about 14 % alone) to one shard
    for p, share in zip(expected, measured, strict=True):
        assert abs(share - p) <= 3.3 * sqrt(p * (1 - p) / n)
    utilization = [results["nodes"][db]["utilization"] for db in SHARDS]
    assert max(utilization) == utilization[hot]


def test_a_dead_shard_fails_only_its_own_keys_until_the_ring_moves_them():
    # db1 dies at 0; the router marks it at its third failed check (0, 1, 2 s). Until then
    # only the requests for db1's keys fail; then its keys move to the next points of the
    # ring and everything succeeds.
    results = run(sharded("uniform", events=[{"at_s": 0, "action": "fail", "target": "db1"}], duration=10))
    share = expected_shares([1.0] * KEYS)[0]
    mean = 800 * 2 * share
    assert abs(results["requests"]["failed"] - mean) <= 3.3 * sqrt(mean)
    assert results["nodes"]["db1"]["failures"]["refused"] == results["requests"]["failed"]
