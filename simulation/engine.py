"""From a document to results: build the model, play the scenario, measure.

``run`` parses the document (``format.parse``: defaults filled, everything
checked), builds one component per node and one ``Edge`` per edge, starts every
client's arrivals, puts the scenario's events on the calendar and then advances
the kernel one second of simulated time at a time. At every window boundary it
snapshots the cumulative counters of every component (each client keeps its
own tally of outcomes) and of the run's tally (lost writes, conflicts, lost
sessions); the difference with the previous snapshot is the window, handed to
``on_window`` as the websocket message of ``spec/api.md`` (without ``seq``;
built only when someone reads it: ``on_window`` or ``timeseries``), and
``should_stop`` is asked whether to go on. A snapshot taken when the
warm-up ends is the baseline of the results: nodes are measured over
``[warmup_s, end]``, and requests count when first sent at or after the
warm-up.

Requests still in flight when the run ends have no outcome yet and are left
out of ``requests.total`` (so ``ok + failed == total`` always holds).
``availability`` is ``ok / total``, and 0.0 when no request was counted.
Floats are rounded to 6 significant digits (``availability`` excepted: it is
exactly ``ok / total``), so that the same document and seed give
byte-identical JSON (apart from ``wall_s``). Latency percentiles come from
log-linear histograms: within 0.8 % of the exact order statistic; means and
the maximum are exact.

Beyond the contract's fields the results carry ``goodput_rps``, ``conflicts``
(master-master writes of one key made without seeing each other, see
``components/database``), ``sessions_lost`` (sessions held in the memory of a
server that failed, see ``components/app_server``) and ``failovers`` (one entry
per standby that declared its node dead, see ``failover``), all counted over
the measured part of the run except ``failovers``, which lists every one.
The second wave's fields: ``clients`` (each client's requests judged end to
end; the run's figures are their sums, latency histograms merged), ``cost``
(each node's ``cost`` hook: price times instance-hours, plus usage) and, when
an edge has a timeout or a breaker, ``edges`` (see ``network``); each window
carries ``clients``, ``cost_per_hour_usd`` and, likewise, ``edges``.

Requests that first reach a failed node, a full queue or a cut wire are counted
per node under ``failures``: ``refused`` (the node was down, or it went down
holding them), ``rejected`` (full) and ``timed_out`` (a caller gave up waiting
on it; a client's timeouts count against its direct target).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from math import ceil

from .components import KINDS
from .failover import Failover
from .format import parse
from .kernel import Kernel, PacedKernel
from .metrics import RunTally, merged, rounded
from .network import Edge, guarded_results, guarded_windows

__all__ = ["Model", "run"]

SESSIONS_PER_CLIENT = 1_000_000  # the most session_count allows: session ids never collide
SERIES = ("throughput_rps", "latency_p99_ms", "errors_rps", "latency_p50_ms", "latency_p95_ms", "goodput_rps")
CLIENT_REQUESTS = ("total", "ok", "failed", "rejected", "timed_out", "throttled", "retries")
CLIENT_SERIES = ("throughput_rps", "errors_rps", "latency_p50_ms", "latency_p99_ms")


class Model:
    """The components and wires of one run, on one kernel."""

    def __init__(self, doc: dict, kernel: Kernel) -> None:
        scenario = doc["scenario"]
        self.kernel = kernel
        self.seed = scenario["seed"]
        self.duration = float(scenario["duration_s"])
        self.warmup = float(scenario["warmup_s"])
        self.tally = RunTally()
        self.nodes = {spec["id"]: KINDS[spec["kind"]](spec, self) for spec in doc["nodes"]}
        self.edges: dict[str, Edge] = {}
        for spec in doc["edges"]:
            source, target = self.nodes[spec["source"]], self.nodes[spec["target"]]
            edge = Edge(spec, source, target, kernel)
            self.edges[edge.id] = edge
            source.out.append(edge)
            target.into.append(edge)
        self.clients = [n for n in self.nodes.values() if "source" in n.TRAITS]
        for i, client in enumerate(self.clients):
            client.session_base = i * SESSIONS_PER_CLIENT
        # Sessions are modelled when the document cares about them (a balancer that sticks
        # sessions to servers, or servers that keep them in a shared store).
        self.session_owner: dict[int, object] | None = None
        if any(n.tracks_sessions() for n in self.nodes.values()):
            self.session_owner = {}  # session id -> the app server holding it (local stores)
        self.failover = Failover(self)
        self.failover.prepare()  # before wiring: standbys' wires go dormant or are borrowed
        stages: dict[int, dict[type, list]] = {}
        for node in self.nodes.values():
            stages.setdefault(node.WIRING_STAGE, {}).setdefault(type(node), []).append(node)
        for stage in sorted(stages):
            for kind, nodes in stages[stage].items():
                for node in nodes:
                    node.wire()
                kind.all_wired(nodes)
        self.warm: tuple | None = None
        if self.warmup > 0:
            kernel.schedule(self.warmup, self.end_warmup)
        for event in scenario["events"]:
            kernel.schedule(float(event["at_s"]), self.play, event)
        for client in self.clients:
            client.start(0.0)
        if self.warmup <= 0:
            self.warm = self.snapshot(0.0)

    # -- scenario ------------------------------------------------------------
    def play(self, t: float, event: dict) -> None:
        action = event["action"]
        params = event.get("params") or {}
        if action in ("fail", "recover", "set"):
            node = self.nodes[event["target"]]
            if action == "fail":
                node.fail(t)
            elif action == "recover":
                node.recover(t)
            else:
                node.set_params(t, params)
                for client in self.clients:
                    client.plan()  # what to draw may have changed (a balancer's algorithm, say)
            return
        edge = self.edges[event["target"]]
        if action == "partition":
            edge.set_cut(True)
        elif action == "heal":
            edge.set_cut(False)
            edge.set_latency(edge.base_latency)
            for node in (edge.target, edge.source):  # (master-master: one edge replicates both ways)
                node.edge_healed(t, edge)
        elif action == "slow":
            edge.set_latency(params["latency_ms"] / 1000.0)

    def end_warmup(self, t: float, _=None) -> None:
        self.warm = self.snapshot(t)
        for node in self.nodes.values():
            node.warmup_reset(t)

    # -- measurement ---------------------------------------------------------
    def snapshot(self, t: float) -> tuple:
        return ({nid: node.counters(t) for nid, node in self.nodes.items()}, self.tally.counters())

    def differences(self, cur: tuple, prev: tuple) -> tuple[dict, tuple]:
        nodes = {
            nid: dict(
                zip(
                    node.COUNTERS,
                    [a - b for a, b in zip(cur[0][nid], prev[0][nid], strict=True)],
                    strict=True,
                )
            )
            for nid, node in self.nodes.items()
        }
        tally = tuple(a - b for a, b in zip(cur[1], prev[1], strict=True))
        return nodes, tally

    def window(self, t: float, length: float, cur: tuple, prev: tuple) -> dict:
        nodes, _ = self.differences(cur, prev)
        clients = [nodes[c.id] for c in self.clients]
        slow = sum(d["slow"] for d in clients)
        latency = merged([c.tally.window_latency for c in self.clients])
        ok, (p50, p95, p99) = latency.count_and_percentiles((0.5, 0.95, 0.99))
        return {
            "type": "metrics",
            "t_s": int(ceil(t)),
            "window": {
                "throughput_rps": ok / length,
                "latency_p50_ms": p50 * 1000,
                "latency_p95_ms": p95 * 1000,
                "latency_p99_ms": p99 * 1000,
                "latency_mean_ms": latency.total / ok * 1000 if ok else 0.0,
                "errors_rps": sum(d["failed"] for d in clients) / length,
                "goodput_rps": (ok - slow) / length,
                "requests_rps": sum(d["sent"] for d in clients) / length,
                "cost_per_hour_usd": sum(
                    node.hourly_cost(nodes[nid], length) for nid, node in self.nodes.items()
                ),
                "nodes": {nid: node.window(nodes[nid], length) for nid, node in self.nodes.items()},
                "clients": {c.id: c.window_of_client(nodes[c.id], length) for c in self.clients},
                **guarded_windows(self.edges, t, length),  # breakers' states, when an edge has one
            },
        }

    def results(self, end: tuple, covered: float) -> dict:
        warm = self.warm if self.warm is not None else end
        measured = max(0.0, covered - self.warmup)
        nodes, (lost, conflicts, sessions_lost) = self.differences(end, warm)
        clients = {c.id: c.results_of_client(nodes[c.id], measured) for c in self.clients}
        # The run's figures are the clients' added up (latencies: their histograms merged).
        requests = {key: sum(c["requests"][key] for c in clients.values()) for key in CLIENT_REQUESTS}
        ok, total = requests["ok"], requests["total"]
        slow = sum(c.tally.slow for c in self.clients)
        latency = merged([c.tally.latency for c in self.clients])
        p50, p95, p99 = latency.percentiles((0.5, 0.95, 0.99))
        return {
            "format": 1,
            "seed": self.seed,
            "duration_s": covered,
            "warmup_s": self.warmup,
            "requests": requests,
            "availability": ok / total if total else 0.0,
            "throughput_rps": ok / measured if measured > 0 else 0.0,
            "goodput_rps": (ok - slow) / measured if measured > 0 else 0.0,
            "latency_ms": {
                "mean": latency.mean() * 1000,
                "p50": p50 * 1000,
                "p95": p95 * 1000,
                "p99": p99 * 1000,
                "max": latency.max * 1000,
            },
            "stale_reads": sum(c["stale_reads"] for c in clients.values()),
            "lost_writes": lost,
            "conflicts": conflicts,
            "sessions_lost": sessions_lost,
            "clients": clients,
            "nodes": {nid: node.summary(nodes[nid], measured) for nid, node in self.nodes.items()},
            **guarded_results(self.edges),  # per edge with a timeout or a breaker (see network.py)
            "failovers": self.failover.report(),
            "cost": self.cost(nodes, measured, total),
        }

    def cost(self, nodes: dict, measured: float, requests: int) -> dict:
        """What the run's measured part cost, in USD: per node, per hour and per million requests."""
        per_node = {nid: node.cost(nodes[nid], measured) for nid, node in self.nodes.items()}
        total_usd = sum(per_node.values())
        return {
            "total_usd": total_usd,
            "per_hour_usd": total_usd * 3600.0 / measured if measured > 0 else 0.0,
            "per_million_requests_usd": total_usd * 1e6 / requests if requests else 0.0,
            "nodes": per_node,
        }


