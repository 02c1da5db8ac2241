"""Reading a topology document: structure, parameters, wiring, scenario, limits.

``parse`` turns what a user wrote into the one normalized shape the engine
reads: every node and edge parameter present (defaults filled), edge ids given,
scenario events sorted by time. ``validate`` answers the same question without
the result. Both look at the whole document and report every problem at once,
because a person fixing a diagram wants the full list, not one error per try.

The checks come in layers, each working with whatever the previous ones could
make sense of, so that one mistake does not bury the others under echoes:

1. shape: a JSON object with ``format`` 1 (an optional ``name``, ``description``:
   what the document shows, in prose, and ``watch``: the figures to watch when it
   runs, each a metric its node's kind declares), a list of nodes, each with an id and
   a known kind; unknown keys anywhere are refused;
2. parameters: each node's params against its kind's model, each edge's against
   the edge model (see ``params.py``);
3. wiring (``wiring.py``): edges join existing nodes, a client has exactly one
   target, a replica has exactly one primary, a cache has a database behind it, ...;
4. scenario: times inside the run, actions on targets of the right sort, ``set``
   params valid for the target's kind;
5. limits (``simulation.limits``): sizes and the number of requests a run may
   generate.

``parse`` is idempotent: a normalized document parses to itself.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import ValidationError

from simulation import limits
from simulation.components.client import profile_area
from simulation.format.params import (
    ACTIONS,
    EDGE_PARAMS,
    KINDS,
    SCENARIO_PARAMS,
    EdgeParams,
    Params,
    ParamSpec,
    ScenarioParams,
)
from simulation.format.problems import InvalidDocument, Problem, describe, problems_from_pydantic
from simulation.format.wiring import EdgeRecord, Graph, NodeRecord, check_wiring

__all__ = ["FORMAT", "parse", "read", "validate"]

FORMAT = 1
DEFAULT_NAME = "Untitled"
DOCUMENT_KEYS = ("format", "name", "description", "watch", "nodes", "edges", "scenario")
NODE_KEYS = ("id", "kind", "label", "x", "y", "params")
EDGE_KEYS = ("id", "source", "target", "params")
SCENARIO_KEYS = ("duration_s", "warmup_s", "seed", "events")
EVENT_KEYS = ("at_s", "action", "target", "params")
KNOWN_KINDS = ", ".join(KINDS)


def parse(document: object) -> dict[str, Any]:
    """Validate ``document`` and return a new, normalized copy of it.

    Raises :class:`InvalidDocument` listing every problem found. The input is
    never modified.
    """
    reader = _Reader()
    normalized = reader.read(document)
    if reader.problems:
        raise InvalidDocument(reader.problems)
    return normalized


def read(document: object) -> tuple[dict[str, Any], list[Problem]]:
    """The normalized document as far as it could be made sense of, and every problem in it.

    For tools that can work around some problems (``simulation.analysis`` reports
    loops of calls instead of refusing them); the engine wants ``parse``.
    """
    reader = _Reader()
    normalized = reader.read(document)
    return normalized, reader.problems


def validate(document: object) -> list[Problem]:
    """Every problem in ``document``; an empty list when it is valid."""
    reader = _Reader()
    reader.read(document)
    return reader.problems


def _type_word(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _expected(rate: float, profile: object, start: float, end: float) -> float:
    """Requests a client sends from ``start`` to ``end``: the area under its profile, or rate x time."""
    if isinstance(profile, list) and profile:
        return profile_area(profile, start, end)
    return rate * (end - start)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


class _Reader:
    """One pass over one document, collecting problems as it goes."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.graph = Graph()
        self.nodes = self.graph.nodes  # id -> NodeRecord, of the nodes read without a fatal problem
        self.edge_ids: dict[str, EdgeRecord] = {}

    def problem(
        self, where: str, field: str, message: str, *, node: str | None = None, edge: str | None = None
    ):
        self.problems.append(Problem(where, node, edge, field, message))

    # ------------------------------------------------------------ document

    def read(self, document: object) -> dict[str, Any]:
        if not isinstance(document, dict):
            self.problem(
                "document",
                "",
                f"must be a JSON object with format, name, nodes, edges and scenario (got {_type_word(document)})",
            )
            return {}
        # The caller's objects are only read: everything returned is built anew
        # (params come from model_dump), so the input stays untouched and unshared.
        self.unknown_keys(document, DOCUMENT_KEYS, "document", "", "the document")
        if "format" not in document:
            self.problem("document", "format", f'is required: add "format": {FORMAT}')
        elif document["format"] != FORMAT or isinstance(document["format"], bool):
            self.problem(
                "document",
                "format",
                f"must be {FORMAT} (got {describe(document['format'])}); this engine reads format {FORMAT}",
            )
        name = document.get("name", DEFAULT_NAME)
        if not isinstance(name, str):
            self.problem("document", "name", f"must be a string (got {describe(name)})")
        elif len(name) > limits.MAX_NAME_LENGTH:
            self.problem("document", "name", f"must be at most {limits.MAX_NAME_LENGTH} characters long")
        description = document.get("description")
        if description is not None and not isinstance(description, str):
            self.problem("document", "description", f"must be a string (got {describe(description)})")
        elif description is not None and len(description) > limits.MAX_DESCRIPTION_LENGTH:
            self.problem(
                "document",
                "description",
                f"must be at most {limits.MAX_DESCRIPTION_LENGTH:,} characters long (got {len(description):,})",
            )

        nodes = self.read_list(document, "nodes", limits.MAX_NODES, required=True)
        edges = self.read_list(document, "edges", limits.MAX_EDGES, required=False)
        normalized_nodes = [n for i, raw in enumerate(nodes) if (n := self.read_node(i, raw)) is not None]
        normalized_edges = [e for i, raw in enumerate(edges) if (e := self.read_edge(i, raw)) is not None]
        check_wiring(self.graph, self.problem)
        scenario = self.read_scenario(document.get("scenario"))
        watch = self.read_watch(document.get("watch"))
        normalized: dict[str, Any] = {"format": FORMAT, "name": name}
        if description is not None:
            normalized["description"] = description  # kept only when given: absent stays absent
        if watch is not None:
            normalized["watch"] = watch
        return {
            **normalized,
            "nodes": normalized_nodes,
            "edges": normalized_edges,
            "scenario": scenario,
        }

    def read_watch(self, raw: object) -> list[dict[str, str]] | None:
        """The figures to watch: ``{"node": id, "metric": m}`` or ``{"client": id, "metric": m}``,
        where ``m`` is a summary metric the kind of that node declares (see ``fields.Metric``)."""
        if raw is None:
            return None
        if not isinstance(raw, list):
            self.problem("document", "watch", f"must be a list of figures to watch (got {_type_word(raw)})")
            return None
        if len(raw) > limits.MAX_WATCHED:
            self.problem("document", "watch", f"names {len(raw)} figures; the limit is {limits.MAX_WATCHED}")
            return None
        watch = []
        for index, item in enumerate(raw):
            where = f"watch[{index}]"
            if not isinstance(item, dict):
                self.problem(
                    "document",
                    where,
                    f'must be an object like {{"node": id, "metric": name}} (got {_type_word(item)})',
                )
                continue
            owner = [key for key in ("node", "client") if key in item]
            unknown = [key for key in item if key not in ("node", "client", "metric")]
            if len(owner) != 1 or unknown or "metric" not in item:
                self.problem(
                    "document",
                    where,
                    'must have "metric" and one of "node" or "client" (got keys: '
                    f"{', '.join(map(str, item)) or 'none'})",
                )
                continue
            key = owner[0]
            node = self.nodes.get(item[key]) if isinstance(item[key], str) else None
            if node is None:
                self.problem(
                    "document", f"{where}.{key}", f"{describe(item[key])} is not a node of this document"
                )
                continue
            spec = KINDS[node.kind]
            wanted = "client" if spec.metrics_in == "clients" else "node"
            if key != wanted:
                self.problem(
                    "document",
                    f"{where}.{key}",
                    f"{node.id!r} is a {node.kind}: name it with {wanted!r}",
                    node=node.id,
                )
                continue
            names = [m.name for m in spec.summary_metrics]
            if item["metric"] not in names:
                self.problem(
                    "document",
                    f"{where}.metric",
                    f"a {node.kind} reports no metric {describe(item['metric'])}; it reports: {', '.join(names)}",
                    node=node.id,
                )
                continue
            watch.append({key: node.id, "metric": item["metric"]})
        return watch

    def read_list(self, document: dict, key: str, limit: int, *, required: bool) -> list:
        value = document.get(key)
        if value is None:
            if required:
                self.problem("document", key, f"is required: a list of {key}")
            return []
        if not isinstance(value, list):
            self.problem("document", key, f"must be a list of {key} (got {_type_word(value)})")
            return []
        if len(value) > limit:
            # Past a limit, checking each item is wasted work for a document that
            # cannot run anyway: report the size alone.
            self.problem("document", key, f"has {len(value):,} {key}; the limit is {limit:,} per topology")
            return []
        return value

    def unknown_keys(self, obj: dict, known: tuple[str, ...], where: str, prefix: str, what: str, **ids):
        for key in obj:
            if key not in known:
                self.problem(
                    where,
                    prefix + str(key),
                    f"unknown key {str(key)!r} for {what}; known: {', '.join(known)}",
                    **ids,
                )

    def read_params(
        self,
        raw: object,
        model: type[Params],
        specs: dict[str, ParamSpec],
        *,
        subject: str,
        where: str,
        prefix: str = "params.",
        **ids: str | None,
    ) -> dict[str, Any]:
        """Validate a params object; on failure return the defaults updated with the valid values."""
        defaults = {name: spec.default for name, spec in specs.items()}
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            self.problem(where, prefix.rstrip("."), f"must be an object (got {_type_word(raw)})", **ids)
            return defaults
        try:
            validated = model.model_validate(raw).model_dump()
        except ValidationError as exc:
            found = problems_from_pydantic(exc, specs, subject=subject, where=where, prefix=prefix, **ids)
            self.problems.extend(found)
            bad = {p.field[len(prefix) :] for p in found}
            return defaults | {k: v for k, v in raw.items() if k in specs and k not in bad}
        return {name: validated[name] for name in specs}

    # ------------------------------------------------------------ nodes

    def read_node(self, index: int, raw: object) -> dict[str, Any] | None:
        where = f"nodes[{index}]"
        if not isinstance(raw, dict):
            self.problem(where, "", f"must be an object with id and kind (got {_type_word(raw)})")
            return None
        node_id = raw.get("id")
        if not self.valid_id(node_id, where, "id"):
            node_id = None
        else:
            where = f"node {node_id!r}"
        ids = {"node": node_id}
        self.unknown_keys(raw, NODE_KEYS, where, "", "a node", **ids)

        kind = raw.get("kind")
        if kind is None:
            self.problem(where, "kind", f"is required; known kinds: {KNOWN_KINDS}", **ids)
        elif not isinstance(kind, str) or kind not in KINDS:
            self.problem(where, "kind", f"unknown kind {kind!r}; known kinds: {KNOWN_KINDS}", **ids)
        if kind not in KINDS:
            kind = None

        label = raw.get("label")
        if label is not None and not isinstance(label, str):
            self.problem(where, "label", f"must be a string (got {describe(label)})", **ids)
            label = None
        elif label is not None and len(label) > limits.MAX_NAME_LENGTH:
            self.problem(where, "label", f"must be at most {limits.MAX_NAME_LENGTH} characters long", **ids)
        position = {}
        for axis in ("x", "y"):
            value = raw.get(axis)
            if value is not None and not _is_number(value):
                self.problem(where, axis, f"must be a number or null (got {describe(value)})", **ids)
                value = None
            position[axis] = None if value is None else float(value)

        if kind is not None:
            spec = KINDS[kind]
            params = self.read_params(
                raw.get("params"), spec.model, spec.params, subject=f"kind {kind}", where=where, **ids
            )
            for field, message in spec.check(params):  # what the kind says of its params together
                self.problem(where, f"params.{field}", message, **ids)
        else:
            params = {}

        if node_id is None:
            return None
        if node_id in self.nodes:
            first = self.nodes[node_id].index
            self.problem(
                where,
                "id",
                f"duplicate node id {node_id!r}: nodes[{first}] and nodes[{index}] both use it",
                **ids,
            )
            return None
        self.nodes[node_id] = NodeRecord(index, node_id, kind, params)
        return {
            "id": node_id,
            "kind": kind,
            "label": label if label is not None else node_id,
            "x": position["x"],
            "y": position["y"],
            "params": params,
        }

    def valid_id(self, value: object, where: str, field: str, **ids: str | None) -> bool:
        if value is None:
            self.problem(where, field, "is required: a non-empty string", **ids)
        elif not isinstance(value, str) or not value.strip():
            self.problem(where, field, f"must be a non-empty string (got {describe(value)})", **ids)
        elif len(value) > limits.MAX_ID_LENGTH:
            self.problem(where, field, f"must be at most {limits.MAX_ID_LENGTH} characters long", **ids)
        else:
            return True
        return False

    # ------------------------------------------------------------ edges

    def read_edge(self, index: int, raw: object) -> dict[str, Any] | None:
        where = f"edges[{index}]"
        if not isinstance(raw, dict):
            self.problem(where, "", f"must be an object with source and target (got {_type_word(raw)})")
            return None
        source, target = raw.get("source"), raw.get("target")
        source_ok = isinstance(source, str) and source != ""
        target_ok = isinstance(target, str) and target != ""
        edge_id = raw.get("id")
        if edge_id is None and source_ok and target_ok:
            edge_id = f"{source}->{target}"
        elif edge_id is not None and not self.valid_id(edge_id, where, "id"):
            edge_id = None
        if edge_id is not None:
            where = f"edge {edge_id!r}"
        ids = {"edge": edge_id}
        self.unknown_keys(raw, EDGE_KEYS, where, "", "an edge", **ids)
        for end, value, ok in (("source", source, source_ok), ("target", target, target_ok)):
            if not ok:
                if value is None:
                    self.problem(where, end, "is required: the id of a node", **ids)
                else:
                    self.problem(where, end, f"must be a node id (got {describe(value)})", **ids)
            elif value not in self.nodes:
                self.problem(where, end, f"no node with id {value!r}", **ids)
        if source_ok and source == target:
            self.problem(where, "target", "an edge cannot connect a node to itself", **ids)
        params = self.read_params(
            raw.get("params"), EdgeParams, EDGE_PARAMS, subject="an edge", where=where, **ids
        )

        if edge_id is None:
            return None
        if edge_id in self.edge_ids:
            first = self.edge_ids[edge_id].index
            hint = "" if "id" in raw else "; give one of them an explicit id"
            self.problem(
                where,
                "id",
                f"duplicate edge id {edge_id!r}: edges[{first}] and edges[{index}] both use it{hint}",
                **ids,
            )
            return None
        record = EdgeRecord(
            index, edge_id, source if source_ok else None, target if target_ok else None, params, where
        )
        self.edge_ids[edge_id] = record
        self.graph.edges.append(record)
        return {"id": edge_id, "source": source, "target": target, "params": params}

    # ------------------------------------------------------------ scenario

    def read_scenario(self, raw: object) -> dict[str, Any]:
        where = "scenario"
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            self.problem(
                where,
                "",
                f"must be an object with duration_s, warmup_s, seed and events (got {_type_word(raw)})",
            )
            raw = {}
        self.unknown_keys(raw, SCENARIO_KEYS, where, "", "the scenario")
        before = len(self.problems)
        settings = self.read_params(
            {k: v for k, v in raw.items() if k in SCENARIO_PARAMS},
            ScenarioParams,
            SCENARIO_PARAMS,
            subject="the scenario",
            where=where,
            prefix="",
        )
        # With a bad duration, event times cannot be judged against it: skip those checks.
        bad = {p.field for p in self.problems[before:]}
        duration = settings["duration_s"] if "duration_s" not in bad else None
        warmup = settings["warmup_s"] if "warmup_s" not in bad else None
        if duration is not None and warmup is not None and warmup >= duration:
            self.problem(
                where,
                "warmup_s",
                f"must be less than duration_s ({describe(duration)}) (got {describe(warmup)})",
            )

        events_raw = raw.get("events")
        events: list[dict[str, Any]] = []
        if events_raw is None:
            events_raw = []
        if not isinstance(events_raw, list):
            self.problem(where, "events", f"must be a list of events (got {_type_word(events_raw)})")
        elif len(events_raw) > limits.MAX_EVENTS:
            self.problem(
                where, "events", f"has {len(events_raw):,} events; the limit is {limits.MAX_EVENTS:,} per run"
            )
        else:
            events = [
                e for i, raw_event in enumerate(events_raw) if (e := self.read_event(i, raw_event, duration))
            ]
        events.sort(key=lambda event: event["at_s"])  # stable: same-time events keep their order
        if duration is not None:
            self.check_expected_requests(duration, events)
        return {
            "duration_s": settings["duration_s"],
            "warmup_s": settings["warmup_s"],
            "seed": settings["seed"],
            "events": events,
        }

    def read_event(self, index: int, raw: object, duration: float | None) -> dict[str, Any] | None:
        where, at = "scenario", f"events[{index}]"
        if not isinstance(raw, dict):
            self.problem(where, at, f"must be an object with at_s, action and target (got {_type_word(raw)})")
            return None
        self.unknown_keys(raw, EVENT_KEYS, where, at + ".", "an event")
        ok = True

        at_s = raw.get("at_s")
        if at_s is None:
            self.problem(where, f"{at}.at_s", "is required: the time of the event, in s")
            ok = False
        elif not _is_number(at_s):
            self.problem(where, f"{at}.at_s", f"must be a number (got {describe(at_s)})")
            ok = False
        elif at_s < 0 or (duration is not None and at_s > duration):
            span = f"from 0 to duration_s ({describe(duration)})" if duration is not None else "from 0"
            self.problem(where, f"{at}.at_s", f"must be within the run, {span} (got {describe(at_s)})")
            ok = False

        action_name = raw.get("action")
        action = ACTIONS.get(action_name) if isinstance(action_name, str) else None
        if action is None:
            known = ", ".join(ACTIONS)
            if action_name is None:
                self.problem(where, f"{at}.action", f"is required; known actions: {known}")
            else:
                self.problem(
                    where, f"{at}.action", f"unknown action {describe(action_name)}; known actions: {known}"
                )
            ok = False

        target = raw.get("target")
        ids: dict[str, str | None] = {}
        if target is None:
            self.problem(where, f"{at}.target", "is required: the id of a node or an edge")
            ok = False
        elif not isinstance(target, str):
            self.problem(
                where, f"{at}.target", f"must be the id of a node or an edge (got {describe(target)})"
            )
            ok = False
        elif action is not None:
            if self.check_event_target(action.name, action.target, target, where, f"{at}.target"):
                ids = {"node": target} if action.target == "node" else {"edge": target}
            else:
                ok = False

        params = raw.get("params")
        if params is None:
            params = {}
        if not isinstance(params, dict):
            self.problem(where, f"{at}.params", f"must be an object (got {_type_word(params)})", **ids)
            return None
        if action is not None:
            params = self.read_event_params(action.name, params, target, where, at, ids)
            ok = ok and params is not None
        if not ok:
            return None
        return {"at_s": float(at_s), "action": action_name, "target": target, "params": params}

    def check_event_target(self, action: str, sort: str, target: str, where: str, field: str) -> bool:
        if sort == "node":
            if target in self.nodes:
                return True
            hint = f" ({target!r} is an edge)" if target in self.edge_ids else ""
            self.problem(where, field, f"no node with id {target!r}{hint}; {action} needs a node id")
            return False
        if target in self.edge_ids:
            return True
        hint = f" ({target!r} is a node)" if target in self.nodes else ""
        self.problem(
            where,
            field,
            f"no edge with id {target!r}{hint}; {action} needs an edge id such as 'source->target'",
        )
        return False

    def read_event_params(
        self, action: str, params: dict, target: Any, where: str, at: str, ids: dict[str, str | None]
    ) -> dict[str, Any] | None:
        before = len(self.problems)
        model = ACTIONS[action].model
        if model is not None:
            specs = ACTIONS[action].params
            if not specs and params:
                for name in params:
                    self.problem(where, f"{at}.params.{name}", f"{action} takes no parameters", **ids)
                return None
            subject = f"action {action}"
            result = self.read_params(
                params, model, specs, subject=subject, where=where, prefix=f"{at}.params.", **ids
            )
            return result if len(self.problems) == before else None

        # set: partial params, checked against the target's kind and kept as given.
        node = self.nodes.get(target) if isinstance(target, str) else None
        if node is None or node.kind is None:
            return None  # the target problem is already reported
        if not params:
            self.problem(where, f"{at}.params", "set needs at least one parameter to change", **ids)
            return None
        spec = KINDS[node.kind]
        for name in params:
            if name in spec.params and not spec.params[name].settable:
                self.problem(
                    where,
                    f"{at}.params.{name}",
                    "cannot be changed by a set event: it changes the topology's structure",
                    **ids,
                )
        try:
            validated = spec.model.model_validate(spec.defaults() | params).model_dump()
        except ValidationError as exc:
            self.problems.extend(
                problems_from_pydantic(
                    exc, spec.params, subject=f"kind {node.kind}", where=where, prefix=f"{at}.params.", **ids
                )
            )
            return None
        if len(self.problems) != before:
            return None
        return {name: validated[name] for name in params}

    def check_expected_requests(self, duration: float, events: list[dict[str, Any]]) -> None:
        # Rate x time per client (the area under its rate_profile when it has one),
        # piecewise between the set events that change the rate: a cheap bound on
        # the work a run will do, before it starts.
        total = 0.0
        shaped = False  # some client has a rate_profile (the message then says so)
        for node in self.nodes.values():
            if node.kind != "client" or not _is_number(node.params.get("rate_rps")):
                continue
            rate, profile, since = node.params["rate_rps"], node.params.get("rate_profile"), 0.0
            shaped = shaped or bool(profile)
            for event in events:
                changes = event["params"] if event["action"] == "set" and event["target"] == node.id else {}
                if "rate_rps" in changes or "rate_profile" in changes:
                    total += _expected(rate, profile, since, event["at_s"])
                    rate = changes.get("rate_rps", rate)
                    # a set rate_rps removes the profile (unless the same event gives one)
                    profile = changes.get("rate_profile") if "rate_profile" in changes else None
                    shaped = shaped or bool(profile)
                    since = event["at_s"]
            total += _expected(rate, profile, since, duration)
        if total > limits.MAX_EXPECTED_REQUESTS:
            self.problem(
                "scenario",
                "duration_s",
                f"the clients would send about {total:,.0f} requests (rate_rps x time"
                f"{', or the area under rate_profile' if shaped else ''}, summed over clients); "
                f"the limit is {limits.MAX_EXPECTED_REQUESTS:,} per run: shorten duration_s or lower rate_rps",
            )
