"""The parameters of the format, seen whole: kinds, edges, the scenario and its actions.

A kind's parameters are declared in its own module of ``simulation.components``
(with its component class and its metrics); :data:`KINDS` gathers them from the
one registry there, ``simulation.components.KINDS``, in the palette's order. The
edges' and the scenario's parameters, and the scenario's actions, are declared
here. The building blocks (``param``, ``Int``, ``Number``, :class:`ParamSpec`,
:class:`Metric`) are in ``fields.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Field, Strict

from simulation import limits
from simulation.components import KINDS as COMPONENTS
from simulation.format.fields import Int, Kind, Metric, Number, Params, ParamSpec, param, specs_of

__all__ = [
    "ACTIONS",
    "EDGE_PARAMS",
    "KINDS",
    "SCENARIO_PARAMS",
    "Action",
    "KindSpec",
    "Metric",
    "ParamSpec",
    "kind_defaults",
]

# ---------------------------------------------------------------- edges and scenario


class EdgeParams(Params):
    latency_ms: Number = param(
        0.5,
        "One-way network delay, in ms (0.5 = within one data centre; a response travels back the same way).",
        unit="ms",
        ge=0,
        le=60_000,
    )
    weight: Number = param(
        1.0,
        "Relative share of traffic for weighted load balancing and weighted DNS.",
        ge=0,
        le=1_000_000,
    )
    replication: Literal["sync", "async"] | None = param(
        None,
        "Only on an edge between two databases, from primary to replica (or primary to primary): "
        "sync (a write completes when this replica has it) or async (applied after lag_ms); "
        "null = not a replication edge.",
        settable=False,
    )
    lag_ms: Number = param(
        100, "Mean delay before an async replicated write is applied, in ms.", unit="ms", ge=0, le=3_600_000
    )
    # Timeouts and circuit breakers on a call edge (never on a replication edge): see ``network.py``.
    timeout_ms: Number | None = param(
        None,
        "How long the caller waits for an answer over this edge before giving up, in ms: the call "
        "fails as timed out against the target (whose work goes on, wasted); null = wait for ever.",
        unit="ms",
        gt=0,
        le=3_600_000,
    )
    breaker: Annotated[bool, Strict()] = param(
        False,
        "A circuit breaker on this edge: when too many recent calls failed it opens, and calls fail "
        "at once without being sent (short-circuited) until a trial call after breaker_open_s succeeds.",
    )
    breaker_failure_ratio: Number = param(
        0.5,
        "The breaker opens when at least this share of the calls ended within breaker_window_s "
        "failed (refused, rejected or timed out), from 0 to 1.",
        unit="ratio",
        gt=0,
        le=1,
    )
    breaker_min_requests: Int = param(
        20,
        "The breaker judges only when at least this many calls ended within breaker_window_s.",
        unit="calls",
        ge=1,
        le=1_000_000,
    )
    breaker_window_s: Number = param(
        10, "How far back the breaker looks at ended calls, in s.", unit="s", gt=0, le=3_600
    )
    breaker_open_s: Number = param(
        5,
        "How long an open breaker short-circuits every call before it lets one trial call through "
        "(half-open), in s.",
        unit="s",
        gt=0,
        le=3_600,
    )


class ScenarioParams(Params):
    duration_s: Number = param(
        60, "Simulated time of the run, in s (at most 24 h).", unit="s", gt=0, le=limits.MAX_DURATION_S
    )
    warmup_s: Number = param(
        0,
        "Results exclude requests that started before this time, in s (must be less than duration_s).",
        unit="s",
        ge=0,
        le=limits.MAX_DURATION_S,
    )
    seed: Int = param(
        0,
        "Random seed: the same document and seed give byte-identical results.",
        ge=0,
        le=2**53 - 1,  # the largest integer JavaScript keeps exactly
    )


class NoParams(Params):
    pass


class SlowParams(Params):
    latency_ms: Number = Field(
        description="The edge's new one-way latency, in ms, from then on.",
        json_schema_extra={"x-unit": "ms"},
        ge=0,
        le=60_000,
    )


EDGE_PARAMS: dict[str, ParamSpec] = specs_of(EdgeParams)
SCENARIO_PARAMS: dict[str, ParamSpec] = specs_of(ScenarioParams)


# ---------------------------------------------------------------- kinds, from the registry


@dataclass(frozen=True)
class KindSpec:
    """A node kind as the format sees it: name, palette title and summary, model, parameters,
    traits (what generic code may ask of it) and the metrics it reports."""

    name: str
    title: str
    summary: str
    model: type[Kind]
    params: dict[str, ParamSpec]
    traits: dict[str, bool]
    metrics_in: str  # "nodes", or "clients" for a kind whose figures are per client
    summary_metrics: tuple[Metric, ...]
    window_metrics: tuple[Metric, ...]
    check: Callable[[dict[str, Any]], list[tuple[str, str]]]  # the kind's checks of its params together

    def defaults(self) -> dict[str, Any]:
        return {name: spec.default for name, spec in self.params.items()}


def _kind(component: type) -> KindSpec:
    model = component.Params
    return KindSpec(
        name=component.kind,
        title=model.TITLE,
        summary=model.SUMMARY,
        model=model,
        params=specs_of(model),
        traits=component.traits(),
        metrics_in=component.METRICS_IN,
        summary_metrics=tuple(component.summary_metrics()),
        window_metrics=tuple(component.window_metrics()),
        check=component.check_params,
    )


KINDS: dict[str, KindSpec] = {kind: _kind(component) for kind, component in COMPONENTS.items()}


@dataclass(frozen=True)
class Action:
    """A scenario action: what its target is and what params it takes."""

    name: str
    target: str  # "node" or "edge"
    summary: str
    model: type[Params] | None  # None: params are the target kind's, partial (set)
    params: dict[str, ParamSpec]


def _action(name: str, target: str, summary: str, model: type[Params] | None) -> Action:
    return Action(name, target, summary, model, specs_of(model) if model is not None else {})


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        _action(
            "fail", "node", "The node crashes: requests to it and those it holds fail at once.", NoParams
        ),
        _action("recover", "node", "The node comes back, empty (a cache recovers cold).", NoParams),
        _action("partition", "edge", "The edge drops every request sent across it.", NoParams),
        _action("heal", "edge", "The edge carries traffic again, with its own latency.", NoParams),
        _action("slow", "edge", "The edge's latency becomes params.latency_ms.", SlowParams),
        _action(
            "set",
            "node",
            "The node's params given here replace the current ones from then on (the others stay).",
            None,
        ),
    )
}


def kind_defaults(kind: str) -> dict[str, Any]:
    """Every parameter of ``kind`` with its default (raises KeyError for an unknown kind)."""
    return KINDS[kind].defaults()
