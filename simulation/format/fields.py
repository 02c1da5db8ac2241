"""The building blocks of parameters and metrics, which each kind's module uses to declare its own.

A *kind* (client, load_balancer, database, ...) lives in one module of
``simulation.components``: its component class, its parameter model (a pydantic
model built from :func:`param` fields: type, default, range, help text and unit
on one line) and the metrics it reports (:class:`Metric`). Everything else is
derived from those declarations: validation and default filling (``parse``),
the JSON Schema that drives the editor's palette, parameter panel, summary
table and chart pickers, and the :class:`ParamSpec` views of ``format.KINDS``.

Types are strict, as JSON is: ``"8"`` is not a number and ``true`` is not an
integer. An integer written as ``8.0`` is accepted as ``8`` because JSON Schema
(and JavaScript) cannot tell them apart. Numbers must be finite.

Custom schema keywords carried by a field (``json_schema_extra``):

``x-unit``       the unit shown next to the value ("ms", "s", "rps", "entries", ...)
``x-group``      "failover" for the standby parameters every kind shares
``x-settable``   false when a ``set`` scenario event may not change it (it would
                 change the topology's structure, not a component's behaviour)
``x-refers-to``  "node" when the value is the id of another node
``x-auto``       how a null ("auto") value is resolved by the engine

A parameter may also be a list (``list[X]``, for instance a client's
``rate_profile`` of ``[t_s, rps]`` points): its schema is an ``array`` whose
``items`` are derived from ``X`` the same way, bounds included, and whose
``maxItems`` comes from ``max_length``. Checks that a schema cannot say
(order, a limit's reason) belong in a validator on the type, with a message
that names what is wrong.

This module imports nothing else of the engine (only ``limits``): component
modules import it, and the format package derives its registry from them.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

import annotated_types
from pydantic import AllowInfNan, BaseModel, BeforeValidator, ConfigDict, Field, Strict

__all__ = [
    "SERVICE_CV_HELP",
    "SERVICE_DIST_HELP",
    "Failover",
    "Int",
    "Kind",
    "Metric",
    "Number",
    "ParamSpec",
    "Params",
    "ServiceDist",
    "hourly_price",
    "param",
    "specs_of",
    "usage_price",
]


def _integral_float_to_int(value: object) -> object:
    # JSON Schema's "integer" accepts 8.0, and JavaScript cannot write it any other
    # way, so the validator must accept it too; 8.5 stays a float and is refused.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Int = Annotated[int, Strict(), BeforeValidator(_integral_float_to_int)]
Number = Annotated[float, Strict(), AllowInfNan(False)]


def param(
    default: Any,
    help: str,
    *,
    unit: str | None = None,
    group: str | None = None,
    settable: bool = True,
    refers_to: str | None = None,
    auto: str | None = None,
    **constraints: Any,
) -> Any:
    """One parameter: its default, help text (with the unit) and range."""
    extra: dict[str, Any] = {}
    if unit:
        extra["x-unit"] = unit
    if group:
        extra["x-group"] = group
    if not settable:
        extra["x-settable"] = False
    if refers_to:
        extra["x-refers-to"] = refers_to
    if auto:
        extra["x-auto"] = auto
    return Field(default, description=help, json_schema_extra=extra or None, **constraints)


class Params(BaseModel):
    """Base of every parameter model: unknown parameters are errors, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


ServiceDist = Literal["exponential", "constant", "lognormal"]
SERVICE_DIST_HELP = (
    "Distribution of service times around the mean: exponential (memoryless, as in "
    "M/M/c queueing theory), constant (every request takes exactly the mean), or "
    "lognormal (a long tail whose spread is set by service_cv)."
)
SERVICE_CV_HELP = (
    "Coefficient of variation (standard deviation / mean) of lognormal service "
    "times; ignored by the other distributions."
)

# ---------------------------------------------------------------- failover


