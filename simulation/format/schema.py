"""The JSON Schema (draft 2020-12) of a topology document, generated.

Nothing here is typed by hand: kinds, parameters, defaults, ranges, units,
help texts, traits and metrics all come from each kind's module (through
``params.KINDS``), and the limits from ``simulation.limits``. The editor builds its palette from ``$defs`` (one entry
per kind, with ``title`` and a one-line ``description``) and its parameter panel
from each kind's ``params``; the HTTP API validates with it.

Besides standard keywords the schema carries a few ``x-`` annotations that
JSON Schema validators ignore: ``x-unit``, ``x-group``, ``x-settable``,
``x-refers-to`` and ``x-auto`` on parameters (see ``fields.py``), ``x-limits`` at
the top, OpenAPI's ``discriminator`` on the node list, and on each kind
``x-traits`` (what generic code may ask of it: ``source``, ``forwards``,
``queues``, ``replicates``, ``holds_data``) and ``x-metrics`` (the figures it
reports, ``{"in": "nodes" | "clients", "summary": [...], "window": [...]}``, each
``{"name", "label", "unit", "help", "better"}``: see ``fields.Metric``).
"""

from __future__ import annotations

from typing import Any

from simulation import limits
from simulation.format.document import DEFAULT_NAME, FORMAT
from simulation.format.params import ACTIONS, EDGE_PARAMS, KINDS, SCENARIO_PARAMS, ParamSpec

