"""Network faults between nodes: partitions and slow links.

A partitioned edge loses what crosses it: a client notices through its timeout
(or at once without one); a component holds its worker for the client's timeout
before it gives up (thread-per-request: the capacity is wasted). A slow edge adds
its latency each way. Counts during a fault are Poisson (rate x time): the
tolerance is 3.3 standard deviations.
"""

from math import sqrt

from simulation import run
from tests.simulation.helpers import document, edge, node, windows_of

RATE = 400.0


def within_poisson(count: int, mean: float) -> bool:
    return abs(count - mean) <= 3.3 * sqrt(mean)


def client_and_server(*, timeout_ms=None, events=(), duration: float = 15) -> dict:
    return document(
        [
            node("users", "client", rate_rps=RATE, timeout_ms=timeout_ms),
            node("app", "app_server", workers=1000, service_ms=1, service_dist="constant"),
        ],
        [edge("users", "app", latency_ms=0)],
        duration=duration,
        events=list(events),
    )


PARTITION = [
    {"at_s": 5, "action": "partition", "target": "users->app"},
    {"at_s": 10, "action": "heal", "target": "users->app"},
]


def test_requests_across_a_partition_time_out_at_the_caller_after_its_timeout():
    results = run(client_and_server(timeout_ms=200, events=PARTITION))
    failed = results["requests"]["failed"]
    assert within_poisson(failed, RATE * 5)
    assert results["requests"]["timed_out"] == failed  # every one of them timed out...
    # ...and never got there (a request or two may still be in service at the end)
    assert 0 <= results["nodes"]["app"]["arrivals"] - results["requests"]["ok"] <= 5


def test_without_a_timeout_a_request_across_a_partition_fails_at_once():
    results = run(client_and_server(events=PARTITION))
    assert within_poisson(results["requests"]["failed"], RATE * 5)
    assert results["requests"]["timed_out"] == 0
    assert results["latency_ms"]["max"] < 2  # the successes are untouched: 1 ms of service


def test_a_partition_downstream_holds_the_callers_workers_for_the_timeout():
    # app -> db cut: each request holds an app worker for service + 200 ms, so by Little's
    # law the app's busy workers rise from rate x 1 ms to rate x 201 ms (M/D/inf: the time
    # average over 3 s of a Poisson(80) count, within 10 %).
    doc = document(
        [
            node("users", "client", rate_rps=RATE, timeout_ms=200),
            node("app", "app_server", workers=1000, service_ms=1, service_dist="constant"),
            node("db", "database", workers=64),
        ],
        [edge("users", "app", latency_ms=0), edge("app", "db", latency_ms=0)],
        duration=15,
        events=[
            {"at_s": 5, "action": "partition", "target": "app->db"},
            {"at_s": 11, "action": "heal", "target": "app->db"},
        ],
    )
    results, windows = windows_of(doc)
    busy = [w["window"]["nodes"]["app"]["utilization"] * 1000 for w in windows if 7 < w["t_s"] <= 10]
    mean_busy = sum(busy) / len(busy)
    assert abs(mean_busy - RATE * 0.201) <= 0.1 * RATE * 0.201, mean_busy
    assert within_poisson(results["requests"]["timed_out"], RATE * 6)


def test_a_slow_edge_adds_its_latency_to_both_ways_of_every_round_trip():
    slow = [{"at_s": 0, "action": "slow", "target": "users->app", "params": {"latency_ms": 20}}]
    results = run(client_and_server(events=slow, duration=5))
    # constant 1 ms service, no queueing (1,000 workers): every latency is 20 + 1 + 20 ms
    assert abs(results["latency_ms"]["mean"] - 41) < 1e-6
    assert abs(results["latency_ms"]["max"] - 41) < 1e-6


def replicated(replication: str, events: list[dict]) -> dict:
    return document(
        [
            node("users", "client", rate_rps=RATE, read_ratio=0.5, key_count=100),
            node("app", "app_server", workers=256, service_ms=1),
            node("db", "database", workers=64),
            node("r1", "database", role="replica", workers=64),
        ],
        [edge("users", "app"), edge("app", "db"), edge("db", "r1", replication=replication, lag_ms=50)],
        duration=20,
        events=events,
    )


CUT_REPLICATION = [
    {"at_s": 5, "action": "partition", "target": "db->r1"},
    {"at_s": 10, "action": "heal", "target": "db->r1"},
]


def test_an_async_replica_cut_off_falls_behind_and_catches_up_when_the_partition_heals():
    results, windows = windows_of(replicated("async", CUT_REPLICATION))
    lag = {w["t_s"]: w["window"]["nodes"]["r1"]["replication_lag_ms"] for w in windows}
    assert lag[4] < 500 and lag[9] > 3500 and lag[15] < 500  # the oldest write waits out the cut
    # a quarter of the writes (5 s of 20) waited for the heal, 2.5 s on average, the rest
    # only lag_ms: mean 50 + 2500 / 4 ms (binomial share and uniform waits: 12 % at 3.3 sd)
    expected = 50 + 2500 / 4
    assert abs(results["nodes"]["r1"]["replication_lag_ms"]["mean"] - expected) <= 0.12 * expected
    assert results["stale_reads"] > 0


def test_sync_replication_across_a_partition_refuses_writes_rather_than_lose_consistency():
    results = run(replicated("sync", CUT_REPLICATION))
    assert results["stale_reads"] == 0
    writes_in_cut = RATE * 0.5 * 5
    assert within_poisson(results["requests"]["failed"], writes_in_cut)
