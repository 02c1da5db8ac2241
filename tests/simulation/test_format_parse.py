"""parse: a valid document comes back normalized, whole and new."""

import copy

import pytest

from simulation.format import KINDS, InvalidDocument, parse, validate


def test_the_spec_examples_one_server_and_read_heavy_shop_are_valid(example):
    for name in ("one-server.json", "read-heavy-shop.json"):
        assert validate(example(name)) == [], name
        parse(example(name))


def test_broken_example_names_rate_rps_teleporter_ghost_and_the_duplicate_u(example):
    with pytest.raises(InvalidDocument) as caught:
        parse(example("broken.json"))
    lines = [str(p) for p in caught.value.problems]
    assert "node 'u': params.rate_rps: must be greater than 0 (got -1)" in lines
    assert any("teleporter" in line and line.startswith("node 'x': kind:") for line in lines)
    assert "edge 'u->ghost': target: no node with id 'ghost'" in lines
    assert any(line.startswith("node 'u': id: duplicate node id 'u'") for line in lines)


def test_every_parameter_of_every_kind_is_filled_with_its_default():
    kinds = list(KINDS)
    document = {
        "format": 1,
        "nodes": [{"id": kind, "kind": kind} for kind in kinds],
        "edges": [
            {"source": "client", "target": "dns"},
            {"source": "dns", "target": "cdn"},
            {"source": "cdn", "target": "load_balancer"},
            {"source": "load_balancer", "target": "app_server"},
            {"source": "app_server", "target": "cache"},
            {"source": "app_server", "target": "database"},
            {"source": "app_server", "target": "queue"},
            {"source": "queue", "target": "worker"},
        ],
    }
    nodes = parse(document)["nodes"]
    assert [n["kind"] for n in nodes] == kinds
    for node in nodes:
        assert node["params"] == KINDS[node["kind"]].defaults(), node["kind"]
        assert node["params"]["missed_heartbeats"] == 3 and node["params"]["startup_s"] == 30.0


def test_the_shop_fills_every_node_with_exactly_its_kinds_parameters(shop):
    for node in parse(shop)["nodes"]:
        assert list(node["params"]) == list(KINDS[node["kind"]].params), node["id"]


def test_given_parameters_override_defaults_and_the_rest_stay_default():
    document = {"format": 1, "nodes": [{"id": "s", "kind": "app_server", "params": {"workers": 2}}]}
    params = parse(document)["nodes"][0]["params"]
    assert params["workers"] == 2
    assert params["service_ms"] == 10.0
    assert params["standby"] == "hot" and params["heartbeat_ms"] == 500.0


def test_spec_defaults_are_the_contracts_values():
    defaults = {kind: spec.defaults() for kind, spec in KINDS.items()}
    assert defaults["client"]["rate_rps"] == 100 and defaults["client"]["read_ratio"] == 0.9
    assert defaults["client"]["key_count"] == 10_000 and defaults["client"]["session_count"] == 1000
    assert defaults["client"]["retry_backoff_ms"] == 100 and defaults["client"]["max_retries"] == 0
    assert defaults["dns"] == defaults["dns"] | {"ttl_s": 60, "policy": "round_robin", "lookup_ms": 20}
    assert (
        defaults["cdn"] | {"mode": "pull", "ttl_s": 300, "capacity": 10_000, "edge_ms": 5} == defaults["cdn"]
    )
    assert defaults["load_balancer"]["health_check_interval_ms"] == 1000
    assert defaults["load_balancer"]["unhealthy_threshold"] == 3
    assert (
        defaults["app_server"] | {"workers": 8, "service_ms": 10, "cpu_speed": 1.0} == defaults["app_server"]
    )
    assert defaults["cache"] | {"capacity": 1000, "eviction": "lru", "hit_ms": 0.5} == defaults["cache"]
    assert (
        defaults["cache"]["write_behind_flush_ms"] == 1000
        and defaults["cache"]["refresh_ahead_factor"] == 0.8
    )
    assert defaults["database"] | {"workers": 16, "read_ms": 5, "write_ms": 10} == defaults["database"]
    assert defaults["queue"]["capacity"] is None
    assert defaults["worker"] | {"workers": 4, "service_ms": 50} == defaults["worker"]


def test_auto_parameters_stay_null_for_the_engine_to_resolve():
    document = {
        "format": 1,
        "nodes": [
            {"id": "lb", "kind": "load_balancer"},
            {"id": "app", "kind": "app_server"},
            {"id": "db", "kind": "database"},
        ],
        "edges": [{"source": "lb", "target": "app"}],
    }
    lb, _, db = parse(document)["nodes"]
    assert lb["params"]["overhead_ms"] is None
    assert db["params"]["read_from"] is None


