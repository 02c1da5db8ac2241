"""Scenario: a run length, a seed, and events at times inside the run, on targets
of the right sort, with params that fit them."""

import pytest

from simulation.format import validate


def with_events(shop: dict, *events: dict) -> dict:
    shop["scenario"]["events"] = list(events)
    return shop


def test_the_warm_up_must_end_before_the_run_does(problem_at, shop):
    shop["scenario"]["warmup_s"] = 30
    problem = problem_at(shop, "scenario", "warmup_s")
    assert str(problem) == "scenario: warmup_s: must be less than duration_s (30) (got 30)"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "must be greater than 0 (got 0)"),
        (-5, "must be greater than 0 (got -5)"),
        (86_401, "must be at most 86,400, the longest run allowed (24 hours) (got 86401)"),
        ("60", "must be a number (got '60')"),
    ],
)
def test_the_duration_must_be_positive_and_at_most_a_day(problem_at, shop, value, message):
    shop["scenario"]["duration_s"] = value
    assert problem_at(shop, "scenario", "duration_s").message == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, "must be at least 0 (got -1)"),
        (1.5, "must be an integer (got 1.5)"),
        (True, "must be an integer (got true)"),
    ],
)
def test_the_seed_must_be_a_non_negative_integer(problem_at, shop, value, message):
    shop["scenario"]["seed"] = value
    assert problem_at(shop, "scenario", "seed").message == message


def test_unknown_scenario_keys_are_refused(problem_at, shop):
    shop["scenario"]["speed"] = 10
    assert problem_at(shop, "scenario", "speed").message == (
        "unknown key 'speed' for the scenario; known: duration_s, warmup_s, seed, events"
    )


def test_a_scenario_that_is_not_an_object_is_refused(problem_at, shop):
    shop["scenario"] = [1]
    assert problem_at(shop, "scenario", "").message.endswith("(got a list)")


def test_events_that_are_not_a_list_are_refused(problem_at, shop):
    shop["scenario"]["events"] = {"at_s": 1}
    assert problem_at(shop, "scenario", "events").message == "must be a list of events (got an object)"


@pytest.mark.parametrize("at_s", [-1, 31])
def test_an_event_outside_the_run_is_refused(problem_at, shop, at_s):
    with_events(
        shop,
        {"at_s": 1, "action": "fail", "target": "app1"},
        {"at_s": at_s, "action": "fail", "target": "app1"},
    )
    assert problem_at(shop, "scenario", "events[1].at_s").message == (
        f"must be within the run, from 0 to duration_s (30) (got {at_s})"
    )


def test_events_at_the_very_start_and_end_of_the_run_are_accepted(shop):
    with_events(
        shop,
        {"at_s": 0, "action": "fail", "target": "app1"},
        {"at_s": 30, "action": "recover", "target": "app1"},
    )
    assert validate(shop) == []


def test_an_event_without_a_time_is_refused(problem_at, shop):
    with_events(shop, {"action": "fail", "target": "app1"})
    assert (
        problem_at(shop, "scenario", "events[0].at_s").message == "is required: the time of the event, in s"
    )


def test_an_unknown_action_is_refused_listing_the_actions(problem_at, shop):
    with_events(shop, {"at_s": 1, "action": "explode", "target": "app1"})
    assert problem_at(shop, "scenario", "events[0].action").message == (
        "unknown action 'explode'; known actions: fail, recover, partition, heal, slow, set"
    )


@pytest.mark.parametrize("action", ["fail", "recover", "set"])
def test_node_actions_need_an_existing_node(problem_at, shop, action):
    with_events(shop, {"at_s": 1, "action": action, "target": "ghost", "params": {"rate_rps": 1}})
    assert problem_at(shop, "scenario", "events[0].target").message == (
        f"no node with id 'ghost'; {action} needs a node id"
    )


def test_a_node_action_on_an_edge_says_it_is_an_edge(problem_at, shop):
    with_events(shop, {"at_s": 1, "action": "fail", "target": "lb->app1"})
    assert problem_at(shop, "scenario", "events[0].target").message == (
        "no node with id 'lb->app1' ('lb->app1' is an edge); fail needs a node id"
    )


@pytest.mark.parametrize("action", ["partition", "heal", "slow"])
def test_edge_actions_need_an_existing_edge_id(problem_at, shop, action):
    with_events(shop, {"at_s": 1, "action": action, "target": "app1", "params": {"latency_ms": 5}})
    assert problem_at(shop, "scenario", "events[0].target").message == (
        f"no edge with id 'app1' ('app1' is a node); {action} needs an edge id such as 'source->target'"
    )


def test_an_event_without_a_target_is_refused(problem_at, shop):
    with_events(shop, {"at_s": 1, "action": "fail"})
    assert (
        problem_at(shop, "scenario", "events[0].target").message == "is required: the id of a node or an edge"
    )


def test_slow_needs_a_latency(problem_at, shop):
    with_events(shop, {"at_s": 1, "action": "slow", "target": "lb->app1"})
    problem = problem_at(shop, "scenario", "events[0].params.latency_ms")
    assert problem.edge == "lb->app1"
    assert problem.message == "is required"


def test_slow_refuses_a_negative_latency(problem_at, shop):
    with_events(shop, {"at_s": 1, "action": "slow", "target": "lb->app1", "params": {"latency_ms": -1}})
    assert (
        problem_at(shop, "scenario", "events[0].params.latency_ms").message == "must be at least 0 (got -1)"
    )


def test_fail_takes_no_parameters(problem_at, shop):
    with_events(shop, {"at_s": 1, "action": "fail", "target": "app1", "params": {"hard": True}})
    assert problem_at(shop, "scenario", "events[0].params.hard").message == "fail takes no parameters"


def test_set_params_are_checked_against_the_target_kind(problem_at, shop):
    with_events(shop, {"at_s": 1, "action": "set", "target": "users", "params": {"rate_rps": -5}})
    problem = problem_at(shop, "scenario", "events[0].params.rate_rps")
    assert problem.node == "users"
    assert problem.message == "must be greater than 0 (got -5)"


def test_set_refuses_parameters_the_target_kind_does_not_have(problem_at, shop):
    with_events(shop, {"at_s": 1, "action": "set", "target": "users", "params": {"workers": 4}})
    assert problem_at(shop, "scenario", "events[0].params.workers").message.startswith(
        "unknown parameter 'workers' for kind client; known: rate_rps, arrival,"
    )


def test_set_refuses_parameters_that_change_the_structure(problem_at, shop):
    with_events(shop, {"at_s": 1, "action": "set", "target": "db", "params": {"role": "replica"}})
    assert problem_at(shop, "scenario", "events[0].params.role").message == (
        "cannot be changed by a set event: it changes the topology's structure"
    )


def test_set_needs_at_least_one_parameter(problem_at, shop):
    with_events(shop, {"at_s": 1, "action": "set", "target": "users"})
    assert (
        problem_at(shop, "scenario", "events[0].params").message
        == "set needs at least one parameter to change"
    )


def test_unknown_event_keys_are_refused(problem_at, shop):
    with_events(shop, {"at_s": 1, "action": "fail", "target": "app1", "until_s": 5})
    assert problem_at(shop, "scenario", "events[0].until_s").message == (
        "unknown key 'until_s' for an event; known: at_s, action, target, params"
    )
