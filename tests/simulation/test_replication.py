"""Replication: sync against async, lag, stale reads and where reads go."""

from simulation import run
from tests.simulation.helpers import document, edge, node


def replicated(
    mode: str,
    *,
    lag_ms: float = 200,
    read_from=None,
    replicas: int = 1,
    rate: float = 400,
    read_ratio: float = 0.5,
    key_count: int = 50,
    duration: float = 60,
    seed: int = 1,
) -> dict:
    primary = {"role": "primary", "workers": 64, "read_ms": 2, "write_ms": 5}
    if read_from is not None:
        primary["read_from"] = read_from
    nodes = [
        node("users", "client", rate_rps=rate, read_ratio=read_ratio, key_count=key_count),
        node("app", "app_server", workers=64, service_ms=1),
        node("db", "database", **primary),
    ]
    edges = [edge("users", "app"), edge("app", "db")]
    for i in range(1, replicas + 1):
        nodes.append(node(f"r{i}", "database", role="replica", workers=64, read_ms=2, write_ms=5))
        edges.append(edge("db", f"r{i}", replication=mode, lag_ms=lag_ms))
    return document(nodes, edges, duration=duration, warmup=5, seed=seed)


def test_sync_replication_serves_no_stale_reads_and_writes_slower_than_async():
    sync = run(replicated("sync"))
    asynchronous = run(replicated("async"))
    assert sync["stale_reads"] == 0
    assert asynchronous["stale_reads"] > 0
    # Reads go to the replica, so the primary's latency is the write latency; a sync
    # write also waits for the replica: a round trip (2 x 0.5 ms) and its write_ms (5 ms).
    sync_write = sync["nodes"]["db"]["latency_ms"]["mean"]
    async_write = asynchronous["nodes"]["db"]["latency_ms"]["mean"]
    assert sync_write > async_write + 5


def test_async_replication_lag_has_the_mean_delay_lag_ms_whatever_the_write_load():
    # Each write is applied after its own exponential delay of mean lag_ms: the measured
    # mean is the mean of n such delays, within 3.3 standard errors (lag_ms / sqrt(n),
    # 99.9 %) of lag_ms, at a light and at a heavy write load alike.
    lag_ms = 200.0
    for rate in (20, 400):
        results = run(replicated("async", lag_ms=lag_ms, rate=rate, read_ratio=0.5, duration=120))
        writes = results["nodes"]["db"]["completed"]  # reads go to the replica: these are the writes
        lag = results["nodes"]["r1"]["replication_lag_ms"]
        band = 3.3 * lag_ms / writes**0.5
        assert abs(lag["mean"] - lag_ms) <= band, (rate, lag, band)
        assert lag["max"] > lag["mean"]


def test_a_write_applied_late_never_overwrites_a_newer_one():
    # Out-of-order delivery: the replica keeps the highest version of each key, so once
    # every write is applied (a long quiet tail) it serves no stale read.
    doc = replicated("async", lag_ms=300, rate=400, read_ratio=0.0, key_count=5, duration=12)
    doc["scenario"]["events"] = [
        {"at_s": 6, "action": "set", "target": "users", "params": {"read_ratio": 1.0}},
    ]
    doc["scenario"]["warmup_s"] = 9  # writes stopped at 6 s: 3 s = 10 mean lags later, all applied
    results = run(doc)
    assert results["requests"]["total"] > 1000
    assert results["stale_reads"] == 0


def test_more_lag_means_more_stale_reads():
    short = run(replicated("async", lag_ms=10))["stale_reads"]
    long = run(replicated("async", lag_ms=500))["stale_reads"]
    assert long > short


def test_reads_from_replicas_are_spread_over_them_in_turn():
    results = run(replicated("async", replicas=2, read_ratio=1.0, duration=20))
    r1, r2 = results["nodes"]["r1"]["arrivals"], results["nodes"]["r2"]["arrivals"]
    assert abs(r1 - r2) <= 1
    assert results["nodes"]["db"]["arrivals"] == 0


def test_read_from_primary_keeps_every_read_on_the_primary():
    results = run(replicated("async", read_from="primary", read_ratio=1.0, duration=20))
    assert results["nodes"]["r1"]["arrivals"] == 0
    assert results["stale_reads"] == 0


def test_read_from_any_shares_reads_between_primary_and_replica():
    results = run(replicated("async", read_from="any", read_ratio=1.0, duration=20))
    assert abs(results["nodes"]["r1"]["arrivals"] - results["nodes"]["db"]["arrivals"]) <= 1


def test_a_down_replica_is_skipped_for_reads():
    doc = replicated("async", replicas=2, read_ratio=1.0, duration=20)
    doc["scenario"]["events"] = [{"at_s": 0, "action": "fail", "target": "r2"}]
    results = run(doc)
    assert results["nodes"]["r2"]["arrivals"] == 0
    assert results["requests"]["failed"] == 0


def test_replica_windows_report_the_current_lag():
    windows = []
    run(replicated("async", lag_ms=300, duration=10), on_window=windows.append)
    lags = [w["window"]["nodes"]["r1"]["replication_lag_ms"] for w in windows]
    assert all(lag >= 0 for lag in lags) and max(lags) > 0
    assert "replication_lag_ms" not in windows[-1]["window"]["nodes"]["db"]


def test_while_the_primary_is_down_replica_reads_go_on_and_writes_are_refused():
    doc = replicated("async", read_ratio=0.5, duration=20)
    doc["scenario"]["events"] = [{"at_s": 0, "action": "fail", "target": "db"}]
    results = run(doc)
    refused = results["nodes"]["db"]["failures"]["refused"]
    assert refused > 0 and results["requests"]["failed"] == refused
    assert results["nodes"]["r1"]["completed"] > 0.9 * results["requests"]["ok"]
