"""Wiring checks: do the edges make a system the engine can run?

Each node and edge has already been read on its own (``document.py``); here they
are looked at together. The rules come from how the engine moves requests:

- a client sends every request to its single target, and nothing sends to a client;
- an edge between two databases is a replication edge, and only such an edge may
  carry ``replication``; a replica follows exactly one primary;
- a replica follows a primary, never another replica (no chained replication);
- a cache answers misses from a database: its own, or its caller's;
- a worker consumes jobs from a queue that points to it;
- a node that forwards requests (its kind has the ``forwards`` trait: a load
  balancer, a DNS, a CDN, a queue) has somewhere to forward them;
- a standby protects an existing node of its own kind, one standby per node; a
  database standby is a replica of the primary it protects (it has the data); a
  client is never a standby nor a standby the target of a client (a standby gets
  no traffic before it takes over, and a client has no other target);
- no loop of calls: a request would travel it for ever (replication edges carry
  no calls and may form loops: master-master);
- a timeout or a circuit breaker goes on an edge that carries calls: not on a
  replication edge, nor on a queue's edge to its worker (the worker pulls jobs).

A standby borrows the wires of the node it protects when it has none of its own
(see ``simulation.failover``), so the checks that need wires (a cache's
database, a worker's queue) are made on the protected node instead.

Nodes whose kind is unknown, and edges whose ends are missing, were reported
already; the checks skip what they cannot judge rather than repeat the news.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simulation.components import KINDS as COMPONENTS

# report(where, field, message, node=..., edge=...)
Report = Callable[..., None]

LOOP = "closes a loop of calls"  # how a loop problem starts (analysis tells them apart by it)


@dataclass
class NodeRecord:
    index: int
    id: str
    kind: str | None  # None when the kind is unknown: kind-specific checks skip it
    params: dict[str, Any]  # best effort when invalid: the valid values given, else defaults


@dataclass
class EdgeRecord:
    index: int
    id: str
    source: str | None  # None when not a usable id
    target: str | None
    params: dict[str, Any]
    where: str


@dataclass
class Graph:
    nodes: dict[str, NodeRecord] = field(default_factory=dict)
    edges: list[EdgeRecord] = field(default_factory=list)

    def kind_of(self, node_id: str | None) -> str | None:
        node = self.nodes.get(node_id) if node_id is not None else None
        return node.kind if node is not None else None


def protected_ids(value: object) -> list[str]:
    """The ids a ``standby_for`` value names: none, one, or a list (N+1: one spare for several)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _listing(edges: list[EdgeRecord]) -> str:
    return "none" if not edges else f"{len(edges)} ({', '.join(e.id for e in edges)})"


def check_wiring(graph: Graph, report: Report) -> None:
    """Report every wiring problem of ``graph``."""
    outgoing: dict[str, list[EdgeRecord]] = {node_id: [] for node_id in graph.nodes}
    incoming: dict[str, list[EdgeRecord]] = {node_id: [] for node_id in graph.nodes}
    for edge in graph.edges:
        if edge.source in outgoing:
            outgoing[edge.source].append(edge)
        if edge.target in incoming:
            incoming[edge.target].append(edge)

    for edge in graph.edges:
        _check_edge(graph, edge, report)

    protectors: dict[str, list[str]] = {}
    for node in graph.nodes.values():
        for protected in protected_ids(node.params.get("standby_for")):
            protectors.setdefault(protected, []).append(node.id)

    for node in graph.nodes.values():
        where, ids = f"node {node.id!r}", {"node": node.id}
        out_edges, in_edges = outgoing[node.id], incoming[node.id]
        for protected_id in protected_ids(node.params.get("standby_for")):
            protected = graph.nodes.get(protected_id)
            if protected is not None and protected.kind == node.kind and node.kind != "database":
                # A standby inherits the protected node's callers, and its wires when it has none.
                in_edges = in_edges + incoming[protected.id]
                if not out_edges:
                    out_edges = outgoing[protected.id]
        if node.kind == "client" and len(out_edges) == 1:
            target = graph.nodes.get(out_edges[0].target)
            if target is not None and target.params.get("standby_for") is not None:
                report(
                    where,
                    "edges",
                    f"its target {target.id!r} is a standby, which gets no traffic before it takes over: "
                    f"point the client at the node it protects ({target.params['standby_for']!r})",
                    **ids,
                )
        if node.kind == "client" and len(out_edges) != 1:
            report(
                where,
                "edges",
                f"a client needs exactly one outgoing edge, to its target; it has {_listing(out_edges)}",
                **ids,
            )
        if node.kind == "database":
            _check_database(graph, node, out_edges, in_edges, report)
        if node.kind == "cache" and not _has_database_behind(graph, out_edges, in_edges, outgoing):
            report(
                where,
                "edges",
                "a cache needs a database behind it: an edge from the cache to a database, "
                "or from a node that calls the cache to a database",
                **ids,
            )
        if node.kind == "worker" and not any(graph.kind_of(e.source) == "queue" for e in in_edges):
            report(where, "edges", "a worker needs an incoming edge from the queue it consumes", **ids)
        component = COMPONENTS.get(node.kind or "")
        if component is not None and "forwards" in component.TRAITS and not out_edges:
            report(
                where,
                "edges",
                f"it passes every request on and has nothing to pass them to: connect it to {component.FORWARDS_TO}",
                **ids,
            )
        check_standby(graph, node, report, incoming, protectors)
    check_loops(graph, outgoing, report)


