"""The topology format (v1): one JSON document describing a system to simulate.

A document has nodes (components of a kind: client, dns, cdn, load_balancer,
app_server, cache, database, queue, worker), edges (wires from a source to a
target, carrying latency, weights and replication) and a scenario (duration,
seed, timed faults). The contract is ``spec/topology-format.md``.

Every parameter is defined once, as a field of a pydantic model per kind
(``params.py``). From those definitions come:

- :func:`parse`: validation and normalization (defaults filled) of a document,
- :func:`validate`: the list of :class:`Problem` in a document,
- :func:`json_schema`: the JSON Schema that drives the editor and the API,
- :data:`KINDS`: the kinds and their :class:`ParamSpec` for Python callers.

Example::

    >>> from simulation.format import parse
    >>> doc = parse({"format": 1, "nodes": [{"id": "u", "kind": "client"},
    ...                                     {"id": "s", "kind": "app_server"}],
    ...              "edges": [{"source": "u", "target": "s"}]})
    >>> doc["nodes"][1]["params"]["workers"], doc["edges"][0]["id"]
    (8, 'u->s')
"""

from simulation.format.document import FORMAT, parse, validate
from simulation.format.params import (
    ACTIONS,
    EDGE_PARAMS,
    KINDS,
    SCENARIO_PARAMS,
    Action,
    KindSpec,
    ParamSpec,
    kind_defaults,
)
from simulation.format.problems import InvalidDocument, Problem
from simulation.format.schema import json_schema

__all__ = [
    "ACTIONS",
    "EDGE_PARAMS",
    "FORMAT",
    "KINDS",
    "SCENARIO_PARAMS",
    "Action",
    "InvalidDocument",
    "KindSpec",
    "ParamSpec",
    "Problem",
    "json_schema",
    "kind_defaults",
    "parse",
    "validate",
]
