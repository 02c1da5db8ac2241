"""Limits: documents too big to run are refused with the limit in the message."""

from simulation import limits
from simulation.format import json_schema, validate


def client_and_server(rate_rps: float, duration_s: float, *events: dict) -> dict:
    return {
        "format": 1,
        "nodes": [
            {"id": "u", "kind": "client", "params": {"rate_rps": rate_rps}},
            {"id": "s", "kind": "app_server"},
        ],
        "edges": [{"source": "u", "target": "s"}],
        "scenario": {"duration_s": duration_s, "events": list(events)},
    }


def test_more_than_500_nodes_are_refused(problem_at):
    document = {"format": 1, "nodes": [{"id": f"q{i}", "kind": "queue"} for i in range(501)]}
    assert problem_at(document, "document", "nodes").message == "has 501 nodes; the limit is 500 per topology"


def test_500_nodes_are_accepted():
    assert validate({"format": 1, "nodes": [{"id": f"s{i}", "kind": "app_server"} for i in range(500)]}) == []


def test_more_than_2000_edges_are_refused(problem_at):
    document = {
        "format": 1,
        "nodes": [{"id": "a", "kind": "app_server"}, {"id": "b", "kind": "app_server"}],
        "edges": [{"id": f"e{i}", "source": "a", "target": "b"} for i in range(2001)],
    }
    assert (
        problem_at(document, "document", "edges").message
        == "has 2,001 edges; the limit is 2,000 per topology"
    )


def test_more_than_1000_events_are_refused(problem_at):
    document = client_and_server(1, 60, *[{"at_s": 1, "action": "fail", "target": "s"}] * 1001)
    assert (
        problem_at(document, "scenario", "events").message == "has 1,001 events; the limit is 1,000 per run"
    )


def test_a_run_expected_to_exceed_50_million_requests_is_refused(problem_at):
    problem = problem_at(client_and_server(1_000, 50_001), "scenario", "duration_s")
    assert problem.message == (
        "the clients would send about 50,001,000 requests (rate_rps x time, summed over clients); "
        "the limit is 50,000,000 per run: shorten duration_s or lower rate_rps"
    )


def test_a_run_of_exactly_50_million_requests_is_accepted():
    assert validate(client_and_server(1_000, 50_000)) == []


def test_expected_requests_follow_set_events_that_change_the_rate(problem_at):
    # 10 s at 1,000,000 rps, then 70 s at 10 rps: about 10 million, accepted.
    lowered = {"at_s": 10, "action": "set", "target": "u", "params": {"rate_rps": 10}}
    assert validate(client_and_server(1_000_000, 80, lowered)) == []
    # 70 s at 10 rps, then 10 s at 1,000,000 rps: the same, accepted; 60 s at full rate is not.
    raised = {"at_s": 70, "action": "set", "target": "u", "params": {"rate_rps": 1_000_000}}
    assert validate(client_and_server(10, 80, raised)) == []
    raised_early = {"at_s": 20, "action": "set", "target": "u", "params": {"rate_rps": 1_000_000}}
    assert (
        "60,000,200 requests"
        in problem_at(client_and_server(10, 80, raised_early), "scenario", "duration_s").message
    )


def test_the_schema_publishes_the_limits():
    assert json_schema()["x-limits"] == limits.as_dict()
    assert json_schema()["x-limits"]["max_nodes"] == 500
    assert json_schema()["x-limits"]["max_expected_requests"] == 50_000_000
