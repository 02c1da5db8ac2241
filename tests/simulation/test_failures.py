"""Faults: failed nodes, health checks, timeouts and retries, partitions and slow links."""

from simulation import run
from tests.simulation.helpers import document, edge, node, windows_of


def fail_at(at: float, target: str, recover: float | None = None) -> list[dict]:
    events = [{"at_s": at, "action": "fail", "target": target}]
    if recover is not None:
        events.append({"at_s": recover, "action": "recover", "target": target})
    return events


def test_a_failed_node_refuses_requests_and_counts_its_downtime():
    doc = document(
        [node("users", "client", rate_rps=100), node("app", "app_server")],
        [edge("users", "app")],
        duration=20,
        events=fail_at(5, "app", recover=10),
    )
    results = run(doc)
    app = results["nodes"]["app"]
    assert app["downtime_s"] == 5.0
    assert app["failures"]["refused"] > 0
    assert results["requests"]["failed"] == app["failures"]["refused"]
    assert results["availability"] < 1.0


def test_requests_held_by_a_failing_node_fail_at_once():
    # One slow worker (1 s per request) and a queue: at the failure, the one in
    # service and the waiting ones are all refused in that same instant.
    doc = document(
        [
            node("users", "client", rate_rps=5, arrival="constant"),
            node("app", "app_server", workers=1, service_ms=1000, service_dist="constant"),
        ],
        [edge("users", "app", latency_ms=0)],
        duration=12,
        events=fail_at(10.5, "app"),
    )
    results, windows = windows_of(doc)
    held = results["nodes"]["app"]["failures"]["refused"]
    errors_at_failure = next(w for w in windows if w["t_s"] == 11)["window"]["errors_rps"]
    assert held >= 40  # about 5 arrivals a second for 10 s, one served a second
    assert errors_at_failure >= held - 5  # they fail in the window of the failure, not later


def lb_topology(events, algorithm="round_robin", interval_ms=1000, threshold=3, duration=30):
    return document(
        [
            node("users", "client", rate_rps=100, arrival="constant"),
            node(
                "lb",
                "load_balancer",
                algorithm=algorithm,
                health_check_interval_ms=interval_ms,
                unhealthy_threshold=threshold,
            ),
            node("app1", "app_server"),
            node("app2", "app_server"),
        ],
        [edge("users", "lb"), edge("lb", "app1"), edge("lb", "app2")],
        duration=duration,
        events=events,
    )


def test_health_checks_stop_sending_to_a_dead_target_at_the_threshold_check():
    # Checks every second; app1 dies at 10.2 s; checks at 11, 12, 13 fail: marked at 13.
    results, windows = windows_of(lb_topology(fail_at(10.2, "app1")))
    refused = results["nodes"]["app1"]["failures"]["refused"]
    # Round robin over two targets, 100 constant arrivals a second: half of the 280
    # requests between 10.2 and 13.0 went to app1.
    assert abs(refused - 140) <= 2
    errors = {w["t_s"]: w["window"]["errors_rps"] for w in windows}
    assert errors[11] > 0 and errors[13] > 0 and errors[14] == 0
    assert results["nodes"]["lb"]["targets"]["app2"] > results["nodes"]["lb"]["targets"]["app1"]


def test_a_recovered_target_gets_traffic_again_after_one_good_check():
    events = fail_at(5.5, "app1", recover=12.3)
    _, windows = windows_of(lb_topology(events, duration=20))
    arrivals = {w["t_s"]: w["window"]["nodes"]["app1"]["arrivals_rps"] for w in windows}
    assert arrivals[10] == 0  # marked unhealthy at 8 (checks at 6, 7, 8)
    assert arrivals[13] == 0  # recovered at 12.3, first good check at 13
    assert arrivals[15] > 40


def test_a_target_back_before_the_threshold_is_never_marked():
    results = run(lb_topology(fail_at(10.2, "app1", recover=11.5)))
    # Dead from 10.2 to 11.5: half of 130 requests refused, no longer.
    assert abs(results["nodes"]["app1"]["failures"]["refused"] - 65) <= 2


def test_with_no_healthy_target_the_balancer_refuses():
    doc = lb_topology(fail_at(2, "app1") + fail_at(2, "app2"), duration=10)
    results = run(doc)
    assert results["nodes"]["lb"]["failures"]["refused"] > 0  # after both were marked (at 4 s)
    assert results["requests"]["ok"] < results["requests"]["total"]


def test_a_failed_load_balancer_takes_everything_down():
    results = run(lb_topology(fail_at(5, "lb"), duration=10))
    assert results["nodes"]["lb"]["failures"]["refused"] >= 490
    assert results["requests"]["ok"] <= 510


def slow_server(**client):
    return document(
        [
            node("users", "client", rate_rps=10, arrival="constant", **client),
            node("app", "app_server", workers=1, service_ms=200, service_dist="constant"),
        ],
        [edge("users", "app")],
        duration=30,
    )


