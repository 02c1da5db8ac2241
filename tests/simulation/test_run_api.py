"""The library API the web layer calls: run(), its windows, stopping, pacing and the results' shape."""

import json
import time
from pathlib import Path

import pytest

import simulation
from simulation import InvalidDocument, run
from tests.simulation.helpers import document, edge, node

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "spec" / "examples"


def small(duration=5, **scenario):
    doc = document(
        [
            node("users", "client", rate_rps=50),
            node("lb", "load_balancer"),
            node("app", "app_server"),
            node("cache", "cache"),
            node("db", "database"),
            node("r1", "database", role="replica"),
        ],
        [
            edge("users", "lb"),
            edge("lb", "app"),
            edge("app", "cache"),
            edge("app", "db"),
            edge("db", "r1", replication="async"),
        ],
        duration=duration,
    )
    doc["scenario"].update(scenario)
    return doc


def test_the_package_exports_its_public_api():
    assert set(simulation.__all__) == {
        "InvalidDocument",
        "Problem",
        "__version__",
        "json_schema",
        "parse",
        "run",
        "validate",
    }
    assert isinstance(simulation.__version__, str)


def test_on_window_is_called_once_per_simulated_second_in_order():
    windows = []
    run(small(duration=5), on_window=windows.append)
    assert [w["t_s"] for w in windows] == [1, 2, 3, 4, 5]
    window = windows[0]
    assert window["type"] == "metrics" and "seq" not in window
    assert set(window["window"]) == {
        "throughput_rps",
        "latency_p50_ms",
        "latency_p95_ms",
        "latency_p99_ms",
        "latency_mean_ms",
        "errors_rps",
        "goodput_rps",
        "requests_rps",
        "cost_per_hour_usd",
        "nodes",
        "clients",
    }
    nodes = window["window"]["nodes"]
    assert set(nodes) == {"users", "lb", "app", "cache", "db", "r1"}
    for view in nodes.values():
        assert {
            "utilization",
            "queue_len",
            "up",
            "arrivals_rps",
            "completed_rps",
            "errors_rps",
            "error_ratio",
        } <= set(view)
    assert set(window["window"]["clients"]) == {"users"}
    assert set(window["window"]["clients"]["users"]) == {
        "throughput_rps",
        "errors_rps",
        "latency_p50_ms",
        "latency_p99_ms",
    }
    assert "hit_ratio" in nodes["cache"] and "replication_lag_ms" in nodes["r1"]


def test_window_percentiles_are_in_order_p50_p95_p99():
    windows = []
    run(small(duration=5), on_window=windows.append)
    for w in windows:
        window = w["window"]
        assert 0 < window["latency_p50_ms"] <= window["latency_p95_ms"] <= window["latency_p99_ms"]


def test_a_fractional_duration_ends_with_a_short_window():
    windows = []
    results = run(small(duration=2.5), on_window=windows.append)
    assert [w["t_s"] for w in windows] == [1, 2, 3]
    assert results["duration_s"] == 2.5


def test_should_stop_ends_the_run_early_with_what_was_measured():
    windows = []
    results = run(small(duration=60), on_window=windows.append, should_stop=lambda: len(windows) >= 3)
    assert results["stopped"] is True
    assert results["duration_s"] == 3
    assert len(windows) == 3
    assert results["requests"]["total"] > 0


def test_a_complete_run_is_not_stopped():
    assert run(small(duration=2))["stopped"] is False


def test_speed_paces_simulated_time_against_the_wall_clock():
    start = time.perf_counter()
    run(small(duration=1), speed=20)
    assert time.perf_counter() - start >= 0.04  # 1 simulated second at 20x takes 0.05 s


def test_a_bad_speed_is_refused():
    with pytest.raises(ValueError):
        run(small(), speed=0)


def test_timeseries_is_built_from_the_same_windows():
    windows = []
    results = run(small(duration=4), on_window=windows.append, timeseries=True)
    series = results["timeseries"]
    assert series["t_s"] == [1, 2, 3, 4]
    assert series["throughput_rps"] == [w["window"]["throughput_rps"] for w in windows]
    assert series["latency_p99_ms"] == [w["window"]["latency_p99_ms"] for w in windows]
    for key in ("errors_rps", "latency_p50_ms", "latency_p95_ms", "goodput_rps"):
        assert series[key] == [w["window"][key] for w in windows]
    assert "timeseries" not in run(small(duration=4))


