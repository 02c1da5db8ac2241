"""Failover: a standby takes the place of the node it protects, after missed heartbeats.

Active-passive redundancy, as the lecture tells it: the *active* node sends a
heartbeat to its *standby* every ``heartbeat_ms``; when ``missed_heartbeats`` of
them in a row do not arrive, the standby declares the active node dead and takes
over its place in the graph: every wire that led to the active node now leads
to the standby (the wires are re-pointed, nothing is copied). A ``hot`` standby
is already running and takes over at once; a ``cold`` one must boot first, for
``startup_s``. Meanwhile the requests sent to the dead node fail (refused).

Heartbeats go out at every multiple of ``heartbeat_ms`` since the start; the
one due at the very instant of the failure is taken as sent. So a failure at f
is detected at ``(floor(f / h) + missed) * h``: in ``(f + (missed - 1) h,
f + missed h]``, and exactly ``f + missed * h`` when the failure falls on a
heartbeat (as scenario events at whole seconds usually do). Checking costs no
events: only the detection and the takeover are scheduled, when a failure
happens. If the active node comes back before it is declared dead, nothing
happens; once declared dead, the takeover goes ahead (the standby fences the old
node off), and the old node, when it recovers, stays out of the graph.

What "taking the place" means, per kind:

- every wire into the protected node, from any kind, is re-pointed to the standby
  (a load balancer's target, a client's or a DNS name's target, an app server's
  database or cache); a caller that already had a wire of its own to the standby
  uses that one and the re-pointed wire stays idle;
- wires into a standby are *dormant* before the takeover: a standby receives no
  traffic while the active node is alive (a load balancer treats it as out of
  rotation, a DNS name never answers with it, an app server ignores it);
- a standby drawn with no outgoing wires borrows those of the node it protects
  (a standby load balancer reaches the same servers);
- a database standby is a replica of the primary it protects. Taking over, it
  becomes the primary; the other replicas follow it. The async writes it had not
  applied when the primary failed are lost (``lost_writes``): the primary's
  stream is cut off at the failure. A sync standby loses nothing.

N+1: a standby whose ``standby_for`` is a list of nodes (of one kind) is one
spare for all of them. It takes the place of the first of them to fail and is
then used up: a later failure of another of its nodes finds no standby. If that
first node comes back before it is declared dead, the spare is free again. A
spare with no outgoing wires borrows those of the node it replaces, at the
takeover (it cannot know before which one it will be).

The results report, per failover, when the active node failed, when the
standby detected it and when it took over (``rto_s``: recovery time, from the
failure to the takeover) and the writes lost (the recovery point, in writes).
The failed node's ``downtime_s`` runs from its failure to the takeover: after
that, the callers reach the standby. One takeover per pair: a standby that
has taken over is not protected in turn.
"""

from __future__ import annotations

from math import floor

from .format.wiring import protected_ids
from .network import Edge

__all__ = ["Failover", "Standby"]


