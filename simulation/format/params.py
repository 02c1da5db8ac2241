"""Every parameter of the topology format, defined once.

A *kind* (client, load_balancer, database, ...) is a pydantic model whose fields
are its parameters: type, default, range, help text and unit live together on one
line. Everything else is derived from these models:

- validation and default filling (``parse`` calls ``model_validate``),
- the JSON Schema that drives the editor's palette and parameter panel,
- the :class:`ParamSpec` views that Python callers read through :data:`KINDS`.

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
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

import annotated_types
from pydantic import AllowInfNan, BaseModel, BeforeValidator, ConfigDict, Field, Strict

from simulation import limits

__all__ = [
    "ACTIONS",
    "EDGE_PARAMS",
    "KINDS",
    "SCENARIO_PARAMS",
    "Action",
    "KindSpec",
    "ParamSpec",
    "kind_defaults",
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

    standby_for: str | None = param(
        None,
        "Id of the node (of the same kind) this one stands by for; null = not a standby. "
        "When that node fails, this one takes its place after "
        "missed_heartbeats x heartbeat_ms (plus startup_s if cold). A database standby is a "
        "replica of the primary it protects; until it takes over a standby gets no traffic.",
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
    """A node kind: its parameters plus the failover ones it inherits."""

    TITLE: ClassVar[str]
    SUMMARY: ClassVar[str]


# ---------------------------------------------------------------- kinds


class Client(Kind):
    TITLE = "Client"
    SUMMARY = "Users sending requests (reads and writes of keys) at a given rate to one target."

    rate_rps: Number = param(
        100,
        "Mean requests per second this client sends (a set event can change it during the run).",
        unit="rps",
        gt=0,
        le=limits.MAX_RATE_RPS,
    )
    arrival: Literal["poisson", "constant"] = param(
        "poisson",
        "Spacing of requests: poisson (random, exponential gaps, like many independent users) "
        "or constant (evenly spaced).",
    )
    read_ratio: Number = param(
        0.9, "Share of requests that are reads (the rest are writes), from 0 to 1.", ge=0, le=1
    )
    key_count: Int = param(
        10_000, "Number of distinct keys the requests read and write.", unit="keys", ge=1, le=1_000_000
    )
    key_distribution: Literal["uniform", "zipf"] = param(
        "uniform",
        "How keys are drawn: uniform (every key equally popular) or zipf (a few hot keys, skewed by zipf_s).",
    )
    zipf_s: Number = param(
        1.0,
        "Zipf exponent: the popularity of the k-th key is proportional to 1 / k^zipf_s; "
        "larger = more skewed.",
        gt=0,
        le=10,
    )
    static_ratio: Number = param(
        0,
        "Share of requests for static assets (served by a cdn when there is one), from 0 to 1.",
        ge=0,
        le=1,
    )
    session_count: Int = param(
        1_000,
        "Number of user sessions; each request belongs to one, drawn uniformly "
        "(ip_hash load balancing and local session stores use it).",
        unit="sessions",
        ge=1,
        le=1_000_000,
    )
    timeout_ms: Number | None = param(
        None,
        "How long the client waits for an answer before giving up on an attempt, in ms; "
        "null = wait for ever.",
        unit="ms",
        gt=0,
        le=3_600_000,
    )
    max_retries: Int = param(
        0,
        "How many times a rejected, refused or timed-out request is retried.",
        unit="retries",
        ge=0,
        le=20,
    )
    retry_backoff_ms: Number = param(
        100,
        "Wait before the first retry, in ms; doubled at each further retry, with random jitter "
        "(exponential backoff).",
        unit="ms",
        ge=0,
        le=600_000,
    )
    slo_ms: Number | None = param(
        None,
        "Latency objective in ms: goodput counts the successes answered within it; "
        "null = no objective (goodput equals throughput).",
        unit="ms",
        gt=0,
        le=3_600_000,
    )


class Dns(Kind):
    TITLE = "DNS"
    SUMMARY = "Resolves a name to one of its targets; clients cache the answer for ttl_s."

    ttl_s: Number = param(
        60,
        "How long a client keeps using a resolved answer, in s, even if that target has died; "
        "0 = resolve on every request.",
        unit="s",
        ge=0,
        le=86_400,
    )
    policy: Literal["round_robin", "weighted", "failover", "latency"] = param(
        "round_robin",
        "Which target an answer names: round_robin (in turn), weighted (in proportion to the "
        "edges' weight), failover (the first healthy target) or latency (the target with the "
        "lowest edge latency).",
    )
    lookup_ms: Number = param(
        20,
        "Time a lookup takes when the client's cached answer has expired, in ms.",
        unit="ms",
        ge=0,
        le=10_000,
    )


class Cdn(Kind):
    TITLE = "CDN"
    SUMMARY = "Serves static requests from the edge; dynamic requests pass through to the origin."

    mode: Literal["pull", "push"] = param(
        "pull",
        "pull: a missing or expired object is fetched from the origin (the cdn's target) first; "
        "push: every object is placed ahead of time and never misses, at the cost of storing all.",
    )
    ttl_s: Number = param(
        300,
        "How long a pulled object stays fresh at the edge, in s.",
        unit="s",
        ge=0,
        le=31_536_000,
    )
    capacity: Int = param(
        10_000,
        "Objects the edge can store (least recently used are evicted).",
        unit="objects",
        ge=1,
        le=10_000_000,
    )
    edge_ms: Number = param(5, "Time to serve a request at the edge, in ms.", unit="ms", ge=0, le=10_000)


class LoadBalancer(Kind):
    TITLE = "Load balancer"
    SUMMARY = "Spreads requests over its healthy targets; health checks find dead ones."

    algorithm: Literal[
        "round_robin", "weighted_round_robin", "random", "least_connections", "ip_hash", "consistent_hash"
    ] = param(
        "round_robin",
        "How a target is chosen: round_robin (in turn), weighted_round_robin (in proportion to the "
        "edges' weight), random, least_connections (fewest requests in flight), ip_hash (by client "
        "session: sticky sessions) or consistent_hash (by key: sharding).",
    )
    layer: Literal[4, 7] = param(
        4,
        "OSI layer it balances at: 4 (transport: fast, sees only addresses) or 7 (application: "
        "reads each request, costs more).",
    )
    overhead_ms: Number | None = param(
        None,
        "Time the balancer adds to each request, in ms; null = auto: 0.2 ms at layer 4, 1.0 ms at layer 7.",
        unit="ms",
        ge=0,
        le=10_000,
        auto="0.2 for layer 4, 1.0 for layer 7",
    )
    health_check_interval_ms: Number = param(
        1000, "Interval between health checks of each target, in ms.", unit="ms", gt=0, le=600_000
    )
    unhealthy_threshold: Int = param(
        3,
        "Failed health checks in a row after which a target stops receiving requests; "
        "until then a dead target keeps getting traffic.",
        unit="checks",
        ge=1,
        le=100,
    )


class AppServer(Kind):
    TITLE = "App server"
    SUMMARY = "Runs the application: a pool of workers that serve requests and call downstream."

    workers: Int = param(
        8,
        "Worker threads: requests served at once; a worker is held while it waits for downstream calls.",
        unit="workers",
        ge=1,
        le=10_000,
    )
    service_ms: Number = param(
        10, "Mean CPU time to serve one request, in ms (divided by cpu_speed).", unit="ms", gt=0, le=3_600_000
    )
    service_dist: ServiceDist = param("exponential", SERVICE_DIST_HELP)
    service_cv: Number = param(1.0, SERVICE_CV_HELP, gt=0, le=10)
    queue_limit: Int | None = param(
        None,
        "Most requests waiting for a worker (not counting those being served); a full queue "
        "rejects with 503; null = unbounded.",
        unit="requests",
        ge=0,
        le=1_000_000,
    )
    cpu_speed: Number = param(
        1.0,
        "Relative CPU speed: service times are divided by it (vertical scaling: 2 = twice as fast).",
        unit="x",
        gt=0,
        le=100,
    )
    session_store: Literal["local", "shared"] = param(
        "local",
        "Where user sessions live: local (in this server's memory: lost when it dies) or shared "
        "(an external store: any server can serve any session, for a 0.5 ms round trip per request).",
    )


class Cache(Kind):
    TITLE = "Cache"
    SUMMARY = "An in-memory key-value cache in front of a database (Redis, Memcached)."

    capacity: Int = param(
        1_000, "Entries the cache holds before it evicts.", unit="entries", ge=1, le=10_000_000
    )
    eviction: Literal["lru", "lfu", "fifo"] = param(
        "lru",
        "Which entry goes when the cache is full: lru (least recently used), lfu (least "
        "frequently used) or fifo (oldest inserted).",
    )
    ttl_s: Number | None = param(
        None,
        "How long an entry stays valid, in s; null = no expiry (entries leave only by eviction).",
        unit="s",
        gt=0,
        le=31_536_000,
    )
    strategy: Literal["cache_aside", "write_through", "write_behind", "refresh_ahead"] = param(
        "cache_aside",
        "cache_aside: the app reads the cache, on a miss reads the database and fills the cache, "
        "and a write goes to the database and drops the entry; write_through: writes update the "
        "cache and the database together; write_behind: writes update the cache and reach the "
        "database later (write_behind_flush_ms); refresh_ahead: entries close to expiry are "
        "refreshed in the background (refresh_ahead_factor).",
    )
    hit_ms: Number = param(0.5, "Time to answer from the cache, in ms.", unit="ms", ge=0, le=10_000)
    write_behind_flush_ms: Number = param(
        1000,
        "With write_behind: how long a write waits in the cache before it reaches the database, "
        "in ms (writes still waiting when the cache fails are lost).",
        unit="ms",
        ge=0,
        le=3_600_000,
    )
    refresh_ahead_factor: Number = param(
        0.8,
        "With refresh_ahead and a ttl_s: a read of an entry older than this fraction of its ttl "
        "refreshes it from the database in the background.",
        gt=0,
        le=1,
    )


class Database(Kind):
    TITLE = "Database"
    SUMMARY = "Stores the data: a primary takes writes; replicas follow it over replication edges."

    role: Literal["primary", "replica"] = param(
        "primary",
        "primary: takes the writes; replica: a copy fed by one incoming replication edge from its "
        "primary, serves reads.",
        settable=False,
    )
    workers: Int = param(16, "Connection limit: queries served at once.", unit="connections", ge=1, le=10_000)
    read_ms: Number = param(5, "Mean time to serve a read, in ms.", unit="ms", gt=0, le=3_600_000)
    write_ms: Number = param(10, "Mean time to serve a write, in ms.", unit="ms", gt=0, le=3_600_000)
    service_dist: ServiceDist = param("exponential", SERVICE_DIST_HELP)
    service_cv: Number = param(1.0, SERVICE_CV_HELP, gt=0, le=10)
    queue_limit: Int | None = param(
        None,
        "Most queries waiting for a connection; a full queue rejects; null = unbounded.",
        unit="queries",
        ge=0,
        le=1_000_000,
    )
    read_from: Literal["primary", "replicas", "any"] | None = param(
        None,
        "On a primary, where reads go: primary, replicas (spread over them) or any (primary and "
        "replicas); null = auto: replicas when it has any, else primary.",
        auto="replicas when the primary has replicas, else primary",
    )


class Queue(Kind):
    TITLE = "Queue"
    SUMMARY = "A message queue: app servers enqueue writes and answer at once; workers consume them."

    capacity: Int | None = param(
        None,
        "Most jobs the queue holds; when full it rejects new ones (back pressure); null = unbounded.",
        unit="jobs",
        ge=1,
        le=100_000_000,
    )


class Worker(Kind):
    TITLE = "Worker"
    SUMMARY = "Consumes jobs from the queue that points to it and may write to its database."

    workers: Int = param(4, "Jobs processed at once.", unit="workers", ge=1, le=10_000)
    service_ms: Number = param(50, "Mean time to process one job, in ms.", unit="ms", gt=0, le=3_600_000)
    service_dist: ServiceDist = param("exponential", SERVICE_DIST_HELP)
    service_cv: Number = param(1.0, SERVICE_CV_HELP, gt=0, le=10)


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


# ---------------------------------------------------------------- derived views


@dataclass(frozen=True)
class ParamSpec:
    """One parameter as Python callers and the schema generator see it."""

    name: str
    type: str  # "integer", "number" or "string"
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

    def json_schema(self) -> dict[str, Any]:
        """This parameter as a JSON Schema property."""
        schema: dict[str, Any] = {"type": [self.type, "null"] if self.nullable else self.type}
        if self.choices is not None:
            schema["enum"] = list(self.choices) + ([None] if self.nullable else [])
        for keyword, value in (
            ("minimum", self.minimum),
            ("exclusiveMinimum", self.exclusive_minimum),
            ("maximum", self.maximum),
        ):
            if value is not None:
                schema[keyword] = value
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


def _spec_of(name: str, field: Any) -> ParamSpec:
    annotation = field.annotation
    nullable = False
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        nullable = len(members) < len(typing.get_args(annotation))
        (annotation,) = members
    if typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    choices = None
    if typing.get_origin(annotation) is Literal:
        choices = typing.get_args(annotation)
        base = type(choices[0])
    else:
        base = annotation
    json_type = {int: "integer", float: "number", str: "string"}[base]
    bounds: dict[str, float] = {}
    for item in field.metadata:
        if isinstance(item, annotated_types.Ge):
            bounds["minimum"] = item.ge
        elif isinstance(item, annotated_types.Gt):
            bounds["exclusive_minimum"] = item.gt
        elif isinstance(item, annotated_types.Le):
            bounds["maximum"] = item.le
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
        **bounds,
    )


def _specs(model: type[BaseModel]) -> dict[str, ParamSpec]:
    specs = {name: _spec_of(name, field) for name, field in model.model_fields.items()}
    # A kind's own parameters first, the shared failover ones last: the order the
    # parameter panel shows them and the normalized document lists them.
    own = {n: s for n, s in specs.items() if s.group != "failover"}
    return own | {n: s for n, s in specs.items() if s.group == "failover"}


@dataclass(frozen=True)
class KindSpec:
    """A node kind: its name, palette title and summary, model and parameters."""

    name: str
    title: str
    summary: str
    model: type[Kind]
    params: dict[str, ParamSpec]

    def defaults(self) -> dict[str, Any]:
        return {name: spec.default for name, spec in self.params.items()}


def _kind(name: str, model: type[Kind]) -> KindSpec:
    return KindSpec(name, model.TITLE, model.SUMMARY, model, _specs(model))


# The palette's order: from the users inwards to the data.
KINDS: dict[str, KindSpec] = {
    spec.name: spec
    for spec in (
        _kind("client", Client),
        _kind("dns", Dns),
        _kind("cdn", Cdn),
        _kind("load_balancer", LoadBalancer),
        _kind("app_server", AppServer),
        _kind("cache", Cache),
        _kind("database", Database),
        _kind("queue", Queue),
        _kind("worker", Worker),
    )
}

EDGE_PARAMS: dict[str, ParamSpec] = _specs(EdgeParams)
SCENARIO_PARAMS: dict[str, ParamSpec] = _specs(ScenarioParams)


@dataclass(frozen=True)
class Action:
    """A scenario action: what its target is and what params it takes."""

    name: str
    target: str  # "node" or "edge"
    summary: str
    model: type[Params] | None  # None: params are the target kind's, partial (set)
    params: dict[str, ParamSpec]


def _action(name: str, target: str, summary: str, model: type[Params] | None) -> Action:
    return Action(name, target, summary, model, _specs(model) if model is not None else {})


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