def test_timeouts_and_retries_with_backoff_are_counted():
    # Every attempt takes far longer than the timeout: each request times out three times.
    results = run(slow_server(timeout_ms=50, max_retries=2, retry_backoff_ms=10))
    requests = results["requests"]
    assert requests["total"] > 250 and requests["ok"] == 0 and requests["failed"] == requests["total"]
    assert requests["retries"] >= 2 * requests["total"]
    in_flight = requests["retries"] - 2 * requests["total"]  # retried, but not finished at the end
    assert 3 * requests["total"] <= requests["timed_out"] <= 3 * requests["total"] + in_flight + 1
    assert results["nodes"]["app"]["failures"]["timed_out"] == requests["timed_out"]


def test_a_request_answered_after_a_retry_measures_latency_from_the_first_send():
    # An M/M/1 at a quarter load with a 150 ms timeout: about e^-2.25 = 11 % of attempts
    # time out, and most retries succeed. One attempt is never answered later than
    # the timeout, so any success slower than that includes an earlier attempt.
    # (One retry only: with more, the abandoned work can amplify the load enough
    # to tip the server over, as the next test shows.)
    doc = document(
        [
            node("users", "client", rate_rps=5, timeout_ms=150, max_retries=1, retry_backoff_ms=20),
            node("app", "app_server", workers=1, service_ms=50),
        ],
        [edge("users", "app", latency_ms=0)],
        duration=120,
    )
    results = run(doc)
    assert results["requests"]["retries"] > 0
    assert results["availability"] > 0.9
    assert results["latency_ms"]["max"] > 150


def test_timed_out_work_still_loads_the_server_and_retries_can_collapse_it():
    # At half load, the 22 % of attempts that time out are retried while their
    # abandoned work still runs: the extra load tips the server into overload.
    doc = document(
        [
            node("users", "client", rate_rps=10, timeout_ms=150, max_retries=3, retry_backoff_ms=20),
            node("app", "app_server", workers=1, service_ms=50),
        ],
        [edge("users", "app", latency_ms=0)],
        duration=120,
    )
    results = run(doc)
    assert results["nodes"]["app"]["utilization"] > 0.95
    assert results["availability"] < 0.5


def test_retries_with_backoff_turn_503s_into_successes():
    def doc(retries):
        return document(
            [
                node("users", "client", rate_rps=80, max_retries=retries, retry_backoff_ms=50),
                node("app", "app_server", workers=1, service_ms=10, queue_limit=0),
            ],
            [edge("users", "app")],
            duration=60,
        )

    without = run(doc(0))
    with_retries = run(doc(4))
    assert without["requests"]["rejected"] > 0
    assert with_retries["availability"] > without["availability"]


def partitioned(timeout_ms):
    return document(
        [
            node("users", "client", rate_rps=100, arrival="constant", timeout_ms=timeout_ms),
            node("app", "app_server"),
            node("db", "database"),
        ],
        [edge("users", "app"), edge("app", "db")],
        duration=15,
        events=[
            {"at_s": 5, "action": "partition", "target": "app->db"},
            {"at_s": 8, "action": "heal", "target": "app->db"},
        ],
    )


def test_a_partition_makes_callers_wait_for_their_timeout_then_heals():
    results, windows = windows_of(partitioned(timeout_ms=100))
    errors = {w["t_s"]: w["window"]["errors_rps"] for w in windows}
    assert errors[5] == 0 and errors[7] > 90 and errors[10] == 0
    timed_out = results["requests"]["timed_out"]
    assert timed_out > 250  # about the 300 requests sent during the partition
    # The client's timeouts are charged to the node it waited on (app); the app's own
    # lost calls to the database, fewer (its 8 workers were stuck waiting), to the database.
    assert results["nodes"]["app"]["failures"]["timed_out"] == timed_out
    assert 0 < results["nodes"]["db"]["failures"]["timed_out"] < timed_out


def test_a_partition_without_a_timeout_fails_at_once():
    results = run(partitioned(timeout_ms=None))
    assert results["requests"]["timed_out"] == 0
    assert abs(results["requests"]["failed"] - 300) <= 2
    assert results["latency_ms"]["max"] < 1000


def test_a_slow_edge_adds_its_latency_each_way_until_healed():
    doc = document(
        [
            node("users", "client", rate_rps=100),
            node("app", "app_server", service_ms=1, service_dist="constant"),
        ],
        [edge("users", "app", latency_ms=0)],
        duration=10,
        events=[
            {"at_s": 3, "action": "slow", "target": "users->app", "params": {"latency_ms": 50}},
            {"at_s": 6, "action": "heal", "target": "users->app"},
        ],
    )
    _, windows = windows_of(doc)
    p50 = {w["t_s"]: w["window"]["latency_p50_ms"] for w in windows}
    assert abs(p50[2] - 1) < 0.05
    assert abs(p50[5] - 101) < 1
    assert abs(p50[8] - 1) < 0.05