class Failover(Params):
    """Active-passive failover, shared by every kind."""

    standby_for: str | list[str] | None = param(
        None,
        "Id of the node (of the same kind) this one stands by for; null = not a standby. "
        "When that node fails, this one takes its place after "
        "missed_heartbeats x heartbeat_ms (plus startup_s if cold). A database standby is a "
        "replica of the primary it protects; until it takes over a standby gets no traffic. "
        "A list of ids (N+1) makes it one spare for several nodes: it replaces the first to fail.",
        group="failover",
        settable=False,
        refers_to="node",
    )
    standby: Literal["hot", "cold"] = param(
        "hot",
        "hot: already running and ready to take over; cold: must boot first (startup_s).",
        group="failover",
    )
    heartbeat_ms: Number = param(
        500,
        "Interval between heartbeats from the active node to its standby, in ms.",
        unit="ms",
        group="failover",
        gt=0,
        le=600_000,
    )
    missed_heartbeats: Int = param(
        3,
        "Missed heartbeats in a row after which the standby declares the active node dead.",
        unit="heartbeats",
        group="failover",
        ge=1,
        le=100,
    )
    startup_s: Number = param(
        30,
        "Time a cold standby needs to start before it serves, in s (a hot standby needs none).",
        unit="s",
        group="failover",
        ge=0,
        le=3_600,
    )


class Kind(Failover):
    """A node kind: its parameters plus those every kind shares (failover, cost).

    ``cost_per_hour`` defaults to 0 here; each kind's model sets the default it
    documents (``docs/cost.md``: public on-demand prices, with source and date).
    """

    TITLE: ClassVar[str]
    SUMMARY: ClassVar[str]

    cost_per_hour: Number = param(
        0,
        "What one running instance costs per hour, in USD (billed while it runs, failed or not).",
        unit="USD/h",
        group="cost",
        ge=0,
        le=1_000_000,
    )


# ---------------------------------------------------------------- derived views of a model


def hourly_price(default: float, source: str) -> Any:
    """A kind's ``cost_per_hour``: its default and where that price comes from (see docs/cost.md)."""
    return param(
        default,
        f"What one running instance costs per hour, in USD; the default: {source} "
        "(us-east-1 list price, see docs/cost.md).",
        unit="USD/h",
        group="cost",
        ge=0,
        le=1_000_000,
    )


def usage_price(default: float) -> Any:
    """``cost_per_million_requests`` of a kind priced by use (cdn, dns, queue)."""
    return param(
        default,
        "What a million requests through it cost, in USD (usage pricing).",
        unit="USD",
        group="cost",
        ge=0,
        le=1_000_000,
    )


@dataclass(frozen=True)
class ParamSpec:
    """One parameter as Python callers and the schema generator see it."""

    name: str
    type: str  # "integer", "number", "string", "boolean" or "array"
    default: Any
    help: str
    nullable: bool = False
    required: bool = False
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    exclusive_minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None
    group: str | None = None
    settable: bool = True
    refers_to: str | None = None
    auto: str | None = None
    items: dict[str, Any] | None = None  # for an "array": the JSON Schema of one item
    or_list: bool = False  # a value of ``type`` or a list of them (``items``): standby_for
    max_items: int | None = None  # for an "array": the most items it may hold

    def json_schema(self) -> dict[str, Any]:
        """This parameter as a JSON Schema property."""
        types = [self.type] + (["array"] if self.or_list else []) + (["null"] if self.nullable else [])
        schema: dict[str, Any] = {"type": types if len(types) > 1 else self.type}
        if self.choices is not None:
            schema["enum"] = list(self.choices) + ([None] if self.nullable else [])
        for keyword, value in (
            ("minimum", self.minimum),
            ("exclusiveMinimum", self.exclusive_minimum),
            ("maximum", self.maximum),
        ):
            if value is not None:
                schema[keyword] = value
        if self.items is not None:
            schema["items"] = self.items
        if self.max_items is not None:
            schema["maxItems"] = self.max_items
        if not self.required:
            schema["default"] = self.default
        schema["description"] = self.help
        for keyword, value in (
            ("x-unit", self.unit),
            ("x-group", self.group),
            ("x-refers-to", self.refers_to),
            ("x-auto", self.auto),
        ):
            if value is not None:
                schema[keyword] = value
        if not self.settable:
            schema["x-settable"] = False
        return schema


_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string"}


def _bounds(metadata: Any) -> dict[str, float]:
    """The range constraints (``ge``, ``gt``, ``le``, ``max_length``) among a field's or a type's metadata."""
    bounds: dict[str, float] = {}
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            bounds["minimum"] = item.ge
        elif isinstance(item, annotated_types.Gt):
            bounds["exclusive_minimum"] = item.gt
        elif isinstance(item, annotated_types.Le):
            bounds["maximum"] = item.le
        elif isinstance(item, annotated_types.MaxLen):
            bounds["max_items"] = item.max_length
    return bounds