def _check_edge(graph: Graph, edge: EdgeRecord, report: Report) -> None:
    source_kind, target_kind = graph.kind_of(edge.source), graph.kind_of(edge.target)
    ids = {"edge": edge.id}
    if target_kind == "client":
        report(
            edge.where,
            "target",
            f"{edge.target!r} is a client: clients only send, nothing sends to them",
            **ids,
        )
    replication = edge.params.get("replication")
    if replication is not None and None not in (source_kind, target_kind):
        if source_kind != "database" or target_kind != "database":
            report(
                edge.where,
                "params.replication",
                f"replication is only for an edge between two databases "
                f"(this one goes from {source_kind} {edge.source!r} to {target_kind} {edge.target!r})",
                **ids,
            )
        elif graph.nodes[edge.source].params.get("role") == "replica":
            report(
                edge.where,
                "params.replication",
                f"{edge.source!r} is a replica: replicas follow a primary and do not replicate further "
                f"(chained replication is not modelled); replicate to {edge.target!r} from the primary",
                **ids,
            )
    elif replication is None and source_kind == target_kind == "database":
        report(
            edge.where,
            "params.replication",
            "an edge between two databases is a replication edge: set replication to 'sync' or 'async'",
            **ids,
        )
    _check_guard(edge, source_kind, target_kind, report)


GUARD_FIELDS = ("timeout_ms", "breaker")  # what makes an edge guarded (see simulation.network)


def _check_guard(edge: EdgeRecord, source_kind: str | None, target_kind: str | None, report: Report) -> None:
    """A timeout or a circuit breaker stands on a wire that carries calls, and only there."""
    given = [name for name in GUARD_FIELDS if edge.params.get(name) not in (None, False)]
    if not given:
        return
    if edge.params.get("replication") is not None or source_kind == target_kind == "database":
        reason = "a replication edge carries no calls to time out or break: put it on a call edge"
    elif source_kind == "queue" and target_kind == "worker":
        reason = (
            f"no call travels this edge: worker {edge.target!r} takes its jobs from queue {edge.source!r}; "
            f"put it on the worker's edge to its database"
        )
    else:
        return
    for name in given:
        report(edge.where, f"params.{name}", reason, edge=edge.id)


def _check_database(
    graph: Graph, node: NodeRecord, out_edges: list[EdgeRecord], in_edges: list[EdgeRecord], report: Report
) -> None:
    where, ids = f"node {node.id!r}", {"node": node.id}
    role = node.params.get("role")
    if role == "replica":
        feeds = [e for e in in_edges if e.params.get("replication") is not None]
        if len(feeds) != 1:
            report(
                where,
                "params.role",
                f"a replica needs exactly one incoming replication edge from its primary; it has {_listing(feeds)}",
                **ids,
            )
        if node.params.get("read_from") is not None:
            report(where, "params.read_from", "applies to a primary only; leave it null on a replica", **ids)
    elif role == "primary" and node.params.get("read_from") == "replicas":
        has_replicas = any(
            e.params.get("replication") is not None and graph.kind_of(e.target) == "database"
            for e in out_edges
        )
        if not has_replicas:
            report(
                where,
                "params.read_from",
                "is 'replicas' but this primary has none (no replication edge goes from it to a database)",
                **ids,
            )


