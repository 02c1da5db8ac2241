"""N+1: one standby for several nodes of one kind takes the place of the first to fail, then is used up."""

import pytest

from simulation import run
from simulation.analysis import analyze
from simulation.format import validate
from tests.simulation.helpers import document, edge, node


def farm(events: list, spare: dict | None = None) -> dict:
    spare = {"standby_for": ["app1", "app2", "app3"], "heartbeat_ms": 500, "missed_heartbeats": 3} | (
        spare or {}
    )
    return document(
        [
            node("users", "client", rate_rps=300),
            node("lb", "load_balancer", health_check_interval_ms=500, unhealthy_threshold=2),
            node("app1", "app_server"),
            node("app2", "app_server"),
            node("app3", "app_server"),
            node("spare", "app_server", **spare),
        ],
        [
            edge("users", "lb"),
            edge("lb", "app1"),
            edge("lb", "app2"),
            edge("lb", "app3"),
            edge("lb", "spare"),
        ],
        duration=40,
        events=events,
    )


def fail(at: float, target: str) -> dict:
    return {"at_s": at, "action": "fail", "target": target}


def test_the_spare_replaces_the_first_node_to_fail_after_its_missed_heartbeats():
    results = run(farm([fail(10, "app2"), fail(20, "app3")]))
    (failover,) = results["failovers"]
    assert (failover["failed"], failover["standby"]) == ("app2", "spare")
    assert failover["took_over_at_s"] == 10 + 3 * 0.5  # a failure on a heartbeat: f + missed x h
    assert results["nodes"]["spare"]["arrivals"] > 0


def test_it_is_then_used_up_a_second_failure_finds_no_standby():
    results = run(farm([fail(10, "app2"), fail(20, "app3")]))
    assert [f["failed"] for f in results["failovers"]] == ["app2"]
    assert results["nodes"]["app3"]["downtime_s"] == pytest.approx(
        20
    )  # down from 20 s to the end, unreplaced


def test_a_node_back_before_it_is_declared_dead_frees_the_spare_for_the_next():
    events = [fail(10, "app1"), {"at_s": 10.5, "action": "recover", "target": "app1"}, fail(20, "app3")]
    results = run(farm(events))
    assert [(f["failed"], f["took_over_at_s"]) for f in results["failovers"]] == [("app3", 21.5)]


def test_a_spare_without_wires_borrows_those_of_the_node_it_replaces():
    doc = document(
        [
            node("users", "client", rate_rps=100),
            node("app1", "app_server"),
            node("db1", "database"),
            node("app2", "app_server"),
            node("db2", "database"),
            node("users2", "client", rate_rps=100),
            node("spare", "app_server", standby_for=["app1", "app2"]),
        ],
        [edge("users", "app1"), edge("app1", "db1"), edge("users2", "app2"), edge("app2", "db2")],
        duration=20,
        events=[fail(5, "app2")],
    )
    results = run(doc)
    assert results["failovers"][0]["standby"] == "spare"
    # after the takeover the spare calls app2's database, not app1's: db2 hears from app2 and the spare
    nodes = results["nodes"]
    assert nodes["spare"]["arrivals"] > 0
    calls = nodes["app2"]["arrivals"] + nodes["spare"]["arrivals"]
    assert nodes["db2"]["arrivals"] == pytest.approx(calls, rel=0.02)
    assert nodes["db1"]["arrivals"] == pytest.approx(nodes["app1"]["arrivals"], rel=0.02)
    assert results["clients"]["users2"]["availability"] > 0.7


def test_analysis_counts_a_spare_as_each_of_its_nodes_standby():
    notes = analyze(farm([]))
    assert not {"app1", "app2", "app3"} & set(notes["single_points_of_failure"])


@pytest.mark.parametrize(
    ("standby_for", "words"),
    [
        ([], "lists no node"),
        (["app1", "app1"], "names a node twice"),
        (["app1", "lb"], "'lb' is of kind load_balancer; a standby must be of the same kind"),
        (["app1", "nowhere"], "no node with id 'nowhere'"),
        (["app1", 3], "must be a string, a list of them, or null"),
        (5, "must be a string, a list of them, or null (got 5)"),
    ],
)
def test_a_bad_standby_list_is_a_problem_naming_the_node_and_the_field(standby_for, words):
    problems = validate(farm([], spare={"standby_for": standby_for}))
    assert [(p.node, p.field) for p in problems] == [("spare", "params.standby_for")]
    assert words in problems[0].message


def test_a_database_standby_protects_one_primary_only():
    doc = document(
        [node("users", "client"), node("app", "app_server"), node("db", "database"),
         node("db2", "database"), node("standby", "database", role="replica", standby_for=["db", "db2"])],
        [edge("users", "app"), edge("app", "db"), edge("db", "standby", replication="async")],
    )  # fmt: skip
    (problem,) = [p for p in validate(doc) if p.node == "standby"]
    assert "name one id, not a list" in problem.message