def run(
    document: dict,
    *,
    on_window: Callable[[dict], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    speed: float | str | None = None,
    timeseries: bool = False,
    commands: Callable[[], list[dict]] | None = None,
) -> dict:
    """Simulate ``document`` (raw or normalized) and return its results document.

    ``on_window(message)`` receives every closed one-second window; ``should_stop()``
    is asked at every window boundary and ends the run early (``"stopped": true``)
    when it answers True; ``speed`` is ``None`` or ``"max"`` (as fast as possible)
    or simulated seconds per wall second; ``timeseries`` adds the per-window series.
    ``commands()`` is asked at every window boundary too, for scenario events
    (``{"action", "target", "params"}``, already validated against the document) to
    apply at once, at the current simulated time: faults injected live. They are
    returned, with their ``at_s``, in ``results["injected_events"]``, so adding them to
    the scenario replays the run exactly.
    Raises ``InvalidDocument`` for a bad document.
    """
    wall_start = time.perf_counter()
    doc = parse(document)
    if speed is None or speed == "max":
        kernel = Kernel()
    else:
        speed = float(speed)
        if not speed > 0:
            raise ValueError(
                f"speed must be 'max' or a positive number of simulated seconds per second, not {speed!r}"
            )
        kernel = PacedKernel(speed)
    model = Model(doc, kernel)
    duration = model.duration
    series: dict = {"t_s": [], **{k: [] for k in SERIES}}
    series["clients"] = {c.id: {k: [] for k in CLIENT_SERIES} for c in model.clients}
    prev = model.snapshot(0.0)
    observed = on_window is not None or timeseries
    covered = 0.0
    stopped = False
    injected: list[dict] = []
    second = 0
    while covered < duration:
        second += 1
        t = min(float(second), duration)
        kernel.run_until(t)
        cur = model.snapshot(t)  # also applies due replication: keeps backlogs bounded
        if observed:  # a message nobody reads is not worth building
            message = rounded(model.window(t, t - covered, cur, prev))
            if timeseries:
                window = message["window"]
                series["t_s"].append(message["t_s"])
                for key in SERIES:
                    series[key].append(window[key])
                for cid, figures in window["clients"].items():
                    for key in CLIENT_SERIES:
                        series["clients"][cid][key].append(figures[key])
            if on_window is not None:
                on_window(message)
        for client in model.clients:
            client.tally.window_latency.reset()
        prev = cur
        covered = t
        if should_stop is not None and covered < duration and should_stop():
            stopped = True
            break
        if commands is not None and covered < duration:
            for command in commands():
                event = {"at_s": covered, "action": command["action"], "target": command["target"],
                         "params": command.get("params") or {}}  # fmt: skip
                model.play(covered, event)
                injected.append(event)
    results = model.results(prev, covered)
    if injected:
        results["injected_events"] = injected
    if timeseries:
        results["timeseries"] = series
    results["stopped"] = stopped
    results["events_processed"] = kernel.events_processed
    availability = results["availability"]
    results = rounded(results)
    results["availability"] = availability  # exact: ok / total, as the contract checks
    results["wall_s"] = round(time.perf_counter() - wall_start, 3)
    return results
