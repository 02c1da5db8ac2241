"""Static analysis: unreachable nodes, loops of calls, ends and single points of failure."""

import json

import pytest

from simulation.analysis import analyze
from simulation.format import InvalidDocument, validate
from tests.simulation.helpers import document, edge, node
from tests.simulation.test_cli import call


def shop(*extra_nodes: dict, extra_edges: tuple = ()) -> dict:
    """users -> lb -> app1, app2 -> cache, db (+ an async replica)."""
    return document(
        [
            node("users", "client"),
            node("lb", "load_balancer"),
            node("app1", "app_server"),
            node("app2", "app_server"),
            node("cache", "cache"),
            node("db", "database"),
            node("r1", "database", role="replica"),
            *extra_nodes,
        ],
        [
            edge("users", "lb"),
            edge("lb", "app1"),
            edge("lb", "app2"),
            edge("app1", "cache"),
            edge("app2", "cache"),
            edge("app1", "db"),
            edge("app2", "db"),
            edge("db", "r1", replication="async"),
            *extra_edges,
        ],
    )


def test_a_lone_balancer_and_a_lone_database_are_the_single_points_of_failure():
    result = analyze(shop())
    assert result["single_points_of_failure"] == ["lb", "db"]
    assert result["single_points_of_failure_without_standbys"] == ["lb", "db"]
    assert result["ends"] == ["db"]  # the cache fronts the database: not an end


def test_redundant_app_servers_are_not_single_points_of_failure_but_a_lone_one_is():
    doc = shop()
    doc["edges"] = [e for e in doc["edges"] if e["target"] != "app2" and e["source"] != "app2"]
    assert "app1" in analyze(doc)["single_points_of_failure"]
    assert "app1" not in analyze(shop())["single_points_of_failure"]


def test_standbys_remove_single_points_of_failure_only_with_them_taking_over():
    doc = shop(node("lb2", "load_balancer", standby_for="lb"))
    doc["nodes"][6]["params"]["standby_for"] = "db"  # r1, fed by db
    result = analyze(doc)
    assert result["single_points_of_failure"] == []
    assert result["single_points_of_failure_without_standbys"] == ["lb", "db"]


def test_a_standby_that_reaches_no_end_does_not_remove_the_point_of_failure():
    # lb2 is wired to a server with nothing behind it: taking over, it reaches no database.
    doc = shop(
        node("lb2", "load_balancer", standby_for="lb"),
        node("lonely", "app_server"),
        extra_edges=(edge("lb2", "lonely"),),
    )
    assert "lb" in analyze(doc)["single_points_of_failure"]
    doc["edges"].append(edge("lonely", "db"))
    assert "lb" not in analyze(doc)["single_points_of_failure"]


def test_sharded_databases_are_each_not_a_single_point_of_failure():
    doc = document(
        [
            node("users", "client"),
            node("app", "app_server"),
            node("db1", "database"),
            node("db2", "database"),
        ],
        [edge("users", "app"), edge("app", "db1"), edge("app", "db2")],
    )
    result = analyze(doc)
    assert result["ends"] == ["db1", "db2"]
    assert result["single_points_of_failure"] == ["app"]


def test_queues_and_workers_lead_to_their_ends():
    doc = document(
        [node("users", "client"), node("app", "app_server"), node("jobs", "queue"), node("w", "worker")],
        [edge("users", "app"), edge("app", "jobs"), edge("jobs", "w")],
    )
    result = analyze(doc)
    assert result["ends"] == ["w"]
    assert result["single_points_of_failure"] == ["app", "jobs", "w"]


def test_nodes_no_client_reaches_are_unreachable_but_replicas_and_standbys_are_not():
    doc = shop(
        node("orphan", "app_server"),
        node("spare", "app_server", standby_for="app1"),
        extra_edges=(edge("orphan", "db"),),
    )
    assert analyze(doc)["unreachable"] == ["orphan"]


def test_loops_of_calls_are_reported_by_analysis_and_refused_by_validation():
    doc = shop(
        node("svc", "app_server"),
        extra_edges=(edge("app1", "svc"), edge("svc", "lb")),
    )
    result = analyze(doc)
    assert result["loops"] == [["lb", "app1", "svc"]]
    assert any(p.message.startswith("closes a loop of calls") for p in validate(doc))


def test_master_master_replication_is_not_a_loop():
    doc = shop(node("db2", "database"), extra_edges=(edge("db", "db2", replication="async"),
                                                      edge("db2", "db", replication="async")))  # fmt: skip
    assert analyze(doc)["loops"] == []


def test_a_document_with_other_problems_is_refused():
    doc = shop()
    doc["nodes"][1]["params"]["algorithm"] = "telepathy"
    with pytest.raises(InvalidDocument):
        analyze(doc)


def test_python_m_simulation_analyze_prints_json(capsys, tmp_path):
    path = tmp_path / "shop.json"
    path.write_text(json.dumps(shop()))
    status, out, err = call(capsys, "analyze", str(path))
    assert status == 0 and err == ""
    assert json.loads(out)["single_points_of_failure"] == ["lb", "db"]


def test_python_m_simulation_analyze_exits_2_on_a_bad_document(capsys, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": 1, "nodes": [{"id": "a", "kind": "teleporter"}]}))
    status, out, err = call(capsys, "analyze", str(path))
    assert status == 2 and out == "" and "unknown kind 'teleporter'" in err


def test_analyze_is_listed_in_the_help(capsys):
    status, out, _ = call(capsys, "--help")
    assert status == 0 and "analyze" in out and "presets" in out


def test_systems_drawn_side_by_side_are_judged_each_on_its_own():
    one = shop()
    other = shop()
    for n in other["nodes"]:
        n["id"] += "-2"
    for e in other["edges"]:
        e["source"] += "-2"
        e["target"] += "-2"
    both = document(one["nodes"] + other["nodes"], one["edges"] + other["edges"])
    assert analyze(both)["single_points_of_failure"] == ["lb", "db", "lb-2", "db-2"]
