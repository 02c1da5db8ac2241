"""Wiring: the edges must make a system the engine can run."""

import pytest

from simulation.format import validate


def node_by_id(document: dict, node_id: str) -> dict:
    return next(n for n in document["nodes"] if n["id"] == node_id)


def test_the_shop_with_every_kind_is_wired_correctly(shop):
    assert validate(shop) == []


def test_a_client_with_no_target_is_refused(problem_at, shop):
    shop["edges"] = [e for e in shop["edges"] if e["source"] != "users"]
    shop["scenario"]["events"] = []
    problem = problem_at(shop, "node 'users'", "edges")
    assert problem.node == "users"
    assert problem.message == "a client needs exactly one outgoing edge, to its target; it has none"


def test_a_client_with_two_targets_is_refused(problem_at, shop):
    shop["edges"].append({"source": "users", "target": "lb"})
    problem = problem_at(shop, "node 'users'", "edges")
    assert (
        problem.message
        == "a client needs exactly one outgoing edge, to its target; it has 2 (users->dns, users->lb)"
    )


def test_nothing_may_send_to_a_client(problem_at, shop):
    shop["edges"].append({"source": "app1", "target": "users"})
    problem = problem_at(shop, "edge 'app1->users'", "target")
    assert problem.edge == "app1->users"
    assert problem.message == "'users' is a client: clients only send, nothing sends to them"


def test_replication_on_an_edge_that_is_not_between_databases_is_refused(problem_at, shop):
    shop["edges"][5]["params"] = {"replication": "sync"}  # app1->db
    problem = problem_at(shop, "edge 'app1->db'", "params.replication")
    assert problem.message == (
        "replication is only for an edge between two databases (this one goes from app_server 'app1' to database 'db')"
    )


def test_an_edge_between_two_databases_must_set_replication(problem_at, shop):
    del shop["edges"][-1]["params"]
    problem = problem_at(shop, "edge 'db->db-r1'", "params.replication")
    assert problem.message == (
        "an edge between two databases is a replication edge: set replication to 'sync' or 'async'"
    )


def test_a_replica_with_no_primary_is_refused(problem_at, shop):
    shop["edges"].pop()  # db->db-r1
    problem = problem_at(shop, "node 'db-r1'", "params.role")
    assert problem.node == "db-r1"
    assert (
        problem.message
        == "a replica needs exactly one incoming replication edge from its primary; it has none"
    )


def test_a_replica_fed_by_two_primaries_is_refused(problem_at, shop):
    shop["nodes"].append({"id": "db2", "kind": "database"})
    shop["edges"].append({"source": "db2", "target": "db-r1", "params": {"replication": "sync"}})
    problem = problem_at(shop, "node 'db-r1'", "params.role")
    assert problem.message.endswith("it has 2 (db->db-r1, db2->db-r1)")


def test_master_master_replication_between_two_primaries_is_allowed(shop):
    shop["nodes"].append({"id": "db2", "kind": "database"})
    shop["edges"].append({"source": "db", "target": "db2", "params": {"replication": "async"}})
    shop["edges"].append({"source": "db2", "target": "db", "params": {"replication": "async"}})
    assert validate(shop) == []


def test_read_from_on_a_replica_is_refused(problem_at, shop):
    node_by_id(shop, "db-r1")["params"]["read_from"] = "any"
    assert problem_at(shop, "node 'db-r1'", "params.read_from").message == (
        "applies to a primary only; leave it null on a replica"
    )


def test_read_from_replicas_on_a_primary_without_replicas_is_refused(problem_at, shop):
    shop["nodes"].append({"id": "db2", "kind": "database", "params": {"read_from": "replicas"}})
    assert problem_at(shop, "node 'db2'", "params.read_from").message == (
        "is 'replicas' but this primary has none (no replication edge goes from it to a database)"
    )


def test_a_cache_with_no_database_behind_it_is_refused(problem_at, shop):
    shop["edges"] = [e for e in shop["edges"] if (e["source"], e["target"]) != ("app1", "db")]
    shop["scenario"]["events"] = []
    problem = problem_at(shop, "node 'cache'", "edges")
    assert problem.node == "cache"
    assert problem.message.startswith("a cache needs a database behind it")


def test_a_cache_with_its_own_edge_to_a_database_is_accepted(shop):
    shop["edges"] = [e for e in shop["edges"] if (e["source"], e["target"]) != ("app1", "db")]
    shop["edges"].append({"source": "cache", "target": "db"})
    shop["scenario"]["events"] = []
    assert validate(shop) == []


def test_a_worker_without_a_queue_feeding_it_is_refused(problem_at, shop):
    shop["edges"] = [e for e in shop["edges"] if e["target"] != "mailer"]
    problem = problem_at(shop, "node 'mailer'", "edges")
    assert problem.message == "a worker needs an incoming edge from the queue it consumes"


