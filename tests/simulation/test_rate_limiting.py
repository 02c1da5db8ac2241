"""A load balancer's rate limit: a token bucket that passes min(offered, limit), plus its burst.

Over a run of T seconds a bucket of ``burst`` tokens refilled at ``limit`` per
second lets through at most limit x T + burst requests, and exactly that many
when the offered load stays above the limit (a constant client makes the count
exact). Every request it turns away is answered 429 (throttled) and counted
three times over, consistently: by the balancer, by its client, and in the
run's totals.
"""

import json
from math import sqrt

import pytest

from simulation import run, validate
from simulation.components.load_balancer import LoadBalancer
from tests.simulation.helpers import document, edge, node
from tests.simulation.test_cli import call


def gateway(rate, *, limit=300, burst=None, arrival="constant", duration=20, events=None, **client) -> dict:
    """A client at ``rate`` rps through a limited balancer to a server that never turns anything away."""
    lb = {"rate_limit_rps": limit}
    if burst is not None:
        lb["rate_limit_burst"] = burst
    return document(
        [
            node("users", "client", rate_rps=rate, arrival=arrival, **client),
            node("lb", "load_balancer", **lb),
            node("app", "app_server", workers=512, service_ms=1, service_dist="constant"),
        ],
        [edge("users", "lb", latency_ms=0), edge("lb", "app", latency_ms=0)],
        duration=duration,
        events=events,
    )


def passed(results: dict) -> int:
    return results["nodes"]["lb"]["targets"]["app"]


def test_a_bucket_under_a_steady_overload_passes_the_limit_plus_the_burst():
    results = run(gateway(1000, limit=300, burst=50))
    assert abs(passed(results) - (300 * 20 + 50)) <= 1
    assert results["nodes"]["lb"]["failures"]["throttled"] == results["requests"]["total"] - passed(results)


def test_the_default_burst_is_one_seconds_worth():
    assert abs(passed(run(gateway(1000, limit=300))) - (300 * 20 + 300)) <= 1


def test_a_load_under_the_limit_passes_whole():
    results = run(gateway(200, limit=300, burst=1))
    assert results["nodes"]["lb"]["failures"]["throttled"] == 0
    assert passed(results) == results["requests"]["total"] == results["requests"]["ok"]


def test_a_poisson_load_over_the_limit_passes_the_limit_and_never_more_than_limit_plus_burst():
    results = run(gateway(1000, limit=300, burst=100, arrival="poisson", duration=30))
    assert 300 * 30 - 3.3 * sqrt(300 * 30) <= passed(results) <= 300 * 30 + 100


def test_a_poisson_load_near_the_limit_passes_min_of_offered_and_limit():
    # offered 250 under a 300 limit: nearly all pass; the bucket only clips the rare bursts
    results = run(gateway(250, limit=300, burst=300, arrival="poisson", duration=30))
    assert results["nodes"]["lb"]["failures"]["throttled"] <= 0.001 * results["requests"]["total"]


def test_each_second_of_a_steady_overload_passes_the_limit():
    windows: list[dict] = []
    run(gateway(1000, limit=300, burst=50), on_window=windows.append)
    counts = [w["window"]["nodes"]["app"]["arrivals_rps"] for w in windows]
    assert abs(counts[0] - 350) <= 1  # the full bucket first
    assert all(abs(c - 300) <= 1 for c in counts[1:])


def test_throttled_counts_add_up_across_balancer_client_and_run():
    results = run(gateway(800, limit=200, arrival="poisson"))
    lb, client = results["nodes"]["lb"], results["clients"]["users"]["requests"]
    throttled = lb["failures"]["throttled"]
    assert throttled > 0
    assert results["requests"]["throttled"] == client["throttled"] == throttled
    assert client["failed"] == throttled  # no retries: each throttled attempt is a failed request
    assert lb["arrivals"] == passed(results) + throttled
    assert client["ok"] + client["failed"] == client["total"] == results["requests"]["total"]


