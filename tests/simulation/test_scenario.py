"""Scenario behaviour: warm-up, `set` events, queues with workers and back pressure, clients."""

from simulation import run
from tests.simulation.helpers import document, edge, node, windows_of


def constant_client(rate=100, **params):
    return node("users", "client", rate_rps=rate, arrival="constant", **params)


def test_warm_up_is_excluded_from_the_results():
    doc = document(
        [constant_client(), node("app", "app_server")], [edge("users", "app")], duration=10, warmup=4
    )
    results = run(doc)
    # 100 constant arrivals a second; only those first sent in [4, 10) count.
    assert abs(results["nodes"]["users"]["sent"] - 600) <= 1
    assert abs(results["requests"]["total"] - 600) <= 2
    assert abs(results["throughput_rps"] - 100) <= 0.5
    assert abs(results["nodes"]["app"]["arrivals"] - 600) <= 1


def test_windows_cover_the_warm_up_too():
    doc = document(
        [constant_client(), node("app", "app_server")], [edge("users", "app")], duration=10, warmup=4
    )
    _, windows = windows_of(doc)
    assert [w["t_s"] for w in windows] == list(range(1, 11))
    assert windows[0]["window"]["requests_rps"] > 90


def test_a_set_event_changes_the_client_rate_from_then_on():
    doc = document(
        [constant_client(), node("app", "app_server", workers=64)],
        [edge("users", "app")],
        duration=10,
        events=[{"at_s": 5, "action": "set", "target": "users", "params": {"rate_rps": 300}}],
    )
    _, windows = windows_of(doc)
    rates = {w["t_s"]: w["window"]["requests_rps"] for w in windows}
    assert all(abs(rates[t] - 100) <= 1 for t in range(2, 6))
    assert all(abs(rates[t] - 300) <= 1 for t in range(7, 11))


def test_a_set_event_adding_workers_drains_the_queue():
    doc = document(
        [
            constant_client(rate=150),
            node("app", "app_server", workers=1, service_ms=10, service_dist="constant"),
        ],
        [edge("users", "app", latency_ms=0)],
        duration=20,
        events=[{"at_s": 10, "action": "set", "target": "app", "params": {"workers": 4}}],
    )
    _, windows = windows_of(doc)
    queue = {w["t_s"]: w["window"]["nodes"]["app"]["queue_len"] for w in windows}
    assert queue[10] > 100  # 150 a second into a server for 100: the queue grows
    assert queue[20] < 1


def test_a_constant_service_makes_a_deterministic_latency():
    doc = document(
        [constant_client(rate=10), node("app", "app_server", service_ms=7, service_dist="constant")],
        [edge("users", "app", latency_ms=1.5)],
        duration=5,
    )
    latency = run(doc)["latency_ms"]
    assert abs(latency["p50"] - 10) <= 10 * 0.008 and abs(latency["max"] - 10) < 1e-6


def test_lognormal_service_keeps_its_mean():
    doc = document(
        [
            node("users", "client", rate_rps=50),
            node("app", "app_server", workers=1000, service_ms=10, service_dist="lognormal", service_cv=2.0),
        ],
        [edge("users", "app", latency_ms=0)],
        duration=200,
    )
    results = run(doc)
    n = results["requests"]["ok"]
    # Infinite servers: latency = service time; the mean of n draws with sd = cv * mean.
    assert abs(results["latency_ms"]["mean"] - 10) <= 3.3 * 2.0 * 10 / n**0.5
    assert results["latency_ms"]["p99"] > 50  # a long right tail


def test_cpu_speed_divides_the_service_time():
    def mean(speed):
        doc = document(
            [
                constant_client(rate=10),
                node("app", "app_server", service_ms=20, service_dist="constant", cpu_speed=speed),
            ],
            [edge("users", "app", latency_ms=0)],
            duration=5,
        )
        return run(doc)["latency_ms"]["mean"]

    assert abs(mean(1.0) - 20) < 1e-3 and abs(mean(2.0) - 10) < 1e-3


def queued(capacity, worker_ms=100, rate=50, duration=30):
    return document(
        [
            node("users", "client", rate_rps=rate, read_ratio=0.0),
            node("app", "app_server", workers=16, service_ms=2),
            node("jobs", "queue", capacity=capacity),
            node("mailer", "worker", workers=1, service_ms=worker_ms),
            node("db", "database"),
        ],
        [edge("users", "app"), edge("app", "jobs"), edge("jobs", "mailer"), edge("mailer", "db")],
        duration=duration,
    )


def test_a_full_queue_rejects_writes_back_pressure():
    results = run(queued(capacity=10))
    jobs = results["nodes"]["jobs"]
    assert jobs["rejected"] > 0 and jobs["queue_max"] == 10
    assert results["requests"]["rejected"] == jobs["rejected"]
    assert results["nodes"]["mailer"]["utilization"] > 0.95


def test_an_unbounded_queue_accepts_everything_and_grows():
    results = run(queued(capacity=None))
    assert results["nodes"]["jobs"]["rejected"] == 0
    assert results["requests"]["failed"] == 0
    assert results["nodes"]["jobs"]["queue_max"] > 1000  # 50 a second in, 10 a second out


def test_a_queue_acknowledges_at_once_and_workers_write_to_the_database():
    results = run(queued(capacity=None, worker_ms=10, rate=20))
    # The client waits for the app and the enqueue only, not for the worker.
    assert results["latency_ms"]["p99"] < 20
    assert abs(results["nodes"]["db"]["arrivals"] - results["nodes"]["mailer"]["completed"]) <= 1
    assert results["lost_writes"] == 0


def test_a_failed_queue_loses_the_jobs_it_held():
    doc = queued(capacity=None)
    doc["scenario"]["events"] = [{"at_s": 10, "action": "fail", "target": "jobs"}]
    results = run(doc)
    assert results["lost_writes"] > 300  # about 40 a second had piled up for 10 s


def test_zipf_keys_make_a_small_cache_hit_often():
    def hit_ratio(distribution):
        doc = document(
            [
                node(
                    "users",
                    "client",
                    rate_rps=500,
                    read_ratio=1.0,
                    key_count=10000,
                    key_distribution=distribution,
                    zipf_s=1.0,
                ),
                node("app", "app_server", workers=32),
                node("cache", "cache", capacity=500),
                node("db", "database"),
            ],
            [edge("users", "app"), edge("app", "cache"), edge("app", "db")],
            duration=30,
            warmup=5,
        )
        return run(doc)["nodes"]["cache"]["hit_ratio"]

    assert hit_ratio("uniform") < 0.07  # 500 / 10000, give or take
    assert hit_ratio("zipf") > 0.5  # the 500 hottest of 10000 Zipf(1) keys take most reads
