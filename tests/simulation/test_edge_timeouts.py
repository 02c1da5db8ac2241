"""Timeouts on a call edge: the caller gives up after ``timeout_ms``, the callee's work goes on.

Zero network latency and generous worker pools (no queueing) make every call's
time its service time, so the share of calls that time out is the probability
that a service time exceeds the timeout: e^(-T / mean) for exponential times,
0 or 1 for constant ones. Counts are binomial: the tolerance is 3.3 standard
deviations.
"""

import json
from math import exp, sqrt

from simulation import run
from tests.simulation.helpers import document, edge, node

RATE = 400.0


def shop(*, db_ms: float, dist: str = "constant", duration: float = 20, events=(), **edge_params) -> dict:
    """Users -> app (1 ms, constant) -> db (``db_ms``), every wire without latency; ``edge_params`` on app -> db."""
    return document(
        [
            node("users", "client", rate_rps=RATE),
            node("app", "app_server", workers=1000, service_ms=1, service_dist="constant"),
            node("db", "database", workers=1000, read_ms=db_ms, write_ms=db_ms, service_dist=dist),
        ],
        [edge("users", "app", latency_ms=0), edge("app", "db", latency_ms=0, **edge_params)],
        duration=duration,
        events=list(events),
    )


def test_calls_slower_than_the_timeout_all_time_out_against_the_target():
    results = run(shop(db_ms=100, timeout_ms=50))
    db, figures = results["nodes"]["db"], results["edges"]["app->db"]
    assert figures["calls"] == figures["failed"] == db["failures"]["timed_out"] > RATE * 19
    assert figures["short_circuited"] == figures["breaker_opened"] == 0
    assert results["requests"]["ok"] == 0
    assert results["requests"]["timed_out"] == results["requests"]["failed"] == results["requests"]["total"]


def test_calls_faster_than_the_timeout_are_untouched():
    guarded, plain = run(shop(db_ms=40, timeout_ms=50)), run(shop(db_ms=40))
    assert guarded["edges"]["app->db"]["failed"] == 0
    assert guarded["requests"] == plain["requests"]
    assert guarded["latency_ms"] == plain["latency_ms"]


def test_the_share_of_calls_timing_out_is_the_chance_a_service_time_exceeds_the_timeout():
    results = run(shop(db_ms=20, dist="exponential", timeout_ms=30, duration=30))
    figures = results["edges"]["app->db"]
    n, p = figures["calls"], exp(-30 / 20)
    assert abs(figures["failed"] - n * p) <= 3.3 * sqrt(n * p * (1 - p))
    assert results["nodes"]["db"]["failures"]["timed_out"] == figures["failed"]


def test_the_caller_answers_at_the_timeout_and_the_callee_still_does_the_work():
    results = run(shop(db_ms=100, timeout_ms=50))
    app, db = results["nodes"]["app"], results["nodes"]["db"]
    # the app answers 1 ms of service + 50 ms of waiting after each arrival (histogram: within 0.8 %)
    assert abs(app["latency_ms"]["p99"] - 51) <= 0.008 * 51
    assert abs(app["latency_ms"]["mean"] - 51) < 1e-6
    # the database serves every call anyway: 100 ms each, wasted (busy = rate x 0.1 s)
    assert db["completed"] >= db["arrivals"] - RATE * 0.1 - 5
    assert abs(db["utilization"] * 1000 - RATE * 0.1) <= 3.3 * sqrt(RATE * 0.1)


def test_an_edge_timeout_from_the_client_counts_like_the_clients_own_timeout():
    def doc(**params) -> dict:
        return document(
            [
                node("users", "client", rate_rps=RATE, **params.pop("client", {})),
                node("app", "app_server", workers=4, service_ms=10),
            ],
            [edge("users", "app", **params)],
            duration=20,
        )

    on_edge = run(doc(timeout_ms=30))
    on_client = run(doc(client={"timeout_ms": 30}))
    assert on_edge["nodes"]["app"]["failures"] == on_client["nodes"]["app"]["failures"]
    assert on_edge["requests"] == on_client["requests"]
    assert on_edge["requests"]["timed_out"] > 0
    figures = on_edge["edges"]["users->app"]
    assert figures["failed"] == on_edge["requests"]["timed_out"]
    assert figures["calls"] == on_edge["requests"]["total"]


def test_a_call_lost_on_a_partitioned_edge_times_out_after_the_edges_timeout():
    events = [
        {"at_s": 5, "action": "partition", "target": "app->db"},
        {"at_s": 10, "action": "heal", "target": "app->db"},
    ]
    results = run(shop(db_ms=1, timeout_ms=200, events=events, duration=15))
    figures = results["edges"]["app->db"]
    assert abs(figures["failed"] - RATE * 5) <= 3.3 * sqrt(RATE * 5)
    assert results["nodes"]["db"]["failures"]["timed_out"] == figures["failed"]
    assert results["requests"]["timed_out"] == results["requests"]["failed"] == figures["failed"]
    assert abs(results["nodes"]["app"]["latency_ms"]["p99"] - 201) <= 0.008 * 201  # 1 ms + the timeout


def test_edge_figures_are_measured_after_the_warm_up_and_add_up():
    doc = shop(db_ms=20, dist="exponential", timeout_ms=30, duration=20)
    doc["scenario"]["warmup_s"] = 10
    results = run(doc)
    figures = results["edges"]["app->db"]
    assert abs(figures["calls"] - RATE * 10) <= 3.3 * sqrt(RATE * 10) + 10
    # one database call per request: the successes are the requests that succeeded
    # (give or take the requests that straddle the warm-up or the end)
    assert abs((figures["calls"] - figures["failed"]) - results["requests"]["ok"]) <= 30
    assert results["nodes"]["db"]["failures"]["timed_out"] == figures["failed"]


def test_a_document_without_timeouts_or_breakers_reports_no_edges():
    windows: list[dict] = []
    results = run(shop(db_ms=5), on_window=windows.append)
    assert "edges" not in results
    assert windows and all("edges" not in w["window"] for w in windows)


def test_a_window_carries_the_calls_of_an_edge_with_a_timeout_and_no_breaker_state():
    windows: list[dict] = []
    run(shop(db_ms=100, timeout_ms=50, duration=5), on_window=windows.append)
    last = windows[-1]["window"]["edges"]["app->db"]
    assert last["state"] is None and last["short_circuited_rps"] == 0
    assert abs(last["calls_rps"] - RATE) <= 3.3 * sqrt(RATE) and last["failed_rps"] == last["calls_rps"]
    json.dumps(windows)  # plain JSON for the websocket