def test_a_client_retries_a_throttled_request_like_a_rejected_one():
    # 280 rps of Poisson traffic against 300 rps with a small bucket: some bursts are throttled,
    # and a retry 50 ms later nearly always finds a token
    once = run(gateway(280, limit=300, burst=5, arrival="poisson"))
    retried = run(gateway(280, limit=300, burst=5, arrival="poisson", max_retries=3, retry_backoff_ms=50))
    requests = retried["requests"]
    assert requests["retries"] > 0 and requests["rejected"] == 0
    # every throttled attempt is followed by a retry, except the last of a request that fails
    assert requests["throttled"] == requests["retries"] + requests["failed"]
    assert once["requests"]["failed"] > 100 and requests["failed"] < once["requests"]["failed"] / 10


def test_the_windows_count_a_429_as_an_error_at_the_balancer():
    windows: list[dict] = []
    run(gateway(1000, limit=300, burst=5), on_window=windows.append)
    lb = windows[5]["window"]["nodes"]["lb"]
    assert abs(lb["errors_rps"] - 700) <= 1 and abs(lb["error_ratio"] - 0.7) < 0.01


def test_a_set_changes_the_limit_and_null_removes_it():
    events = [
        {"at_s": 10, "action": "set", "target": "lb", "params": {"rate_limit_rps": 600}},
        {"at_s": 15, "action": "set", "target": "lb", "params": {"rate_limit_rps": None}},
    ]
    windows: list[dict] = []
    run(gateway(1000, limit=300, burst=5, events=events), on_window=windows.append)
    counts = [w["window"]["nodes"]["app"]["arrivals_rps"] for w in windows]
    assert all(abs(c - 300) <= 1 for c in counts[1:10])
    assert all(abs(c - 600) <= 1 for c in counts[11:15])
    assert all(abs(c - 1000) <= 1 for c in counts[16:])


def test_a_limit_set_during_the_run_on_an_open_balancer_takes_effect():
    doc = gateway(
        1000,
        duration=20,
        events=[{"at_s": 10, "action": "set", "target": "lb", "params": {"rate_limit_rps": 100}}],
    )
    doc["nodes"][1]["params"] = {}
    results = run(doc)
    # 10 s of everything, the bucket's 100 tokens, then 100 rps for 10 s
    assert abs(passed(results) - (1000 * 10 + 100 + 100 * 10)) <= 2


def test_a_dead_balancer_refuses_rather_than_throttles():
    events = [{"at_s": 5, "action": "fail", "target": "lb"}]
    results = run(gateway(1000, limit=300, events=events, duration=10))
    lb = results["nodes"]["lb"]["failures"]
    assert lb["refused"] > 4000 and abs(lb["throttled"] - (5 * 1000 - 5 * 300 - 300)) <= 1


def test_a_balancer_without_a_limit_runs_the_plain_path_and_reports_no_throttling():
    doc = gateway(100)
    doc["nodes"][1]["params"] = {}
    results = run(doc)
    assert "throttled" not in results["nodes"]["lb"]["failures"]
    assert results["requests"]["throttled"] == 0
    assert "arrive" not in vars(LoadBalancer.__new__(LoadBalancer))


# -- bad input -------------------------------------------------------------------------

BAD = [
    ("rate_limit_rps", 0, "must be greater than 0"),
    ("rate_limit_rps", -5, "must be greater than 0"),
    ("rate_limit_rps", 2_000_000, "must be at most 1,000,000"),
    ("rate_limit_rps", "fast", "must be a number or null"),
    ("rate_limit_burst", 0.5, "must be at least 1"),
    ("rate_limit_burst", 2_000_000, "must be at most 1,000,000"),
    ("rate_limit_burst", True, "must be a number or null"),
]


@pytest.mark.parametrize(("name", "value", "words"), BAD)
def test_a_bad_limit_gets_a_message_naming_the_node_and_the_field(name, value, words):
    doc = gateway(100)
    doc["nodes"][1]["params"][name] = value
    problems = validate(doc)
    assert len(problems) == 1, problems
    assert problems[0].node == "lb" and problems[0].field == f"params.{name}"
    assert words in problems[0].message


def test_python_m_simulation_validate_names_a_bad_limit(tmp_path, capsys):
    doc = gateway(100, limit=-1)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    status, out, err = call(capsys, "validate", str(path))
    assert status == 2 and "node 'lb': params.rate_limit_rps: must be greater than 0" in out + err
