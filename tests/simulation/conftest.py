"""Fixtures shared by the simulation tests: the spec's example documents and a
small valid topology that tests bend out of shape one field at a time."""

import copy
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from simulation.format import Problem, validate

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "spec" / "examples"

# Every kind, wired the way the format requires: a client with one target, a
# cache with a database behind it, a replica fed by its primary, a worker fed by
# a queue, and a scenario with one event of each action.
SMALL_SHOP = {
    "format": 1,
    "name": "Small shop",
    "nodes": [
        {"id": "users", "kind": "client", "params": {"rate_rps": 50}},
        {"id": "dns", "kind": "dns"},
        {"id": "cdn", "kind": "cdn"},
        {"id": "lb", "kind": "load_balancer"},
        {"id": "app1", "kind": "app_server"},
        {"id": "app2", "kind": "app_server", "params": {"standby_for": "app1"}},
        {"id": "cache", "kind": "cache"},
        {"id": "db", "kind": "database"},
        {"id": "db-r1", "kind": "database", "params": {"role": "replica"}},
        {"id": "jobs", "kind": "queue"},
        {"id": "mailer", "kind": "worker"},
    ],
    "edges": [
        {"source": "users", "target": "dns"},
        {"source": "dns", "target": "cdn"},
        {"source": "cdn", "target": "lb"},
        {"source": "lb", "target": "app1"},
        {"source": "app1", "target": "cache"},
        {"source": "app1", "target": "db"},
        {"source": "app1", "target": "jobs"},
        {"source": "jobs", "target": "mailer"},
        {"source": "mailer", "target": "db"},
        {"source": "db", "target": "db-r1", "params": {"replication": "async"}},
    ],
    "scenario": {
        "duration_s": 30,
        "events": [
            {"at_s": 5, "action": "fail", "target": "app1"},
            {"at_s": 6, "action": "partition", "target": "app1->db"},
            {"at_s": 7, "action": "heal", "target": "app1->db"},
            {"at_s": 8, "action": "slow", "target": "lb->app1", "params": {"latency_ms": 50}},
            {"at_s": 9, "action": "recover", "target": "app1"},
            {"at_s": 10, "action": "set", "target": "users", "params": {"rate_rps": 80}},
        ],
    },
}


@pytest.fixture
def shop() -> dict:
    """A fresh copy of a valid document using every kind and every action."""
    return copy.deepcopy(SMALL_SHOP)


@pytest.fixture
def example() -> Callable[[str], object]:
    """Load one of the spec's example documents by file name."""

    def load(name: str) -> object:
        return json.loads((EXAMPLES / name).read_text())

    return load


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture
def problem_at() -> Callable[..., Problem]:
    """The one problem of a document at (where, field); fails listing them all otherwise."""

    def find(document: object, where: str, field: str) -> Problem:
        problems = validate(document)
        matches = [p for p in problems if p.where == where and p.field == field]
        assert len(matches) == 1, f"expected one problem at {where}: {field}; got:\n" + "\n".join(
            map(str, problems)
        )
        return matches[0]

    return find
