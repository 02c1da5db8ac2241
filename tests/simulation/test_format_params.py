"""Parameters: every wrong value is refused with the node, the field and the reason."""

import pytest

from simulation.format import KINDS, validate


def lone(kind: str, **params) -> dict:
    return {"format": 1, "nodes": [{"id": "n", "kind": kind, "params": params}]}


@pytest.mark.parametrize(
    ("kind", "name", "value", "message"),
    [
        ("client", "rate_rps", -1, "must be greater than 0 (got -1)"),
        ("client", "rate_rps", 0, "must be greater than 0 (got 0)"),
        (
            "client",
            "rate_rps",
            2_000_000,
            "must be at most 1,000,000, the most one client may send (got 2000000)",
        ),
        ("client", "read_ratio", 1.5, "must be at most 1 (got 1.5)"),
        ("client", "static_ratio", -0.1, "must be at least 0 (got -0.1)"),
        ("client", "zipf_s", 0, "must be greater than 0 (got 0)"),
        ("client", "key_count", 0, "must be at least 1 (got 0)"),
        ("client", "max_retries", -1, "must be at least 0 (got -1)"),
        ("client", "timeout_ms", 0, "must be greater than 0 (got 0)"),
        ("client", "slo_ms", -5, "must be greater than 0 (got -5)"),
        ("dns", "ttl_s", -1, "must be at least 0 (got -1)"),
        ("cdn", "capacity", 0, "must be at least 1 (got 0)"),
        ("load_balancer", "unhealthy_threshold", 0, "must be at least 1 (got 0)"),
        ("load_balancer", "health_check_interval_ms", 0, "must be greater than 0 (got 0)"),
        ("app_server", "workers", 0, "must be at least 1 (got 0)"),
        ("app_server", "workers", 10_001, "must be at most 10,000 (got 10001)"),
        ("app_server", "service_ms", -3, "must be greater than 0 (got -3)"),
        ("app_server", "service_cv", 0, "must be greater than 0 (got 0)"),
        ("app_server", "cpu_speed", 0, "must be greater than 0 (got 0)"),
        ("app_server", "queue_limit", -1, "must be at least 0 (got -1)"),
        ("cache", "capacity", 0, "must be at least 1 (got 0)"),
        ("cache", "refresh_ahead_factor", 1.2, "must be at most 1 (got 1.2)"),
        ("cache", "ttl_s", 0, "must be greater than 0 (got 0)"),
        ("database", "workers", 0, "must be at least 1 (got 0)"),
        ("database", "read_ms", 0, "must be greater than 0 (got 0)"),
        ("queue", "capacity", 0, "must be at least 1 (got 0)"),
        ("worker", "workers", 0, "must be at least 1 (got 0)"),
        ("worker", "service_ms", 0, "must be greater than 0 (got 0)"),
    ],
)
def test_out_of_range_values_are_refused_naming_the_node_and_the_parameter(
    problem_at, kind, name, value, message
):
    problem = problem_at(lone(kind, **{name: value}), "node 'n'", f"params.{name}")
    assert problem.node == "n"
    assert problem.message == message


@pytest.mark.parametrize(
    ("kind", "name", "value", "message"),
    [
        ("app_server", "workers", True, "must be an integer (got true)"),
        ("app_server", "workers", 8.5, "must be an integer (got 8.5)"),
        ("app_server", "workers", "8", "must be an integer (got '8')"),
        ("app_server", "queue_limit", False, "must be an integer or null (got false)"),
        ("client", "rate_rps", "100", "must be a number (got '100')"),
        ("client", "rate_rps", True, "must be a number (got true)"),
        ("client", "rate_rps", float("nan"), "must be a finite number (got NaN)"),
        ("client", "timeout_ms", "soon", "must be a number or null (got 'soon')"),
        ("database", "standby_for", 7, "must be a string, a list of them, or null (got 7)"),
    ],
)
def test_values_of_the_wrong_type_are_refused_and_bool_is_not_a_number(
    problem_at, kind, name, value, message
):
    assert problem_at(lone(kind, **{name: value}), "node 'n'", f"params.{name}").message == message