def test_standby_for_a_missing_node_is_refused(problem_at, shop):
    node_by_id(shop, "app2")["params"]["standby_for"] = "app9"
    assert problem_at(shop, "node 'app2'", "params.standby_for").message == "no node with id 'app9'"


def test_standby_for_a_node_of_another_kind_is_refused(problem_at, shop):
    node_by_id(shop, "app2")["params"]["standby_for"] = "db"
    assert problem_at(shop, "node 'app2'", "params.standby_for").message == (
        "'db' is of kind database; a standby must be of the same kind as the node it protects (app_server)"
    )


def test_standby_for_itself_is_refused(problem_at, shop):
    node_by_id(shop, "app2")["params"]["standby_for"] = "app2"
    assert (
        problem_at(shop, "node 'app2'", "params.standby_for").message == "a node cannot stand by for itself"
    )


def test_validate_reports_a_loop_of_calls_at_the_edge_that_closes_it(problem_at, shop):
    shop["edges"].append({"source": "app1", "target": "lb"})
    problem = problem_at(shop, "edge 'app1->lb'", "target")
    assert (
        problem.message == "closes a loop of calls (lb -> app1 -> lb): a request would go round it for ever"
    )


def test_replication_loops_between_primaries_are_not_loops_of_calls(shop):
    shop["nodes"].append({"id": "db2", "kind": "database"})
    shop["edges"] += [
        {"source": "db", "target": "db2", "params": {"replication": "async"}},
        {"source": "db2", "target": "db", "params": {"replication": "async"}},
    ]
    assert validate(shop) == []


def test_chained_replication_from_a_replica_is_refused(problem_at, shop):
    shop["nodes"].append({"id": "db-r2", "kind": "database", "params": {"role": "replica"}})
    shop["edges"].append({"source": "db-r1", "target": "db-r2", "params": {"replication": "async"}})
    message = problem_at(shop, "edge 'db-r1->db-r2'", "params.replication").message
    assert message.startswith("'db-r1' is a replica: replicas follow a primary and do not replicate further")


def test_a_database_standby_must_be_a_replica_of_the_node_it_protects(problem_at, shop):
    shop["nodes"].append({"id": "db-spare", "kind": "database", "params": {"standby_for": "db"}})
    message = problem_at(shop, "node 'db-spare'", "params.standby_for").message
    assert message.startswith("a database standby must be a replica of 'db'")


def test_a_replica_fed_by_the_primary_is_a_valid_database_standby(shop):
    shop["nodes"][8]["params"]["standby_for"] = "db"  # db-r1, fed by db
    assert validate(shop) == []


def test_one_standby_per_node(problem_at, shop):
    shop["nodes"].append({"id": "app3", "kind": "app_server", "params": {"standby_for": "app1"}})
    message = problem_at(shop, "node 'app3'", "params.standby_for").message
    assert message == "'app1' already has a standby ('app2'); one standby per node"


def test_a_client_cannot_target_a_standby(problem_at, shop):
    shop["nodes"].append({"id": "more", "kind": "client"})
    shop["edges"].append({"source": "more", "target": "app2"})
    message = problem_at(shop, "node 'more'", "edges").message
    assert message.startswith("its target 'app2' is a standby, which gets no traffic before it takes over")


def test_a_standby_worker_without_wires_inherits_its_queue(shop):
    shop["nodes"].append({"id": "mailer2", "kind": "worker", "params": {"standby_for": "mailer"}})
    assert validate(shop) == []


@pytest.mark.parametrize(
    ("kind", "what"),
    [
        ("load_balancer", "the servers it spreads requests over"),
        ("dns", "the targets its name resolves to"),
        ("cdn", "its origin"),
        ("queue", "the workers that consume its jobs"),
    ],
)
def test_a_node_that_forwards_requests_with_nothing_to_forward_them_to_is_a_problem(kind, what):
    document = {
        "format": 1,
        "nodes": [{"id": "users", "kind": "client"}, {"id": "front", "kind": kind}],
        "edges": [{"source": "users", "target": "front"}],
    }
    (problem,) = validate(document)
    assert (problem.node, problem.field) == ("front", "edges")
    assert "nothing to pass them to" in problem.message and what in problem.message


def test_a_forwarding_node_with_a_target_is_not_a_problem():
    document = {
        "format": 1,
        "nodes": [
            {"id": "u", "kind": "client"},
            {"id": "lb", "kind": "load_balancer"},
            {"id": "a", "kind": "app_server"},
        ],
        "edges": [{"source": "u", "target": "lb"}, {"source": "lb", "target": "a"}],
    }
    assert validate(document) == []
