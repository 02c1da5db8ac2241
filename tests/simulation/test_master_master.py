"""Master-master: two primaries accept writes and replicate to each other; conflicts counted.

A write committed on one primary conflicts when the latest write of its key was
made on the other primary and has not arrived yet. With writes of rate lam over
K keys (mu = lam / K per key), spread evenly over two primaries, the latest write
of a key is the other primary's with probability 1/2, its age is exponential with
rate mu, and it is still in flight when its exponential delay (mean L) exceeds that
age: P(conflict) = 1/2 * mu L / (1 + mu L).
"""

from math import sqrt

from simulation import run
from tests.simulation.helpers import document, edge, node

WRITES, KEYS, LAG_MS, DURATION = 400.0, 1000, 100.0, 60.0


def master_master(replication: str = "async", *, lag_ms: float = LAG_MS, read_ratio: float = 0.0) -> dict:
    return document(
        [
            node("users", "client", rate_rps=WRITES, read_ratio=read_ratio, key_count=KEYS),
            node("app", "app_server", workers=256, service_ms=1),
            node("lb", "load_balancer", algorithm="round_robin"),
            node("east", "database", workers=64, write_ms=1),
            node("west", "database", workers=64, write_ms=1),
        ],
        # one replication edge between two primaries replicates both ways
        [
            edge("users", "app"),
            edge("app", "lb"),
            edge("lb", "east"),
            edge("lb", "west"),
            edge("east", "west", replication=replication, lag_ms=lag_ms),
        ],
        duration=DURATION,
    )


def test_both_primaries_accept_writes():
    results = run(master_master())
    east, west = results["nodes"]["east"]["arrivals"], results["nodes"]["west"]["arrivals"]
    assert abs(east - west) <= 1 and results["requests"]["failed"] == 0


def test_concurrent_writes_of_one_key_within_the_lag_are_counted_as_conflicts():
    results = run(master_master())
    mu_l = WRITES / KEYS * LAG_MS / 1000
    p = 0.5 * mu_l / (1 + mu_l)
    writes = results["requests"]["ok"]
    expected = writes * p
    assert abs(results["conflicts"] - expected) <= 3.3 * sqrt(expected), (results["conflicts"], expected)
    assert (
        results["nodes"]["east"]["conflicts"] + results["nodes"]["west"]["conflicts"] == results["conflicts"]
    )


def test_more_lag_means_more_conflicts():
    assert run(master_master(lag_ms=500))["conflicts"] > 2 * run(master_master(lag_ms=100))["conflicts"]


def test_sync_master_master_has_no_conflicts_and_no_stale_reads():
    results = run(master_master("sync", read_ratio=0.5))
    assert results["conflicts"] == 0 and results["stale_reads"] == 0


def test_async_master_master_serves_stale_reads():
    assert run(master_master("async", read_ratio=0.5))["stale_reads"] > 0
