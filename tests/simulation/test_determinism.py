"""Determinism: the same document and seed give byte-identical results.

The golden digest guards refactors of the engine: any change to what a run
computes changes it. When a change is *meant* to alter results (a bug fix, a new
behaviour), check the new numbers, then update GOLDEN with the digest this test
prints in its failure message, and say so in the commit message.
"""

import copy
import hashlib
import json

from simulation import run
from tests.simulation.helpers import document, edge, node

GOLDEN = "bf40ac1d73487a45c954c4f69c212f42ef82549310dd981a4d9c3c7c8cfc2d91"


def shop(seed: int = 7) -> dict:
    """Every kind of node on the request path, and every kind of scenario event."""
    return document(
        [
            node(
                "users",
                "client",
                rate_rps=300,
                read_ratio=0.8,
                key_distribution="zipf",
                timeout_ms=500,
                max_retries=2,
                slo_ms=50,
            ),
            node("dns", "dns", ttl_s=5),
            node("cdn", "cdn"),
            node("lb", "load_balancer", algorithm="least_connections"),
            node("app1", "app_server", workers=8),
            node("app2", "app_server", workers=8, service_dist="lognormal", service_cv=1.5),
            node("cache", "cache", capacity=2000, eviction="lfu", ttl_s=30),
            node("db", "database", role="primary"),
            node("r1", "database", role="replica"),
            node("r2", "database", role="replica"),
            node("jobs", "queue", capacity=100),
            node("mailer", "worker", workers=2),
        ],
        [
            edge("users", "dns"),
            edge("dns", "cdn"),
            edge("cdn", "lb"),
            edge("lb", "app1"),
            edge("lb", "app2"),
            edge("app1", "cache"),
            edge("app2", "cache"),
            edge("app1", "db"),
            edge("app2", "db"),
            edge("app2", "jobs"),
            edge("jobs", "mailer"),
            edge("mailer", "db"),
            edge("db", "r1", replication="async", lag_ms=150),
            edge("db", "r2", replication="sync"),
        ],
        duration=40,
        warmup=5,
        seed=seed,
        events=[
            {"at_s": 10, "action": "fail", "target": "app1"},
            {"at_s": 15, "action": "recover", "target": "app1"},
            {"at_s": 18, "action": "partition", "target": "app2->db"},
            {"at_s": 19, "action": "heal", "target": "app2->db"},
            {"at_s": 22, "action": "slow", "target": "lb->app2", "params": {"latency_ms": 20}},
            {"at_s": 25, "action": "set", "target": "users", "params": {"rate_rps": 500}},
            {"at_s": 30, "action": "fail", "target": "cache"},
        ],
    )


def canonical(results: dict) -> bytes:
    return json.dumps({k: v for k, v in results.items() if k != "wall_s"}, sort_keys=True).encode()


def test_the_same_document_and_seed_give_byte_identical_results():
    assert canonical(run(shop(), timeseries=True)) == canonical(run(shop(), timeseries=True))


def test_results_key_order_is_stable_too():
    a, b = run(shop()), run(shop())
    a.pop("wall_s"), b.pop("wall_s")
    assert json.dumps(a) == json.dumps(b)


def test_a_different_seed_gives_different_results():
    assert canonical(run(shop(seed=7))) != canonical(run(shop(seed=8)))


def test_the_input_document_is_not_modified():
    doc = shop()
    before = copy.deepcopy(doc)
    run(doc)
    assert doc == before


def test_adding_an_unrelated_node_does_not_change_another_clients_draws():
    base = document(
        [
            node("a", "client", rate_rps=200, read_ratio=0.5, key_distribution="zipf"),
            node("s1", "app_server"),
            node("c1", "cache"),
            node("db1", "database"),
        ],
        [edge("a", "s1"), edge("s1", "c1"), edge("s1", "db1")],
        duration=20,
        seed=3,
    )
    more = copy.deepcopy(base)
    more["nodes"][1:1] = [node("b", "client", rate_rps=300), node("s2", "app_server", workers=2)]
    more["edges"].append(edge("b", "s2"))
    first, second = run(base), run(more)
    for nid in ("a", "s1", "c1", "db1"):
        assert first["nodes"][nid] == second["nodes"][nid]


def test_golden_digest_of_one_fixed_run():
    digest = hashlib.sha256(canonical(run(shop(), timeseries=True))).hexdigest()
    assert digest == GOLDEN, f"results changed: if that is intended, set GOLDEN = {digest!r}"
