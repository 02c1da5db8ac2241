"""The JSON Schema: complete (every kind, parameter, default, help text and unit),
well formed, and in agreement with parse about what is valid.

jsonschema is not a dependency, so a small validator for the keywords the schema
uses lives here; the structural test pins that list of keywords, so the schema
cannot start using one this validator would silently ignore.
"""

import json
import math

import pytest

from simulation.format import ACTIONS, EDGE_PARAMS, KINDS, SCENARIO_PARAMS, json_schema, parse, validate

SCHEMA = json_schema()
TYPES = {"object", "array", "string", "number", "integer", "boolean", "null"}
CHECKED = {
    "type",
    "enum",
    "const",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "minLength",
    "maxLength",
    "properties",
    "additionalProperties",
    "required",
    "items",
    "maxItems",
    "minProperties",
    "oneOf",
    "$ref",
}
ANNOTATIONS = {"$schema", "title", "description", "default", "discriminator", "$defs"}


def resolve(ref: str) -> dict:
    assert ref.startswith("#/$defs/"), ref
    return SCHEMA["$defs"][ref.removeprefix("#/$defs/")]


def is_type(value, name: str) -> bool:
    if name == "integer":
        return isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer()
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    return isinstance(
        value, {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}[name]
    )


def errors(value, schema: dict, path: str = "$") -> list[str]:
    """Where ``value`` breaks ``schema`` (the subset of draft 2020-12 in CHECKED)."""
    if "$ref" in schema:
        return errors(value, resolve(schema["$ref"]), path)
    found = []
    types = schema.get("type")
    if types is not None and not any(
        is_type(value, t) for t in ([types] if isinstance(types, str) else types)
    ):
        return [f"{path}: not {types}"]
    if "const" in schema and (value != schema["const"] or isinstance(value, bool)):
        found.append(f"{path}: not {schema['const']!r}")
    if "enum" in schema and not any(
        value == c
        and type(value) is type(c)
        or (is_type(value, "number") and is_type(c, "number") and value == c)
        for c in schema["enum"]
    ):
        found.append(f"{path}: not one of {schema['enum']}")
    if is_type(value, "number"):
        if "minimum" in schema and value < schema["minimum"]:
            found.append(f"{path}: below minimum")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            found.append(f"{path}: not above exclusiveMinimum")
        if "maximum" in schema and value > schema["maximum"]:
            found.append(f"{path}: above maximum")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", math.inf):
            found.append(f"{path}: bad length")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                found.append(f"{path}: {key} required")
        if len(value) < schema.get("minProperties", 0):
            found.append(f"{path}: too few properties")
        for key, item in value.items():
            if key in properties:
                found += errors(item, properties[key], f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{path}: unknown {key}")
    if isinstance(value, list):
        if len(value) > schema.get("maxItems", math.inf):
            found.append(f"{path}: too many items")
        if "items" in schema:
            for i, item in enumerate(value):
                found += errors(item, schema["items"], f"{path}[{i}]")
    if "oneOf" in schema:
        matching = [s for s in schema["oneOf"] if not errors(value, s, path)]
        if len(matching) != 1:
            found.append(f"{path}: matches {len(matching)} of oneOf")
    return found


def walk(schema):
    """Every subschema in the schema."""
    yield schema
    for key, value in schema.items():
        if key in ("properties", "$defs"):
            for sub in value.values():
                yield from walk(sub)
        elif key == "items":
            yield from walk(value)
        elif key == "oneOf":
            for sub in value:
                yield from walk(sub)


def params_schema(kind: str) -> dict:
    return SCHEMA["$defs"][kind]["properties"]["params"]["properties"]


def test_the_schema_is_draft_2020_12_json():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert json.loads(json.dumps(SCHEMA)) == SCHEMA


def test_the_schema_uses_only_known_keywords_valid_types_and_resolvable_refs():
    for sub in walk(SCHEMA):
        for keyword in sub:
            assert keyword in CHECKED | ANNOTATIONS or keyword.startswith("x-"), keyword
        types = sub.get("type", [])
        assert set([types] if isinstance(types, str) else types) <= TYPES
        if "$ref" in sub:
            resolve(sub["$ref"])
        if "required" in sub:
            assert set(sub["required"]) <= set(sub["properties"])


def test_nodes_are_a_one_of_every_kind_discriminated_by_kind():
    items = SCHEMA["properties"]["nodes"]["items"]
    assert items["oneOf"] == [{"$ref": f"#/$defs/{kind}"} for kind in KINDS]
    assert items["discriminator"]["propertyName"] == "kind"
    for kind in KINDS:
        assert SCHEMA["$defs"][kind]["properties"]["kind"] == {"const": kind}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_has_a_title_a_one_line_description_and_all_its_params(kind):
    definition = SCHEMA["$defs"][kind]
    assert definition["title"] and definition["description"]
    assert "\n" not in definition["description"] and len(definition["description"]) <= 120
    assert list(params_schema(kind)) == list(KINDS[kind].params)


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_param_has_its_default_and_help_and_a_unit_when_its_name_has_one(kind):
    for name, spec in KINDS[kind].params.items():
        schema = params_schema(kind)[name]
        assert schema["default"] == spec.default, name
        assert len(schema["description"]) > 20, name
        for suffix, unit in (("_ms", "ms"), ("_s", "s"), ("_rps", "rps")):
            if name.endswith(suffix) and name != "zipf_s":  # zipf's exponent is called s, not seconds
                assert schema["x-unit"] == unit, name
        assert errors(schema["default"], schema) == [], name


def test_ranges_choices_and_nullability_are_in_the_schema():
    client = params_schema("client")
    assert client["rate_rps"]["exclusiveMinimum"] == 0 and client["rate_rps"]["maximum"] == 1_000_000
    assert client["read_ratio"]["minimum"] == 0 and client["read_ratio"]["maximum"] == 1
    assert client["timeout_ms"]["type"] == ["number", "null"]
    assert params_schema("load_balancer")["layer"] == params_schema("load_balancer")["layer"] | {
        "type": "integer",
        "enum": [4, 7],
        "default": 4,
    }
    assert params_schema("database")["read_from"]["enum"] == ["primary", "replicas", "any", None]
    assert params_schema("database")["read_from"]["x-auto"]
    assert params_schema("app_server")["workers"]["type"] == "integer"
    assert params_schema("database")["role"]["x-settable"] is False
    assert params_schema("cache")["capacity"]["x-unit"] == "entries"
    assert params_schema("queue")["standby_for"]["x-group"] == "failover"
    assert params_schema("queue")["standby_for"]["x-refers-to"] == "node"


def test_edge_params_scenario_and_every_action_are_described():
    edge = SCHEMA["$defs"]["edge"]["properties"]["params"]["properties"]
    names = ["latency_ms", "weight", "replication", "lag_ms", "timeout_ms", "breaker"]
    names += ["breaker_failure_ratio", "breaker_min_requests", "breaker_window_s", "breaker_open_s"]
    assert list(edge) == list(EDGE_PARAMS) == names
    assert edge["breaker"] == {**edge["breaker"], "type": "boolean", "default": False}
    assert edge["replication"]["enum"] == ["sync", "async", None]
    scenario = SCHEMA["$defs"]["scenario"]["properties"]
    assert set(SCENARIO_PARAMS) < set(scenario) and scenario["duration_s"]["maximum"] == 86_400
    events = scenario["events"]["items"]["oneOf"]
    assert events == [{"$ref": f"#/$defs/event_{action}"} for action in ACTIONS]
    for action, spec in ACTIONS.items():
        definition = SCHEMA["$defs"][f"event_{action}"]
        assert definition["description"] == spec.summary
        assert definition["properties"]["target"]["x-refers-to"] == spec.target
    assert SCHEMA["$defs"]["event_slow"]["properties"]["params"]["required"] == ["latency_ms"]


def test_the_valid_examples_and_their_normalized_forms_satisfy_the_schema(example, shop):
    for document in (example("one-server.json"), example("read-heavy-shop.json"), shop):
        assert errors(document, SCHEMA) == []
        assert errors(parse(document), SCHEMA) == []


def test_the_broken_example_breaks_the_schema_too(example):
    assert errors(example("broken.json"), SCHEMA)


def bad_values(spec) -> list:
    values = []
    if spec.minimum is not None:
        values.append(spec.minimum - 1)
    if spec.exclusive_minimum is not None:
        values.append(spec.exclusive_minimum)
    if spec.maximum is not None:
        values.append(spec.maximum + 1)
    if spec.choices is not None:
        values.append("bogus" if spec.type != "string" else 3)
    if spec.type == "integer":
        values += [1.5, True]
    if spec.type == "number":
        values += ["1", False]
    return values


@pytest.mark.parametrize("kind", list(KINDS))
def test_parse_and_the_schema_refuse_the_same_out_of_range_and_ill_typed_values(kind):
    checked = 0
    for name, spec in KINDS[kind].params.items():
        for value in bad_values(spec):
            document = {"format": 1, "nodes": [{"id": "n", "kind": kind, "params": {name: value}}]}
            assert errors(document, SCHEMA), (name, value)
            assert any(p.field == f"params.{name}" for p in validate(document)), (name, value)
            checked += 1
    assert checked >= len(KINDS[kind].params)