class Standby:
    """One active node, the standby protecting it, and the state of their heartbeats."""

    def __init__(self, model, active, standby, spare: dict | None = None) -> None:
        params = standby.params
        self.model = model
        self.active = active
        self.standby = standby
        # N+1: the pairs of one spare share this record of which of them holds it ({"holder": pair}).
        self.spare = spare
        self.heartbeat = params["heartbeat_ms"] / 1000.0
        self.missed = params["missed_heartbeats"]
        self.startup = float(params["startup_s"]) if params["standby"] == "cold" else 0.0
        self.token = 0  # bumped to cancel a pending detection
        self.record: dict | None = None  # the failover once detected
        self.taken_over = False
        active.guard = self

    def cut_stream(self, t: float) -> None:
        for replica, _ in self.active.async_replicas:
            replica.strand(t)

    def active_failed(self, t: float) -> None:
        if self.record is not None:
            return
        if self.spare is not None:
            if self.spare["holder"] not in (None, self):
                return  # the shared spare went to a node that failed first
            self.spare["holder"] = self
        self.token += 1
        self.failed_at = t
        if self.active.kind == "database":
            self.cut_stream(t)
        h = self.heartbeat
        # the last heartbeat sent, then `missed` silent intervals (1e-9: 30.0 / 0.1 is 299.99...)
        detect = (floor(t / h + 1e-9) + self.missed) * h
        self.model.kernel.schedule(max(detect, t), self.detected, self.token)

    def active_recovered(self, t: float) -> None:
        if self.record is not None:
            return  # declared dead: the takeover goes ahead
        if self.spare is not None:
            if self.spare["holder"] is not self:
                return
            self.spare["holder"] = None  # back before it was declared dead: the spare is free again
        self.token += 1
        if self.active.kind == "database":
            for replica, _ in self.active.async_replicas:
                replica.unstrand()

    def detected(self, t: float, token: int) -> None:
        if token != self.token:
            return
        self.record = {
            "failed": self.active.id,
            "standby": self.standby.id,
            "failed_at_s": self.failed_at,
            "detected_at_s": t,
            "took_over_at_s": None,
            "rto_s": None,
            "lost_writes": 0,
        }
        self.model.failover.records.append(self.record)
        self.model.kernel.schedule(t + self.startup, self.take_over, token)

    def take_over(self, t: float, token: int) -> None:
        if not self.standby.up:
            return  # a dead standby takes nothing over: the record keeps took_over_at_s null
        self.taken_over = True
        lost = self.model.failover.replace(self.active, self.standby, t)
        self.record.update({"took_over_at_s": t, "rto_s": t - self.failed_at, "lost_writes": lost})


class Failover:
    """Every standby pair of a model, and the graph surgery of a takeover."""

    def __init__(self, model) -> None:
        self.model = model
        self.records: list[dict] = []
        self.pairs: list[Standby] = []

    def prepare(self) -> None:
        """Before wiring: wires into standbys go dormant; standbys with no wires borrow them."""
        model = self.model
        for node in model.nodes.values():
            value = node.params.get("standby_for")
            protected = [p for p in protected_ids(value) if p in model.nodes]
            if not protected or node.kind == "client":
                continue
            spare = {"holder": None} if isinstance(value, list) else None
            for active_id in protected:
                self.pairs.append(Standby(model, model.nodes[active_id], node, spare))
            for edge in node.into:
                if not edge.replication:
                    edge.dormant = True
            if spare is None and not node.out and node.kind != "database":
                self.borrow_wires(node, model.nodes[protected[0]])

    def borrow_wires(self, standby, active) -> None:
        """Give ``standby``, which has no outgoing wires, copies of ``active``'s call wires."""
        model = self.model
        for edge in active.out:
            if edge.replication:
                continue
            # A copied wire keeps the timeout and breaker of the one it copies.
            spec = {"id": f"{standby.id}->{edge.target.id}", "params": {
                "latency_ms": edge.base_latency * 1000, "weight": edge.weight,
                "replication": None, "lag_ms": edge.lag * 1000, **edge.guard_params()}}  # fmt: skip
            borrowed = Edge(spec, standby, edge.target, model.kernel)
            standby.out.append(borrowed)
            edge.target.into.append(borrowed)

    def replace(self, active, standby, t: float) -> int:
        """Put ``standby`` in the place of ``active`` at time ``t``; return the writes lost."""
        model = self.model
        lost = 0
        if not standby.out and active.out and active.kind != "database":
            self.borrow_wires(standby, active)  # an N+1 spare learns its wires at the takeover
        if active.kind == "database":
            lost = standby.promote(t, active)
            model.tally.lost_writes += lost
        own = [e for e in standby.into if not e.replication]
        for edge in own:
            edge.dormant = False
        callers = {id(e.source) for e in own}
        for edge in [e for e in active.into if not e.replication]:
            active.into.remove(edge)
            edge.point_to(standby)
            standby.into.append(edge)
            edge.dormant = id(edge.source) in callers  # it has a wire of its own to the standby
        active.take_out(t)
        # Callers look again; so does everyone else, which is cheap at a takeover and catches
        # what depends on a re-pointed wire indirectly (an app server reading through its cache).
        for node in model.nodes.values():
            node.retarget(t)
        for client in model.clients:
            client.plan()
        return lost

    def report(self) -> list[dict]:
        return [dict(r) for r in self.records]