__all__ = ["json_schema"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _object(properties: dict[str, Any], *, required: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        **extra,
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    return schema


def _params(specs: dict[str, ParamSpec], description: str) -> dict[str, Any]:
    required = [name for name, spec in specs.items() if spec.required]
    return _object(
        {name: spec.json_schema() for name, spec in specs.items()},
        required=required,
        description=description,
        **({} if required else {"default": {}}),
    )


def _node(kind: str) -> dict[str, Any]:
    spec = KINDS[kind]
    return {
        "title": spec.title,
        "description": spec.summary,
        "x-traits": dict(spec.traits),
        "x-metrics": {
            "in": spec.metrics_in,
            "summary": [metric.json_schema() for metric in spec.summary_metrics],
            "window": [metric.json_schema() for metric in spec.window_metrics],
        },
        **_object(
            {
                "id": {
                    "$ref": "#/$defs/id",
                    "description": "Unique id of the node; edges and events name it.",
                },
                "kind": {"const": kind},
                "label": {
                    "type": ["string", "null"],
                    "maxLength": limits.MAX_NAME_LENGTH,
                    "description": "Name shown on the canvas; default: the id.",
                },
                "x": {
                    "type": ["number", "null"],
                    "description": "Position on the canvas; the engine ignores it.",
                },
                "y": {
                    "type": ["number", "null"],
                    "description": "Position on the canvas; the engine ignores it.",
                },
                "params": _params(
                    spec.params, f"Parameters of the {spec.title.lower()}; each has a default."
                ),
            },
            required=["id", "kind"],
        ),
    }


def _event(action: str) -> dict[str, Any]:
    spec = ACTIONS[action]
    if spec.model is None:
        params: dict[str, Any] = {
            "type": "object",
            "minProperties": 1,
            "description": "Parameters of the target node's kind (any of them, validated as in its "
            "definition); only those given change.",
            "x-params-of": "target",
        }
    else:
        params = _params(spec.params, f"Parameters of {action}." if spec.params else f"{action} takes none.")
    required = ["at_s", "action", "target"] + (
        ["params"] if spec.model is None or params.get("required") else []
    )
    return {
        "title": action,
        "description": spec.summary,
        **_object(
            {
                "at_s": {
                    "type": "number",
                    "minimum": 0,
                    "description": "When it happens, in s from the start (at most duration_s).",
                    "x-unit": "s",
                },
                "action": {"const": action},
                "target": {
                    "type": "string",
                    "description": f"The id of the {spec.target} it acts on"
                    + (" (an edge's id defaults to 'source->target')." if spec.target == "edge" else "."),
                    "x-refers-to": spec.target,
                },
                "params": params,
            },
            required=required,
        ),
    }


def json_schema() -> dict[str, Any]:
    """The JSON Schema of format-1 documents, with every kind and parameter."""
    defs: dict[str, Any] = {"id": {"type": "string", "minLength": 1, "maxLength": limits.MAX_ID_LENGTH}}
    defs.update({kind: _node(kind) for kind in KINDS})
    defs["edge"] = {
        "title": "Edge",
        "description": "A wire from source to target: the source sends requests to the target "
        "(or, between two databases, replicates to it).",
        **_object(
            {
                "id": {"$ref": "#/$defs/id", "description": "Unique id; default: 'source->target'."},
                "source": {
                    "$ref": "#/$defs/id",
                    "description": "Id of the node that sends.",
                    "x-refers-to": "node",
                },
                "target": {
                    "$ref": "#/$defs/id",
                    "description": "Id of the node that receives.",
                    "x-refers-to": "node",
                },
                "params": _params(EDGE_PARAMS, "Parameters of the edge; each has a default."),
            },
            required=["source", "target"],
        ),
    }
    defs.update({f"event_{action}": _event(action) for action in ACTIONS})
    defs["scenario"] = {
        "title": "Scenario",
        "description": "How long to run, the seed, and timed events (faults, recoveries, parameter changes).",
        **_object(
            {
                **{name: spec.json_schema() for name, spec in SCENARIO_PARAMS.items()},
                "events": {
                    "type": "array",
                    "maxItems": limits.MAX_EVENTS,
                    "default": [],
                    "description": "Timed events, applied in order of at_s.",
                    "items": {"oneOf": [{"$ref": f"#/$defs/event_{action}"} for action in ACTIONS]},
                },
            },
            default={},
        ),
    }
    return {
        "$schema": DIALECT,
        "title": f"archplay topology, format {FORMAT}",
        "description": "A system drawn as nodes and edges, with a scenario to run it through.",
        "type": "object",
        "properties": {
            "format": {"const": FORMAT, "description": f"Version of the document format: {FORMAT}."},
            "name": {
                "type": "string",
                "maxLength": limits.MAX_NAME_LENGTH,
                "default": DEFAULT_NAME,
                "description": "Title of the topology.",
            },
            "description": {
                "type": "string",
                "maxLength": limits.MAX_DESCRIPTION_LENGTH,
                "description": "What the topology shows and what to watch when it runs (prose); optional.",
            },
            "watch": {
                "type": "array",
                "maxItems": limits.MAX_WATCHED,
                "description": "The figures to watch when it runs (the editor's What to watch card): each a "
                "summary metric (x-metrics) that the named node's kind declares; a client is named with "
                "'client', any other node with 'node'. Optional.",
                "items": {
                    "oneOf": [
                        {
                            "type": "object",
                            "properties": {
                                owner: {"$ref": "#/$defs/id", "x-refers-to": "node"},
                                "metric": {"type": "string", "description": "A summary metric's name."},
                            },
                            "required": [owner, "metric"],
                            "additionalProperties": False,
                        }
                        for owner in ("node", "client")
                    ]
                },
            },
            "nodes": {
                "type": "array",
                "maxItems": limits.MAX_NODES,
                "items": {
                    "oneOf": [{"$ref": f"#/$defs/{kind}"} for kind in KINDS],
                    "discriminator": {
                        "propertyName": "kind",
                        "mapping": {kind: f"#/$defs/{kind}" for kind in KINDS},
                    },
                },
            },
            "edges": {
                "type": "array",
                "maxItems": limits.MAX_EDGES,
                "default": [],
                "items": {"$ref": "#/$defs/edge"},
            },
            "scenario": {"$ref": "#/$defs/scenario"},
        },
        "required": ["format", "nodes"],
        "additionalProperties": False,
        "x-limits": limits.as_dict(),
        "$defs": defs,
    }