def _has_database_behind(
    graph: Graph,
    out_edges: list[EdgeRecord],
    in_edges: list[EdgeRecord],
    outgoing: dict[str, list[EdgeRecord]],
) -> bool:
    if any(graph.kind_of(e.target) == "database" for e in out_edges):
        return True
    callers = [e.source for e in in_edges if e.source in outgoing]
    return any(graph.kind_of(e.target) == "database" for caller in callers for e in outgoing[caller])


def check_standby(
    graph: Graph,
    node: NodeRecord,
    report: Report,
    incoming: dict[str, list[EdgeRecord]] | None = None,
    protectors: dict[str, list[str]] | None = None,
) -> None:
    """A standby must protect existing nodes of its own kind, other than itself.

    ``standby_for`` names one node, or a list of them (N+1: one spare for several
    nodes of one kind, taking the place of the first to fail). A database standby
    protects one primary only: it is that primary's replica.
    """
    value = node.params.get("standby_for")
    if value is None:
        return
    where, ids = f"node {node.id!r}", {"node": node.id}
    if isinstance(value, list):
        if not value:
            report(
                where, "params.standby_for", "lists no node: name the nodes it stands by for, or null", **ids
            )
            return
        if len(set(value)) != len(value):
            report(where, "params.standby_for", "names a node twice", **ids)
            return
        if node.kind == "database":
            report(
                where,
                "params.standby_for",
                "a database standby protects one primary (it is that primary's replica): name one id, not a list",
                **ids,
            )
            return
    for protected in protected_ids(value):
        _check_protected(graph, node, protected, where, ids, report, incoming, protectors)


def _check_protected(graph, node, protected, where, ids, report, incoming, protectors) -> None:
    if protected == node.id:
        report(where, "params.standby_for", "a node cannot stand by for itself", **ids)
    elif protected not in graph.nodes:
        report(where, "params.standby_for", f"no node with id {protected!r}", **ids)
    elif node.kind is not None and graph.kind_of(protected) not in (node.kind, None):
        report(
            where,
            "params.standby_for",
            f"{protected!r} is of kind {graph.kind_of(protected)}; a standby must be of the same kind "
            f"as the node it protects ({node.kind})",
            **ids,
        )
    elif node.kind == "client":
        report(where, "params.standby_for", "a client cannot be a standby: it only sends", **ids)
    elif protectors is not None and protectors.get(protected, [node.id])[0] != node.id:
        report(
            where,
            "params.standby_for",
            f"{protected!r} already has a standby ({protectors[protected][0]!r}); one standby per node",
            **ids,
        )
    elif node.kind == "database" and incoming is not None:
        fed = any(e.source == protected and e.params.get("replication") for e in incoming.get(node.id, []))
        if node.params.get("role") != "replica" or not fed:
            report(
                where,
                "params.standby_for",
                f"a database standby must be a replica of {protected!r} (role replica, with a replication "
                f"edge from {protected!r}): that is how it has the data when it takes over",
                **ids,
            )


def check_loops(graph: Graph, outgoing: dict[str, list[EdgeRecord]], report: Report) -> None:
    """Report the first loop of calls found (a request would travel it for ever), at the edge closing it.

    Replication edges carry no calls and may form loops (master-master). One loop
    is reported, not all of them: fixing it often opens the view on the next.
    """
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    calls = {
        # (self-loops and edges into clients are reported on their own already)
        node_id: [
            e
            for e in edges
            if not e.params.get("replication")
            and e.target in outgoing
            and e.target != e.source
            and graph.kind_of(e.target) != "client"
        ]
        for node_id, edges in outgoing.items()
    }
    for root in calls:
        if root in state:
            continue
        state[root] = 1
        path, stack = [root], [iter(calls[root])]
        while stack:
            edge = next(stack[-1], None)
            if edge is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            target = edge.target
            if state.get(target) == 1:
                loop = " -> ".join(path[path.index(target) :] + [target])
                report(
                    edge.where,
                    "target",
                    f"{LOOP} ({loop}): a request would go round it for ever",
                    edge=edge.id,
                )
                return
            if target not in state:
                state[target] = 1
                path.append(target)
                stack.append(iter(calls[target]))