def test_results_have_exactly_the_specified_fields():
    results = run(small())
    assert set(results) == {
        "format",
        "seed",
        "duration_s",
        "warmup_s",
        "requests",
        "availability",
        "throughput_rps",
        "goodput_rps",
        "latency_ms",
        "stale_reads",
        "lost_writes",
        "clients",
        "conflicts",
        "sessions_lost",
        "nodes",
        "failovers",
        "cost",
        "stopped",
        "wall_s",
        "events_processed",
    }
    assert set(results["requests"]) == {
        "total",
        "ok",
        "failed",
        "rejected",
        "timed_out",
        "throttled",
        "retries",
    }
    assert set(results["latency_ms"]) == {"mean", "p50", "p95", "p99", "max"}
    nodes = results["nodes"]
    for n in nodes.values():
        assert {"kind", "failures", "downtime_s"} <= set(n)
        assert set(n["failures"]) == {"refused", "rejected", "timed_out"}
    assert set(nodes["app"]) >= {
        "arrivals",
        "completed",
        "rejected",
        "utilization",
        "queue_mean",
        "latency_ms",
    }
    assert set(nodes["app"]["latency_ms"]) == {"mean", "p50", "p95", "p99"}
    assert set(nodes["cache"]) >= {"hit_ratio", "hits", "misses"}
    assert set(nodes["r1"]["replication_lag_ms"]) == {"mean", "max"}
    assert set(nodes["lb"]) >= {"arrivals", "targets"} and set(nodes["lb"]["targets"]) == {"app"}
    assert set(nodes["users"]) >= {"sent", "ok", "failed"}
    assert results["failovers"] == []
    r = results["requests"]
    assert r["ok"] + r["failed"] == r["total"] and results["availability"] == r["ok"] / r["total"]


def test_goodput_counts_only_successes_within_the_slo():
    doc = document(
        [
            node("users", "client", rate_rps=80, slo_ms=20),
            node("app", "app_server", workers=1, service_ms=10),
        ],
        [edge("users", "app", latency_ms=0)],
        duration=60,
    )
    results = run(doc)
    # M/M/1 at 80 %: P(sojourn <= 20 ms) = 1 - exp(-(100 - 80) * 0.02) = 0.33.
    assert 0.2 * results["throughput_rps"] < results["goodput_rps"] < 0.5 * results["throughput_rps"]


def test_without_an_slo_goodput_is_the_throughput():
    doc = document(
        [node("users", "client", rate_rps=80), node("app", "app_server")], [edge("users", "app")], duration=10
    )
    results = run(doc)
    assert results["goodput_rps"] == results["throughput_rps"]


def test_availability_is_zero_when_no_request_was_counted():
    doc = document(
        [node("users", "client", rate_rps=0.01), node("app", "app_server")],
        [edge("users", "app")],
        duration=1,
    )
    results = run(doc)
    assert results["requests"]["total"] == 0 and results["availability"] == 0.0


def test_utilization_stays_within_zero_and_one_under_overload():
    doc = document(
        [node("users", "client", rate_rps=500), node("app", "app_server", workers=2, service_ms=10)],
        [edge("users", "app")],
        duration=10,
    )
    windows = []
    results = run(doc, on_window=windows.append)
    assert 0.99 <= results["nodes"]["app"]["utilization"] <= 1.0
    assert all(0.0 <= w["window"]["nodes"]["app"]["utilization"] <= 1.0 for w in windows)


def test_a_loop_of_calls_is_refused_naming_the_edge_that_closes_it():
    doc = document(
        [
            node("users", "client"),
            node("a", "app_server"),
            node("lb", "load_balancer"),
            node("b", "app_server"),
        ],
        [edge("users", "a"), edge("a", "lb"), edge("lb", "b"), edge("b", "a")],
    )
    with pytest.raises(InvalidDocument) as raised:
        run(doc)
    (problem,) = raised.value.problems
    assert problem.edge == "b->a" and "a -> lb -> b -> a" in problem.message


def test_master_master_replication_is_not_a_loop_of_calls():
    doc = document(
        [
            node("users", "client"),
            node("app", "app_server"),
            node("east", "database"),
            node("west", "database"),
        ],
        [
            edge("users", "app"),
            edge("app", "east"),
            edge("east", "west", replication="async"),
            edge("west", "east", replication="async"),
        ],
        duration=5,
    )
    assert run(doc)["requests"]["total"] > 0


def test_a_bad_document_raises_invalid_document():
    with pytest.raises(InvalidDocument):
        run({"format": 1, "nodes": [{"id": "x", "kind": "teleporter"}], "edges": []})


@pytest.mark.parametrize("name", ["one-server.json", "read-heavy-shop.json"])
def test_the_spec_examples_run(name):
    results = run(json.loads((EXAMPLES / name).read_text()))
    assert results["requests"]["total"] > 0