@pytest.mark.parametrize(
    ("kind", "name", "value", "message"),
    [
        ("client", "arrival", "burst", "must be one of 'poisson', 'constant' (got 'burst')"),
        ("client", "key_distribution", "pareto", "must be one of 'uniform', 'zipf' (got 'pareto')"),
        ("load_balancer", "layer", 5, "must be one of 4, 7 (got 5)"),
        (
            "load_balancer",
            "algorithm",
            "fastest",
            "must be one of 'round_robin', 'weighted_round_robin', "
            "'random', 'least_connections', 'ip_hash', 'consistent_hash' (got 'fastest')",
        ),
        (
            "database",
            "read_from",
            "nearest",
            "must be one of 'primary', 'replicas', 'any', or null (got 'nearest')",
        ),
        (
            "app_server",
            "service_dist",
            "pareto",
            "must be one of 'exponential', 'constant', 'lognormal' (got 'pareto')",
        ),
        (
            "cache",
            "strategy",
            "write_around",
            "must be one of 'cache_aside', 'write_through', 'write_behind', "
            "'refresh_ahead' (got 'write_around')",
        ),
    ],
)
def test_choices_outside_the_list_are_refused_listing_the_choices(problem_at, kind, name, value, message):
    assert problem_at(lone(kind, **{name: value}), "node 'n'", f"params.{name}").message == message


def test_layer_true_is_not_layer_4_or_7(problem_at):
    assert problem_at(lone("load_balancer", layer=True), "node 'n'", "params.layer").message.startswith(
        "must be one of 4, 7"
    )


def test_an_unknown_parameter_is_refused_listing_the_kinds_parameters(problem_at):
    problem = problem_at(lone("app_server", foo=1), "node 'n'", "params.foo")
    assert problem.message == (
        "unknown parameter 'foo' for kind app_server; known: workers, service_ms, service_dist, service_cv, "
        "queue_limit, cpu_speed, session_store, instances, max_instances, min_instances, target_utilization, "
        "scale_cooldown_s, instance_startup_s, cost_per_hour, standby_for, standby, heartbeat_ms, "
        "missed_heartbeats, startup_s"
    )


def test_an_unknown_kind_is_refused_listing_the_known_kinds(problem_at):
    problem = problem_at({"format": 1, "nodes": [{"id": "x", "kind": "teleporter"}]}, "node 'x'", "kind")
    assert problem.node == "x"
    assert problem.message == (
        "unknown kind 'teleporter'; known kinds: client, dns, cdn, load_balancer, app_server, cache, database, queue, worker"
    )


def test_params_that_are_not_an_object_are_refused(problem_at):
    document = {"format": 1, "nodes": [{"id": "s", "kind": "app_server", "params": [8]}]}
    assert problem_at(document, "node 's'", "params").message == "must be an object (got a list)"


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_carries_the_failover_parameters_and_checks_them(problem_at, kind):
    assert {"standby_for", "standby", "heartbeat_ms", "missed_heartbeats", "startup_s"} <= set(
        KINDS[kind].params
    )
    document = lone(kind, standby="warm", missed_heartbeats=0, heartbeat_ms=0, startup_s=-1)
    assert (
        problem_at(document, "node 'n'", "params.standby").message
        == "must be one of 'hot', 'cold' (got 'warm')"
    )
    assert (
        problem_at(document, "node 'n'", "params.missed_heartbeats").message == "must be at least 1 (got 0)"
    )
    assert problem_at(document, "node 'n'", "params.heartbeat_ms").message == "must be greater than 0 (got 0)"
    assert problem_at(document, "node 'n'", "params.startup_s").message == "must be at least 0 (got -1)"


def test_null_is_accepted_where_a_parameter_is_nullable():
    document = lone("app_server", queue_limit=None, standby_for=None)
    assert validate(document) == []


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("latency_ms", -1, "must be at least 0 (got -1)"),
        ("weight", -2, "must be at least 0 (got -2)"),
        ("replication", "semi", "must be one of 'sync', 'async', or null (got 'semi')"),
        ("lag_ms", -1, "must be at least 0 (got -1)"),
        ("latency_ms", "fast", "must be a number (got 'fast')"),
        (
            "color",
            "red",
            "unknown parameter 'color' for an edge; known: latency_ms, weight, replication, lag_ms, "
            "timeout_ms, breaker, breaker_failure_ratio, breaker_min_requests, breaker_window_s, breaker_open_s",
        ),
    ],
)
def test_bad_edge_parameters_are_refused_naming_the_edge_and_the_parameter(problem_at, name, value, message):
    document = {
        "format": 1,
        "nodes": [{"id": "a", "kind": "app_server"}, {"id": "b", "kind": "app_server"}],
        "edges": [{"source": "a", "target": "b", "params": {name: value}}],
    }
    problem = problem_at(document, "edge 'a->b'", f"params.{name}")
    assert problem.edge == "a->b" and problem.node is None
    assert problem.message == message
