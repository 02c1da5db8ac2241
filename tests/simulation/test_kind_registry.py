"""One place per kind: the registry, the format, the schema and the engine agree.

A kind is one module of ``simulation.components`` (its component class, its
parameter model, its traits and its metrics) plus one line in the registry. These
tests hold the rest of the project to that: everything that lists kinds derives
the list from the registry, and every figure a kind reports is declared.
"""

import ast
import json
from functools import cache
from pathlib import Path

import pytest

from simulation import components
from simulation.components.base import TRAITS
from simulation.format import KINDS, json_schema
from simulation.presets import load_presets
from tests.simulation.test_presets import _results as preset_runs

SCHEMA = json_schema()
ENGINE_SOURCE = Path(components.__file__).resolve().parent.parent / "engine.py"


def test_the_format_and_the_schema_list_the_registrys_kinds_in_its_order():
    registry = list(components.KINDS)
    assert list(KINDS) == registry
    listed = [ref["$ref"].rsplit("/", 1)[1] for ref in SCHEMA["properties"]["nodes"]["items"]["oneOf"]]
    assert listed == registry


@pytest.mark.parametrize("kind", list(components.KINDS))
def test_each_kind_is_one_module_with_its_class_model_traits_and_metrics(kind):
    component = components.KINDS[kind]
    assert component.kind == kind
    module = component.__module__
    assert component.Params.__module__ == module, "the parameter model lives beside the component"
    spec = KINDS[kind]
    assert spec.model is component.Params
    assert set(component.TRAITS) <= set(TRAITS), f"unknown traits {set(component.TRAITS) - set(TRAITS)}"
    definition = SCHEMA["$defs"][kind]
    assert definition["x-traits"] == {name: name in component.TRAITS for name in TRAITS}
    assert definition["x-metrics"]["in"] in ("nodes", "clients")
    for section in ("summary", "window"):
        names = [m["name"] for m in definition["x-metrics"][section]]
        assert len(names) == len(set(names)), f"{kind}: a {section} metric declared twice"
        for metric in definition["x-metrics"][section]:
            assert metric["label"] and metric["help"] and metric["better"] in ("higher", "lower", None)


def test_the_engine_names_no_kind():
    strings = {
        node.value
        for node in ast.walk(ast.parse(ENGINE_SOURCE.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    assert not strings & set(components.KINDS), "engine.py asks components through hooks and traits"


def _paths(value, prefix=""):
    """The dotted paths of the numbers in a results entry."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, f"{prefix}{key}.")
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield prefix[:-1]


@cache
def reported() -> dict[str, dict[str, set[str]]]:
    """Per kind, the summary paths and window fields reported by the runs of every preset
    (the same runs the presets' own tests make, computed once per session)."""
    found = {kind: {"summary": set(), "window": set()} for kind in components.KINDS}
    for preset in load_presets():
        results_json, windows_json = preset_runs(preset["id"])
        results, windows = json.loads(results_json), json.loads(windows_json)
        for spec in preset["document"]["nodes"]:
            kind = spec["kind"]
            where = KINDS[kind].metrics_in
            found[kind]["summary"] |= set(_paths(results[where][spec["id"]]))
            for message in windows:
                found[kind]["window"] |= set(_paths(message["window"][where][spec["id"]]))
    return found


# The websocket contract puts these in every node's window, as zeros where a kind has no workers
# or queue: they are declared only by the kinds for which they mean something.
CONTRACT_WINDOW_FIELDS = {"utilization", "queue_len", "completed_rps"}


@pytest.mark.parametrize("kind", list(components.KINDS))
def test_every_figure_a_kind_reports_is_declared_and_every_declared_one_is_reported(kind):
    spec = KINDS[kind]
    for section, declared in (("summary", spec.summary_metrics), ("window", spec.window_metrics)):
        names = {m.name for m in declared}
        # Not metrics of their own: how a balancer split its requests (one number per target), and
        # the contract's ``rejected`` beside a queueing node's ``failures.rejected``.
        seen = {p for p in reported()[kind][section] if p.split(".")[0] not in ("targets", "rejected")}
        if section == "window":
            seen -= CONTRACT_WINDOW_FIELDS - names
        assert seen - names == set(), f"{kind}: reported in its {section} but not declared"
        assert names - seen == set(), f"{kind}: declared for its {section} but no preset run reports it"
