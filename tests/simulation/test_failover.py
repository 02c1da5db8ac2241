"""Failover: a standby takes over after missed heartbeats (plus start-up when cold).

The figures come from the mechanism. A failure at a whole second falls on a
heartbeat, so it is detected exactly ``missed_heartbeats * heartbeat_ms`` later,
and a cold standby serves ``startup_s`` after that. Every request that reaches
the dead database in between fails: a Poisson count of mean rate x outage, plus
the few the database held when it failed (rate x its service time). Tolerances
are 3.3 standard deviations of that Poisson count (99.9 %).
"""

from math import sqrt

from simulation import run
from tests.simulation.helpers import document, edge, node

RATE = 400.0
DB_SERVICE_S = 0.002  # constant read and write time: what the database holds at a failure


def protected_database(
    standby: str = "hot",
    replication: str = "async",
    *,
    lag_ms: float = 500,
    read_from: str = "primary",
    fail_at: float | None = 10,
    recover_at: float | None = None,
    duration: float = 30,
    seed: int = 1,
) -> dict:
    db = {"workers": 64, "read_ms": 2, "write_ms": 2, "service_dist": "constant"}
    events = []
    if fail_at is not None:
        events.append({"at_s": fail_at, "action": "fail", "target": "db"})
    if recover_at is not None:
        events.append({"at_s": recover_at, "action": "recover", "target": "db"})
    return document(
        [
            node("users", "client", rate_rps=RATE, read_ratio=0.5),
            node("app", "app_server", workers=64, service_ms=1),
            node("db", "database", read_from=read_from, **db),
            node("spare", "database", role="replica", standby_for="db", standby=standby, startup_s=5, **db),
        ],
        [
            edge("users", "app"),
            edge("app", "db"),
            edge("db", "spare", replication=replication, lag_ms=lag_ms),
        ],
        duration=duration,
        seed=seed,
        events=events,
    )


def within_poisson(count: int, mean: float) -> bool:
    return abs(count - mean) <= 3.3 * sqrt(mean)


def test_a_hot_standby_takes_over_after_the_missed_heartbeats():
    results = run(protected_database("hot"))
    (failover,) = results["failovers"]
    assert failover["failed"] == "db" and failover["standby"] == "spare"
    assert failover["failed_at_s"] == 10 and failover["detected_at_s"] == 11.5  # 3 x 500 ms
    assert failover["took_over_at_s"] == 11.5 and failover["rto_s"] == 1.5
    assert results["nodes"]["db"]["downtime_s"] == 1.5


def test_hot_failover_loses_about_rate_times_detection_time_of_requests():
    results = run(protected_database("hot"))
    expected = RATE * (3 * 0.5 + DB_SERVICE_S)
    assert within_poisson(results["requests"]["failed"], expected), results["requests"]


def test_a_cold_standby_adds_its_start_up_time_to_the_outage():
    hot, cold = run(protected_database("hot")), run(protected_database("cold"))
    assert cold["failovers"][0]["rto_s"] == hot["failovers"][0]["rto_s"] + 5
    assert cold["nodes"]["db"]["downtime_s"] == 1.5 + 5
    assert within_poisson(cold["requests"]["failed"], RATE * (1.5 + 5 + DB_SERVICE_S)), cold["requests"]


def test_a_failure_between_heartbeats_is_detected_at_the_missed_heartbeat_that_completes_the_count():
    results = run(protected_database("hot", fail_at=10.2))
    # heartbeats at every 0.5 s: the last one sent at 10.0, then 10.5, 11.0 and 11.5 missed
    assert results["failovers"][0]["detected_at_s"] == 11.5
    assert results["failovers"][0]["rto_s"] == 1.3


def test_a_node_back_before_it_is_declared_dead_keeps_its_place():
    results = run(protected_database("hot", fail_at=10, recover_at=11))
    assert results["failovers"] == []
    assert results["lost_writes"] == 0
    assert results["nodes"]["spare"]["arrivals"] == 0  # reads stay on the primary
    assert results["nodes"]["db"]["downtime_s"] == 1


def test_an_async_standby_loses_the_writes_it_had_not_applied():
    # The writes in flight to the replica form an M/G/inf backlog: Poisson with mean
    # write rate x mean lag (Little), cut off when the primary dies.
    results = run(protected_database("hot", "async", lag_ms=500))
    lost = results["failovers"][0]["lost_writes"]
    assert lost == results["lost_writes"]
    assert within_poisson(lost, RATE * 0.5 * 0.5)


