"""The topology document inside the OpenAPI document: the format's own JSON Schema
(`simulation.format.json_schema`), placed once under `components` and referenced wherever an
endpoint takes or returns a document, so the API never describes the format a second time."""

from typing import Any

from simulation.format import json_schema

DOCUMENT_COMPONENT = "TopologyDocument"
DOCUMENT_SCHEMA_MARK = {"type": "object", "x-archplay-document": True}
_REF = f"#/components/schemas/{DOCUMENT_COMPONENT}"


def with_document_schema(openapi: dict) -> dict:
    openapi = _replace_marks(openapi)
    components = openapi.setdefault("components", {}).setdefault("schemas", {})
    components[DOCUMENT_COMPONENT] = _rebase_refs(json_schema(), _REF)
    return openapi


def _replace_marks(node: Any) -> Any:
    if isinstance(node, dict):
        if node.get("x-archplay-document"):
            return {"$ref": _REF}
        return {key: _replace_marks(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_replace_marks(item) for item in node]
    return node


def _rebase_refs(node: Any, base: str) -> Any:
    """The document schema's `#/$defs/...` references, moved under its place in the components."""
    if isinstance(node, dict):
        return {
            key: (base + value[1:] if key == "$ref" and isinstance(value, str) and value.startswith("#/") else
                  _rebase_refs(value, base))
            for key, value in node.items()
            if key != "$schema"
        }  # fmt: skip
    if isinstance(node, list):
        return [_rebase_refs(item, base) for item in node]
    return node
