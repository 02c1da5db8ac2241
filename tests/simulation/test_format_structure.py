"""Document shape: an object with format 1, a list of nodes with ids and kinds,
edges that join them, and no unknown keys anywhere."""

import pytest

from simulation.format import validate


def test_a_document_that_is_not_an_object_is_refused():
    (problem,) = validate(["not", "an", "object"])
    assert str(problem) == (
        "document: must be a JSON object with format, name, nodes, edges and scenario (got a list)"
    )


def test_a_missing_format_is_refused(problem_at):
    assert problem_at({"nodes": []}, "document", "format").message == 'is required: add "format": 1'


@pytest.mark.parametrize("value", [2, "1", True, None])
def test_a_format_other_than_1_is_refused(problem_at, value):
    message = problem_at({"format": value, "nodes": []}, "document", "format").message
    assert message.startswith("must be 1 (got ")


def test_unknown_top_level_keys_are_refused(problem_at):
    problem = problem_at({"format": 1, "nodes": [], "theme": "dark"}, "document", "theme")
    assert (
        problem.message
        == "unknown key 'theme' for the document; known: format, name, description, watch, nodes, edges, scenario"
    )


def test_missing_nodes_are_refused(problem_at):
    assert problem_at({"format": 1}, "document", "nodes").message == "is required: a list of nodes"


def test_nodes_that_are_not_a_list_are_refused(problem_at):
    assert problem_at({"format": 1, "nodes": {"a": 1}}, "document", "nodes").message == (
        "must be a list of nodes (got an object)"
    )


def test_a_name_that_is_not_a_string_is_refused(problem_at):
    assert (
        problem_at({"format": 1, "name": 5, "nodes": []}, "document", "name").message
        == "must be a string (got 5)"
    )


def test_a_node_that_is_not_an_object_is_refused_by_position(problem_at):
    assert problem_at({"format": 1, "nodes": ["app"]}, "nodes[0]", "").message == (
        "must be an object with id and kind (got a string)"
    )


def test_a_node_without_an_id_is_refused_by_position(problem_at):
    problem = problem_at({"format": 1, "nodes": [{"kind": "queue"}]}, "nodes[0]", "id")
    assert problem.message == "is required: a non-empty string"


@pytest.mark.parametrize("value", ["", "   ", 7, ["a"]])
def test_a_node_id_must_be_a_non_empty_string(problem_at, value):
    problem = problem_at({"format": 1, "nodes": [{"id": value, "kind": "queue"}]}, "nodes[0]", "id")
    assert problem.message.startswith("must be a non-empty string")


def test_a_node_without_a_kind_is_refused_naming_the_node(problem_at):
    problem = problem_at({"format": 1, "nodes": [{"id": "q"}]}, "node 'q'", "kind")
    assert problem.node == "q"
    assert problem.message.startswith("is required; known kinds: client, dns")


def test_duplicate_node_ids_are_refused_naming_both_positions(problem_at):
    document = {"format": 1, "nodes": [{"id": "q", "kind": "queue"}, {"id": "q", "kind": "queue"}]}
    problem = problem_at(document, "node 'q'", "id")
    assert problem.node == "q"
    assert problem.message == "duplicate node id 'q': nodes[0] and nodes[1] both use it"


def test_unknown_node_keys_are_refused(problem_at):
    document = {"format": 1, "nodes": [{"id": "q", "kind": "queue", "colour": "red"}]}
    assert problem_at(document, "node 'q'", "colour").message == (
        "unknown key 'colour' for a node; known: id, kind, label, x, y, params"
    )


@pytest.mark.parametrize(("key", "value"), [("x", "left"), ("y", True), ("label", 3)])
def test_canvas_fields_must_have_their_types(problem_at, key, value):
    document = {"format": 1, "nodes": [{"id": "q", "kind": "queue", key: value}]}
    assert problem_at(document, "node 'q'", key).message.startswith("must be a ")


def two_servers(*edges) -> dict:
    return {
        "format": 1,
        "nodes": [{"id": "a", "kind": "app_server"}, {"id": "b", "kind": "app_server"}],
        "edges": list(edges),
    }


def test_an_edge_to_a_missing_node_names_the_edge_and_the_missing_id(problem_at):
    problem = problem_at(two_servers({"source": "a", "target": "ghost"}), "edge 'a->ghost'", "target")
    assert problem.edge == "a->ghost"
    assert str(problem) == "edge 'a->ghost': target: no node with id 'ghost'"


def test_an_edge_from_a_missing_node_names_the_source(problem_at):
    problem = problem_at(two_servers({"source": "ghost", "target": "a"}), "edge 'ghost->a'", "source")
    assert problem.message == "no node with id 'ghost'"


def test_an_edge_without_a_source_is_refused_by_position(problem_at):
    problem = problem_at(two_servers({"target": "a"}), "edges[0]", "source")
    assert problem.message == "is required: the id of a node"


def test_an_edge_that_is_not_an_object_is_refused(problem_at):
    assert problem_at(two_servers("a->b"), "edges[0]", "").message == (
        "must be an object with source and target (got a string)"
    )


def test_edges_that_are_not_a_list_are_refused(problem_at):
    document = two_servers()
    document["edges"] = "a->b"
    assert problem_at(document, "document", "edges").message == "must be a list of edges (got a string)"


def test_a_self_loop_is_refused(problem_at):
    problem = problem_at(two_servers({"source": "a", "target": "a"}), "edge 'a->a'", "target")
    assert problem.message == "an edge cannot connect a node to itself"


def test_duplicate_edge_ids_are_refused_suggesting_an_explicit_id(problem_at):
    document = two_servers({"source": "a", "target": "b"}, {"source": "a", "target": "b"})
    problem = problem_at(document, "edge 'a->b'", "id")
    assert problem.edge == "a->b"
    assert problem.message == (
        "duplicate edge id 'a->b': edges[0] and edges[1] both use it; give one of them an explicit id"
    )


def test_explicit_duplicate_edge_ids_are_refused(problem_at):
    document = two_servers(
        {"id": "w", "source": "a", "target": "b"}, {"id": "w", "source": "b", "target": "a"}
    )
    assert (
        problem_at(document, "edge 'w'", "id").message
        == "duplicate edge id 'w': edges[0] and edges[1] both use it"
    )


def test_unknown_edge_keys_are_refused(problem_at):
    problem = problem_at(
        two_servers({"source": "a", "target": "b", "bandwidth": 10}), "edge 'a->b'", "bandwidth"
    )
    assert problem.message == "unknown key 'bandwidth' for an edge; known: id, source, target, params"


def test_deeply_nested_values_are_reported_as_problems_not_crashes(problem_at):
    nested: list = []
    for _ in range(900):  # about as deep as json.loads goes
        nested = [nested]
    document = {
        "format": 1,
        "name": nested,
        "nodes": [{"id": "q", "kind": "queue", "params": {"capacity": nested}}],
    }
    assert problem_at(document, "document", "name").message.startswith("must be a string (got [[[[")
    assert problem_at(document, "node 'q'", "params.capacity").message.startswith(
        "must be an integer or null"
    )
