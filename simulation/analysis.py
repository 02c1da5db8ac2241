"""Static analysis of a topology, before any run: what the graph alone says.

A topology is a directed graph. Its *call* edges carry requests (client -> load
balancer -> app server -> database...); replication edges carry copies of
writes between databases, not requests. Looking at the graph with networkx:

``unreachable``
    nodes no client can reach, by any edge (calls or replication): they will do
    nothing in a run. A standby counts as reachable when the node it protects is
    (it is there to take that node's place).
``loops``
    cycles of call edges: a request would go round for ever. Every such cycle,
    as a list of node ids (the validation refuses the document at the first one).
``ends``
    where requests end: nodes reached by calls from a client that make no call
    themselves: databases, workers with no database, a lone app server. Not a
    cache: it only fronts a database (its own or its caller's), where its misses
    and the writes go on.
``single_points_of_failure``
    nodes whose loss cuts *every* client off from *every* end: no request could
    complete at all. With standbys taking over: a node with a standby is
    replaced by it (its callers reach the standby, and the standby calls on with
    its own edges, or the protected node's when it has none), so it is no single
    point of failure unless its standby is cut off too.
``single_points_of_failure_without_standbys``
    the same question with every standby ignored: what the redundancy buys is
    the difference between the two lists.

Clients are the starting points, never points of failure. Systems drawn side
by side in one document (not linked by any edge) are judged separately: a
node is a single point of failure when it cuts off every client of its own
system. Lists follow the order of the document. A document with problems other than loops is refused
(``InvalidDocument``), as ``validate`` would.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from .format import InvalidDocument
from .format.document import read
from .format.wiring import LOOP, protected_ids

__all__ = ["MAX_LOOPS", "analyze"]

MAX_LOOPS = 50  # a dense graph can have exponentially many cycles: report the first ones


def analyze(document: object) -> dict[str, Any]:
    """The static analysis of ``document`` (raw or normalized); see the module docstring."""
    doc, problems = read(document)
    problems = [p for p in problems if not p.message.startswith(LOOP)]
    if problems:
        raise InvalidDocument(problems)
    order = [n["id"] for n in doc["nodes"]]
    kinds = {n["id"]: n["kind"] for n in doc["nodes"]}
    standby_of = {  # active -> its standby (an N+1 spare stands by for each of its nodes)
        active: n["id"]
        for n in doc["nodes"]
        if n["kind"] != "client"
        for active in protected_ids(n["params"].get("standby_for"))
    }
    standbys = set(standby_of.values())
    clients = [nid for nid in order if kinds[nid] == "client"]

    everything = nx.DiGraph()
    everything.add_nodes_from(order)
    calls = nx.DiGraph()
    calls.add_nodes_from(order)
    for e in doc["edges"]:
        everything.add_edge(e["source"], e["target"])
        if not e["params"].get("replication"):
            calls.add_edge(e["source"], e["target"])

    reached = _reachable(everything, clients)
    for active, standby in standby_of.items():
        if active in reached:
            reached |= {standby} | nx.descendants(everything, standby)
    loops = []
    for cycle in nx.simple_cycles(calls):
        loops.append(_rotate(cycle, order))
        if len(loops) >= MAX_LOOPS:
            break
    loops.sort(key=lambda c: [order.index(n) for n in c])

    # Before any failure, standbys take no calls: their incoming call edges are dormant.
    active_calls = calls.copy()
    active_calls.remove_edges_from([(u, v) for u, v in calls.edges if v in standbys])
    called = _reachable(active_calls, clients) - set(clients)
    ends = [
        nid for nid in order if nid in called and active_calls.out_degree(nid) == 0 and kinds[nid] != "cache"
    ]

    # Independent systems drawn side by side are judged each on its own.
    linked = everything.to_undirected()
    linked.add_edges_from(standby_of.items())
    system = {nid: k for k, part in enumerate(nx.connected_components(linked)) for nid in part}
    with_standbys, without = [], []
    for nid in order:
        if nid not in called or nid in standbys:
            continue
        own_clients = [c for c in clients if system[c] == system[nid]]
        standing = {e for e in ends if system[e] == system[nid]} - {nid}
        graph = _without(active_calls, nid)
        if _cuts_everyone(graph, own_clients, standing):
            without.append(nid)
        standby = standby_of.get(nid)
        if standby is not None:
            graph = _taken_over(graph, calls, nid, standby)
            if nid in ends:
                standing.add(standby)  # a promoted replica ends requests in its place
        if _cuts_everyone(graph, own_clients, standing):
            with_standbys.append(nid)
    return {
        "unreachable": [nid for nid in order if nid not in reached],
        "loops": loops,
        "ends": ends,
        "single_points_of_failure": with_standbys,
        "single_points_of_failure_without_standbys": without,
    }


def _reachable(graph: nx.DiGraph, sources: list[str]) -> set[str]:
    seen = set(sources)
    for source in sources:
        seen |= nx.descendants(graph, source)
    return seen


def _rotate(cycle: list[str], order: list[str]) -> list[str]:
    """The cycle starting at its node that comes first in the document (a stable way to print it)."""
    first = min(range(len(cycle)), key=lambda i: order.index(cycle[i]))
    return cycle[first:] + cycle[:first]


def _without(graph: nx.DiGraph, nid: str) -> nx.DiGraph:
    g = graph.copy()
    g.remove_node(nid)
    return g


def _taken_over(graph: nx.DiGraph, calls: nx.DiGraph, failed: str, standby: str) -> nx.DiGraph:
    """``graph`` (without ``failed``) once ``standby`` has taken its place."""
    g = graph.copy()
    for caller in calls.predecessors(failed):
        if caller in g:
            g.add_edge(caller, standby)
    for caller in calls.predecessors(standby):  # its own callers' edges wake up
        if caller in g:
            g.add_edge(caller, standby)
    onward = list(calls.successors(standby)) or list(calls.successors(failed))
    for target in onward:
        if target in g and target != failed:
            g.add_edge(standby, target)
    return g


def _cuts_everyone(graph: nx.DiGraph, clients: list[str], ends: set[str]) -> bool:
    """True when some end exists and no client of ``graph`` reaches any of them."""
    if not ends:
        return True
    return not (_reachable(graph, [c for c in clients if c in graph]) & ends)