def _item_schema(annotation: Any) -> dict[str, Any]:
    """The JSON Schema of one item of a list parameter (itself a number, a string, a choice or a list)."""
    metadata: tuple[Any, ...] = ()
    if typing.get_origin(annotation) is Annotated:
        annotation, *rest = typing.get_args(annotation)
        metadata = tuple(rest)
    bounds = _bounds(metadata)
    if typing.get_origin(annotation) is list:
        schema: dict[str, Any] = {"type": "array", "items": _item_schema(typing.get_args(annotation)[0])}
    elif typing.get_origin(annotation) is Literal:
        choices = typing.get_args(annotation)
        schema = {"type": _JSON_TYPES[type(choices[0])], "enum": list(choices)}
    else:
        schema = {"type": _JSON_TYPES[annotation]}
    for name, keyword in (
        ("minimum", "minimum"),
        ("exclusive_minimum", "exclusiveMinimum"),
        ("maximum", "maximum"),
        ("max_items", "maxItems"),
    ):
        if name in bounds:
            schema[keyword] = bounds[name]
    return schema


def _spec_of(name: str, field: Any) -> ParamSpec:
    annotation = field.annotation
    nullable = False
    or_list = False
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        nullable = len(members) < len(typing.get_args(annotation))
        lists = [a for a in members if typing.get_origin(a) is list]
        if len(members) == 2 and len(lists) == 1 and typing.get_args(lists[0])[0] in members:
            or_list = True  # X | list[X]: one value, or several
            members = [a for a in members if a is not lists[0]]
        (annotation,) = members
    if typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    choices = None
    items = None
    if typing.get_origin(annotation) is list:
        json_type = "array"
        items = _item_schema(typing.get_args(annotation)[0])
    elif typing.get_origin(annotation) is Literal:
        choices = typing.get_args(annotation)
        json_type = _JSON_TYPES[type(choices[0])]
    else:
        json_type = _JSON_TYPES[annotation]
    bounds = _bounds(field.metadata)
    extra = field.json_schema_extra or {}
    required = field.is_required()
    default = None if required else field.default
    if json_type == "number" and isinstance(default, int):
        default = float(default)  # the normalized document holds floats for numbers
    return ParamSpec(
        name=name,
        type=json_type,
        default=default,
        help=field.description or "",
        nullable=nullable,
        required=required,
        choices=choices,
        unit=extra.get("x-unit"),
        group=extra.get("x-group"),
        settable=extra.get("x-settable", True),
        refers_to=extra.get("x-refers-to"),
        auto=extra.get("x-auto"),
        items={"type": json_type} if or_list else items,
        or_list=or_list,
        **bounds,
    )


def specs_of(model: type[BaseModel]) -> dict[str, ParamSpec]:
    """The parameters of ``model`` as :class:`ParamSpec`, a kind's own first."""
    specs = {name: _spec_of(name, field) for name, field in model.model_fields.items()}
    # A kind's own parameters first, then its other groups (scaling), then cost, the shared
    # failover ones last: the order the parameter panel shows them and the normalized document
    # lists them (sorted is stable: within a group, the order of declaration).
    rank = {None: 0, "cost": 2, "failover": 3}
    return dict(sorted(specs.items(), key=lambda item: rank.get(item[1].group, 1)))


# ---------------------------------------------------------------- metrics


@dataclass(frozen=True)
class Metric:
    """One figure a kind reports: where it is, what it means, and which way is good.

    ``name`` is a dotted path into the node's entry of the results (``"hit_ratio"``,
    ``"latency_ms.p99"``, ``"failures.refused"``) for a summary metric, or a field of
    the node's part of a window message for a window metric. ``unit`` is ``"ratio"``
    (0..1, shown as a percentage), ``"ms"``, ``"s"``, ``"rps"``, ``"x"`` or a count noun
    (``"requests"``, ``"objects"``, ...). ``better`` is ``"higher"``, ``"lower"`` or
    None when neither is good in itself (arrivals, say).
    """

    name: str
    label: str
    unit: str
    help: str
    better: str | None = None

    def __post_init__(self) -> None:
        if self.better not in ("higher", "lower", None):
            raise ValueError(f"metric {self.name}: better must be 'higher', 'lower' or None")

    def json_schema(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "unit": self.unit,
            "help": self.help,
            "better": self.better,
        }
