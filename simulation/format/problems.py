"""Problems found in a document, in words a person can act on.

Validation never stops at the first mistake: it collects every :class:`Problem`
and raises them together in :class:`InvalidDocument`. A problem says where it is
(a node, an edge, the scenario or the document), which field, and what is wrong,
and renders as one line::

    node 'u': params.rate_rps: must be greater than 0 (got -1)

This module also turns pydantic's validation errors into such sentences.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from simulation.format.fields import ParamSpec

__all__ = ["InvalidDocument", "Problem", "describe", "problems_from_pydantic"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document."""

    where: str  # "node 'u'", "edge 'u->ghost'", "scenario", "document" or "nodes[3]"
    node: str | None
    edge: str | None
    field: str  # "params.rate_rps", "kind", "source", "events[2].target"; "" for the whole thing
    message: str

    def __str__(self) -> str:
        if self.field:
            return f"{self.where}: {self.field}: {self.message}"
        return f"{self.where}: {self.message}"

    def to_dict(self) -> dict[str, str | None]:
        """The problem for the HTTP API's error details."""
        return {
            "node": self.node,
            "edge": self.edge,
            "field": self.field,
            "message": self.message,
            "text": str(self),
        }


class InvalidDocument(Exception):
    """A document that cannot be run; ``problems`` lists everything wrong with it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the document:\n{lines}")


def describe(value: Any) -> str:
    """A value as the user wrote it, shortened when long: 'text' (quoted as ids are), else JSON."""
    if isinstance(value, str):
        text = repr(value)
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))  # numbers are normalized to floats; 10 reads better than 10.0
    else:
        try:
            text = json.dumps(value, allow_nan=True)
        except (TypeError, ValueError, RecursionError):
            text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _number(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if abs(value) >= 10_000 else str(value)


def _choices(spec: ParamSpec) -> str:
    words = ", ".join(describe(c) for c in spec.choices or ())
    return words + (", or null" if spec.nullable else "")


# Why a maximum exists, when it is one of the service's limits rather than a
# plausibility range: the message then says so.
LIMIT_REASONS = {
    "duration_s": "the longest run allowed (24 hours)",
    "warmup_s": "the longest run allowed (24 hours)",
    "rate_rps": "the most one client may send",
}


def _message(error: dict[str, Any], spec: ParamSpec | None, subject: str) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    got = f" (got {describe(error.get('input'))})"
    or_null = " or null" if spec is not None and spec.nullable else ""
    if kind == "extra_forbidden":
        return f"unknown parameter {str(error['loc'][-1])!r} for {subject}"
    if kind == "missing":
        return "is required"
    if kind == "greater_than":
        return f"must be greater than {_number(ctx['gt'])}" + got
    if kind == "greater_than_equal":
        return f"must be at least {_number(ctx['ge'])}" + got
    if kind == "less_than_equal":
        reason = LIMIT_REASONS.get(spec.name) if spec is not None else None
        limit = f", {reason}" if reason else ""
        return f"must be at most {_number(ctx['le'])}{limit}" + got
    if kind == "literal_error" and spec is not None:
        return f"must be one of {_choices(spec)}" + got
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be an integer{or_null}" + got
    if kind in ("float_type", "float_parsing"):
        return f"must be a number{or_null}" + got
    if kind == "finite_number":
        return "must be a finite number" + got
    if kind == "string_type":
        return f"must be a string{or_null}" + got
    return error["msg"].replace("Input should be", "must be") + got


def problems_from_pydantic(
    exc: ValidationError,
    specs: dict[str, ParamSpec],
    *,
    subject: str,
    where: str,
    node: str | None = None,
    edge: str | None = None,
    prefix: str = "params.",
) -> list[Problem]:
    """Translate pydantic's errors about a params object into problems.

    ``subject`` names what the params belong to ("kind app_server", "an edge")
    for the unknown-parameter message, which also lists the known ones.
    """
    problems = []
    seen: set[str] = set()
    for error in exc.errors(include_url=False):
        name = str(error["loc"][0]) if error["loc"] else ""
        spec = specs.get(name)
        if spec is not None and spec.or_list:
            # pydantic reports each way the value failed (as one value, as a list): say it once
            if name in seen:
                continue
            seen.add(name)
            what = {"string": "a string"}.get(spec.type, f"a {spec.type}")
            # the error of the one-value branch (loc: name, branch) holds the whole value
            whole = [e["input"] for e in exc.errors() if len(e["loc"]) == 2 and str(e["loc"][0]) == name]
            got = f" (got {describe(whole[0])})" if whole else ""
            message = f"must be {what}, a list of them, or null{got}"
            problems.append(Problem(where, node, edge, prefix + name, message))
            continue
        message = _message(error, spec, subject)
        if error["type"] == "extra_forbidden":
            message += "; known: " + ", ".join(specs)
        problems.append(Problem(where, node, edge, prefix + name if name else prefix.rstrip("."), message))
    return problems
