"""The topology document inside the OpenAPI document: the format's own JSON Schema
(`simulation.format.json_schema`), placed once under `components` and referenced wherever an
endpoint takes or returns a document, so the API never describes the format a second time."""

from typing import Annotated, Any

from ninja import Schema
from pydantic import WithJsonSchema

from simulation.format import json_schema

DOCUMENT_COMPONENT = "TopologyDocument"
DOCUMENT_SCHEMA_MARK = {"type": "object", "x-archplay-document": True}
_REF = f"#/components/schemas/{DOCUMENT_COMPONENT}"

# A topology document in a request or response: checked by the engine's format, not by pydantic;
# described in the OpenAPI document by a reference to the format's JSON Schema.
Document = Annotated[dict[str, Any], WithJsonSchema(DOCUMENT_SCHEMA_MARK)]


class Error(Schema):
    """Every API error (spec/api.md)."""

    error: str
    details: list[Any] = []


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
    """The document schema's internal references (`$ref` and a discriminator's `mapping`, both
    `#/$defs/...`), moved under its place in the components."""

    def rebase(value: Any) -> Any:
        return base + value[1:] if isinstance(value, str) and value.startswith("#/") else value

    if isinstance(node, dict):
        rebased = {}
        for key, value in node.items():
            if key == "$schema":
                continue
            if key == "$ref":
                rebased[key] = rebase(value)
            elif key == "mapping" and isinstance(value, dict):
                rebased[key] = {name: rebase(target) for name, target in value.items()}
            else:
                rebased[key] = _rebase_refs(value, base)
        return rebased
    if isinstance(node, list):
        return [_rebase_refs(item, base) for item in node]
    return node