def test_numbers_become_floats_and_integers_stay_integers():
    document = {
        "format": 1,
        "nodes": [{"id": "s", "kind": "app_server", "params": {"service_ms": 12, "workers": 4.0}}],
    }
    params = parse(document)["nodes"][0]["params"]
    assert params["service_ms"] == 12.0 and isinstance(params["service_ms"], float)
    assert params["workers"] == 4 and isinstance(params["workers"], int)


def test_label_defaults_to_the_id_and_positions_to_null():
    document = {
        "format": 1,
        "nodes": [{"id": "s", "kind": "app_server"}, {"id": "t", "kind": "cache", "x": 3, "y": 4}],
        "edges": [{"source": "t", "target": "d"}],
    }
    document["nodes"].append({"id": "d", "kind": "database"})
    s, t, _ = parse(document)["nodes"]
    assert (s["label"], s["x"], s["y"]) == ("s", None, None)
    assert (t["label"], t["x"], t["y"]) == ("t", 3.0, 4.0)


def test_edges_get_an_id_source_to_target_and_every_edge_parameter(shop):
    edge = parse(shop)["edges"][0]
    assert edge == {
        "id": "users->dns",
        "source": "users",
        "target": "dns",
        "params": {
            "latency_ms": 0.5,
            "weight": 1.0,
            "replication": None,
            "lag_ms": 100.0,
            "timeout_ms": None,
            "breaker": False,
            "breaker_failure_ratio": 0.5,
            "breaker_min_requests": 20,
            "breaker_window_s": 10.0,
            "breaker_open_s": 5.0,
        },
    }


def test_an_explicit_edge_id_is_kept(shop):
    shop["edges"][0]["id"] = "front door"
    assert parse(shop)["edges"][0]["id"] == "front door"


def test_a_missing_scenario_gets_the_default_one():
    scenario = parse({"format": 1, "nodes": []})["scenario"]
    assert scenario == {"duration_s": 60.0, "warmup_s": 0.0, "seed": 0, "events": []}


def test_a_missing_name_gets_a_default_one():
    assert parse({"format": 1, "nodes": []})["name"] == "Untitled"


def test_events_are_sorted_by_time_keeping_the_order_of_simultaneous_ones(shop):
    shop["scenario"]["events"] = [
        {"at_s": 9, "action": "recover", "target": "app1"},
        {"at_s": 5, "action": "fail", "target": "app1"},
        {"at_s": 5, "action": "fail", "target": "cache"},
        {"at_s": 5, "action": "recover", "target": "cache"},
    ]
    events = parse(shop)["scenario"]["events"]
    assert [(e["at_s"], e["action"], e["target"]) for e in events] == [
        (5.0, "fail", "app1"),
        (5.0, "fail", "cache"),
        (5.0, "recover", "cache"),
        (9.0, "recover", "app1"),
    ]
    assert all(e["params"] == {} for e in events)


def test_set_event_params_are_kept_partial_not_default_filled(shop):
    shop["scenario"]["events"] = [{"at_s": 1, "action": "set", "target": "app1", "params": {"workers": 3}}]
    assert parse(shop)["scenario"]["events"][0]["params"] == {"workers": 3}


def test_parse_does_not_modify_its_input(shop, example):
    for document in (shop, example("read-heavy-shop.json"), example("broken.json")):
        before = copy.deepcopy(document)
        try:
            parse(document)
        except InvalidDocument:
            pass
        assert document == before


def test_parse_returns_new_objects_not_shared_with_its_input(shop):
    normalized = parse(shop)
    normalized["nodes"][0]["params"]["rate_rps"] = 1
    normalized["scenario"]["events"][5]["params"]["rate_rps"] = 1
    assert shop["nodes"][0]["params"]["rate_rps"] == 50
    assert shop["scenario"]["events"][5]["params"]["rate_rps"] == 80


def test_parse_is_idempotent_on_a_normalized_document(shop, example):
    for document in (shop, example("read-heavy-shop.json")):
        once = parse(document)
        assert parse(once) == once


def test_invalid_document_lists_every_problem_not_just_the_first():
    document = {
        "format": 1,
        "nodes": [
            {"id": "a", "kind": "app_server", "params": {"workers": 0}},
            {"id": "b", "kind": "app_server", "params": {"service_ms": -1}},
        ],
    }
    with pytest.raises(InvalidDocument) as caught:
        parse(document)
    assert [p.node for p in caught.value.problems] == ["a", "b"]
    assert "2 problems" in str(caught.value)


def test_problem_renders_as_one_line_and_as_a_dict_for_the_api():
    problem = validate({"format": 1, "nodes": [{"id": "u", "kind": "queue", "params": {"capacity": 0}}]})[0]
    assert str(problem) == "node 'u': params.capacity: must be at least 1 (got 0)"
    assert problem.to_dict() == {
        "node": "u",
        "edge": None,
        "field": "params.capacity",
        "message": "must be at least 1 (got 0)",
        "text": "node 'u': params.capacity: must be at least 1 (got 0)",
    }