def test_sync_replication_loses_no_write_and_serves_no_stale_read_async_does_both():
    sync = run(protected_database("hot", "sync", read_from="replicas"))
    asynchronous = run(protected_database("hot", "async", read_from="replicas"))
    assert sync["lost_writes"] == 0 and sync["stale_reads"] == 0
    assert sync["failovers"][0]["lost_writes"] == 0
    assert asynchronous["lost_writes"] > 0 and asynchronous["stale_reads"] > 0


def test_the_promoted_standby_takes_the_writes_and_the_reads():
    results = run(protected_database("hot"))
    spare = results["nodes"]["spare"]
    # every request after the takeover: both reads and writes (the app's wire now leads here)
    assert within_poisson(spare["arrivals"], RATE * (30 - 11.5))
    assert results["nodes"]["db"]["arrivals"] < RATE * 10.1


def test_no_failure_means_no_failover_and_an_idle_standby():
    results = run(protected_database("hot", fail_at=None, duration=10))
    assert results["failovers"] == [] and results["requests"]["failed"] == 0


def balanced_apps(*, standby: bool, duration: float = 20, events=None) -> dict:
    nodes = [
        node("users", "client", rate_rps=RATE),
        node("lb", "load_balancer", algorithm="round_robin"),
        node("app1", "app_server", workers=32, service_ms=2),
        node("app2", "app_server", workers=32, service_ms=2, **({"standby_for": "app1"} if standby else {})),
    ]
    edges = [edge("users", "lb"), edge("lb", "app1"), edge("lb", "app2")]
    return document(nodes, edges, duration=duration, events=events or [])


def test_a_standby_behind_a_balancer_gets_no_traffic_before_it_takes_over():
    quiet = run(balanced_apps(standby=True))
    assert quiet["nodes"]["app2"]["arrivals"] == 0
    assert quiet["nodes"]["lb"]["targets"]["app2"] == 0
    failing = run(balanced_apps(standby=True, events=[{"at_s": 10, "action": "fail", "target": "app1"}]))
    assert within_poisson(failing["nodes"]["app2"]["arrivals"], RATE * (20 - 11.5))


def test_active_active_loses_only_what_reaches_the_dead_server_until_health_checks_catch_it():
    # Round robin sends every other request to app1; the balancer marks it unhealthy at the
    # third failed check (10, 11, 12 s): about half of 2 s of traffic fails.
    results = run(balanced_apps(standby=False, events=[{"at_s": 10, "action": "fail", "target": "app1"}]))
    failed = results["requests"]["failed"]
    assert abs(failed - RATE * 2 / 2) <= 3.3 * sqrt(RATE * 2) / 2 + 1, failed
    assert results["failovers"] == []


def lone_balancer(*, standby: bool) -> dict:
    nodes = [
        node("users", "client", rate_rps=RATE),
        node("lb", "load_balancer"),
        node("app1", "app_server", workers=32, service_ms=2),
        node("app2", "app_server", workers=32, service_ms=2),
    ]
    if standby:
        nodes.append(node("lb2", "load_balancer", standby_for="lb"))  # no wires: borrows lb's
    edges = [edge("users", "lb"), edge("lb", "app1"), edge("lb", "app2")]
    return document(nodes, edges, duration=30, events=[{"at_s": 10, "action": "fail", "target": "lb"}])


def test_a_load_balancer_that_dies_alone_takes_everything_behind_it_down():
    results = run(lone_balancer(standby=False))
    assert within_poisson(results["requests"]["failed"], RATE * 20)
    assert results["nodes"]["lb"]["downtime_s"] == 20


def test_a_standby_load_balancer_removes_that_single_point_of_failure():
    results = run(lone_balancer(standby=True))
    assert results["failovers"][0]["rto_s"] == 1.5
    assert within_poisson(results["requests"]["failed"], RATE * 1.5)
    # lb2 borrowed lb's wires: it spreads the traffic over the same two servers
    targets = results["nodes"]["lb2"]["targets"]
    assert set(targets) == {"app1", "app2"} and abs(targets["app1"] - targets["app2"]) <= 1
    assert within_poisson(sum(targets.values()), RATE * (30 - 11.5))


def test_a_dead_standby_takes_nothing_over():
    doc = protected_database("hot")
    doc["scenario"]["events"].insert(0, {"at_s": 5, "action": "fail", "target": "spare"})
    results = run(doc)
    (failover,) = results["failovers"]
    assert (
        failover["detected_at_s"] == 11.5 and failover["took_over_at_s"] is None and failover["rto_s"] is None
    )
    assert results["nodes"]["db"]["downtime_s"] == 20  # from 10 s to the end: nobody took its place
