"""Results per client: a document that puts two systems side by side answers for each of them.

Every component draws from its own random stream, derived from the seed and its
id, so two systems that share nothing do not disturb each other's numbers: a
client's figures in a side-by-side document are exactly what its system gives
when run alone. The run's figures are the clients' added up.
"""

from simulation import run
from tests.simulation.helpers import document, edge, node

REQUEST_FIELDS = ("total", "ok", "failed", "rejected", "timed_out", "throttled", "retries")


def fast_system() -> tuple[list[dict], list[dict]]:
    nodes = [
        node("users-fast", "client", rate_rps=300, read_ratio=0.8, timeout_ms=200, max_retries=1),
        node("app-fast", "app_server", workers=4, service_ms=5),
        node("cache-fast", "cache", capacity=500),
        node("db-fast", "database"),
        node("replica-fast", "database", role="replica"),
    ]
    edges = [
        edge("users-fast", "app-fast"),
        edge("app-fast", "cache-fast"),
        edge("app-fast", "db-fast"),
        edge("db-fast", "replica-fast", replication="async", lag_ms=400),
    ]
    return nodes, edges


def slow_system() -> tuple[list[dict], list[dict]]:
    nodes = [
        node("users-slow", "client", rate_rps=150, timeout_ms=100, max_retries=2),
        node("app-slow", "app_server", workers=2, service_ms=12, queue_limit=5),
    ]
    return nodes, [edge("users-slow", "app-slow")]


def side_by_side(**scenario) -> dict:
    (fn, fe), (sn, se) = fast_system(), slow_system()
    return document(fn + sn, fe + se, **scenario)


def test_every_client_has_its_entry_with_the_specified_fields():
    results = run(side_by_side(duration=10))
    assert set(results["clients"]) == {"users-fast", "users-slow"}
    for figures in results["clients"].values():
        assert set(figures) == {
            "requests", "availability", "throughput_rps", "goodput_rps", "latency_ms", "stale_reads",
        }  # fmt: skip
        assert set(figures["requests"]) == set(REQUEST_FIELDS)
        assert set(figures["latency_ms"]) == {"mean", "p50", "p95", "p99", "max"}


def test_the_clients_requests_add_up_to_the_documents():
    results = run(side_by_side(duration=20, warmup=3))
    clients = results["clients"].values()
    for field in REQUEST_FIELDS:
        assert sum(c["requests"][field] for c in clients) == results["requests"][field], field
    assert sum(c["stale_reads"] for c in clients) == results["stale_reads"]
    assert results["requests"]["failed"] > 0 and results["stale_reads"] > 0  # the sums were not of zeros


def test_a_clients_figures_are_those_of_its_system_run_alone():
    together = run(side_by_side(duration=20, warmup=2))
    for system, client in ((fast_system, "users-fast"), (slow_system, "users-slow")):
        alone = run(document(*system(), duration=20, warmup=2))
        assert together["clients"][client] == alone["clients"][client]
        assert alone["requests"] == alone["clients"][client]["requests"]


def test_with_one_client_its_figures_are_the_documents():
    results = run(document(*fast_system(), duration=10))
    (figures,) = results["clients"].values()
    for field in ("requests", "availability", "throughput_rps", "goodput_rps", "latency_ms", "stale_reads"):
        assert figures[field] == results[field], field


def test_each_window_splits_by_client_and_the_clients_add_up():
    windows = []
    run(side_by_side(duration=8), on_window=windows.append)
    for message in windows:
        window = message["window"]
        clients = window["clients"]
        assert set(clients) == {"users-fast", "users-slow"}
        throughput = sum(c["throughput_rps"] for c in clients.values())
        errors = sum(c["errors_rps"] for c in clients.values())
        assert abs(throughput - window["throughput_rps"]) <= 1e-5 * max(1.0, window["throughput_rps"])
        assert abs(errors - window["errors_rps"]) <= 1e-5 * max(1.0, window["errors_rps"])
        for figures in clients.values():
            assert figures["latency_p50_ms"] <= figures["latency_p99_ms"]


def test_timeseries_holds_one_list_per_client_and_series():
    windows = []
    results = run(side_by_side(duration=5), on_window=windows.append, timeseries=True)
    series = results["timeseries"]["clients"]
    for client in ("users-fast", "users-slow"):
        for key in ("throughput_rps", "errors_rps", "latency_p50_ms", "latency_p99_ms"):
            assert series[client][key] == [w["window"]["clients"][client][key] for w in windows]


def test_the_slow_system_is_the_one_that_fails():
    results = run(side_by_side(duration=20))
    fast, slow = results["clients"]["users-fast"], results["clients"]["users-slow"]
    # 150 rps at 12 ms on 2 workers is offered load 1.8 of 2: with a queue of 5 and a 100 ms
    # timeout it rejects and times out; 300 rps at 5 ms on 4 workers (load 1.5 of 4) does not.
    assert slow["requests"]["rejected"] + slow["requests"]["timed_out"] > 0
    assert fast["requests"]["rejected"] == 0
    assert slow["availability"] < fast["availability"]
    assert slow["latency_ms"]["p99"] > fast["latency_ms"]["p99"]
