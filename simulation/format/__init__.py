"""The topology format (v1): one JSON document describing a system to simulate.

A document has nodes (components of a kind: client, dns, cdn, load_balancer,
app_server, cache, database, queue, worker), edges (wires from a source to a
target, carrying latency, weights and replication) and a scenario (duration,
seed, timed faults). The contract is ``spec/topology-format.md``.

Every parameter is defined once, as a field of a pydantic model per kind
(in each kind's module of ``simulation.components``, built from ``fields.py``). From those definitions come:

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

# The names below are loaded when first asked for (PEP 562): the component modules
# import ``format.fields`` while the format's registry (``params``) is built from
# them, so this package must not import ``params`` before they exist.
_HOMES = {
    "FORMAT": "document",
    "parse": "document",
    "validate": "document",
    "ACTIONS": "params",
    "EDGE_PARAMS": "params",
    "KINDS": "params",
    "SCENARIO_PARAMS": "params",
    "Action": "params",
    "KindSpec": "params",
    "ParamSpec": "fields",
    "Metric": "fields",
    "kind_defaults": "params",
    "InvalidDocument": "problems",
    "Problem": "problems",
    "json_schema": "schema",
}


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    try:
        module = import_module(f"{__name__}.{home}")
    except AttributeError as error:  # not "no such name here": a fault while importing it
        raise ImportError(f"importing {__name__}.{home} failed: {error}") from error
    value = getattr(module, name)
    globals()[name] = value
    return value


__all__ = [
    "ACTIONS",
    "EDGE_PARAMS",
    "FORMAT",
    "KINDS",
    "SCENARIO_PARAMS",
    "Action",
    "InvalidDocument",
    "KindSpec",
    "Metric",
    "ParamSpec",
    "Problem",
    "json_schema",
    "kind_defaults",
    "parse",
    "validate",
]
