"""Instances and autoscaling: identical copies of a server sharing one waiting line.

An ``app_server`` or a ``worker`` runs ``instances`` identical copies, each with
``workers`` workers, in front of one waiting line: the node serves
``workers * serving instances`` requests at once (as a pool of machines behind a
shared queue, which is also how a load balancer with least connections over
identical machines behaves at the level of this model).

With ``max_instances`` set, the node scales itself, as a Kubernetes horizontal
autoscaler does. At every whole second it measures the utilisation of the last
10 seconds (busy worker-time over available worker-time, both integrated
exactly) and computes

    desired = ceil(serving * utilization / target_utilization)

bounded by ``min_instances`` and ``max_instances``. ``serving`` counts the
instances that serve, not those still starting: the formula estimates how many
instances the measured load needs, and the instances already asked for are
compared with that. The size changes at most once per ``scale_cooldown_s``. An
added instance costs from the moment it is asked for but serves only after
``instance_startup_s``; when the size shrinks, instances still starting are
cancelled first, and a removed serving instance finishes what it holds (its
workers are not replaced when they finish). Under overload the utilisation is 1
and each step grows the node by a factor of 1 / target_utilization: scaling
from one instance takes several cooldowns, which is what the lecture's "warm-up"
warning is about.

A ``set`` event on ``instances`` resizes the node at once (manual scaling, no
start-up). Counting serving instances over time gives the results' ``instances``
(min, max and time-weighted mean over the measured part); counting the
instances asked for gives the instance-hours that ``cost`` bills.
"""

from __future__ import annotations

from collections import deque
from math import ceil, inf

from .format.fields import Int, Kind, Metric, Number, param

__all__ = ["SCALING_SUMMARY_METRICS", "SCALING_WINDOW_METRICS", "Instances", "Scalable", "check_scaling"]

WINDOW_S = 10  # the utilisation that drives scaling is that of the last 10 seconds


class Scalable(Kind):
    """The instance and autoscaling parameters of the kinds that scale (app_server, worker)."""

    instances: Int = param(
        1,
        "Identical copies of this node, each with its own workers, sharing one waiting line "
        "(the starting size when it autoscales).",
        unit="instances",
        group="scaling",
        ge=1,
        le=1_000,
    )
    max_instances: Int | None = param(
        None,
        "Most instances autoscaling may run; null = a fixed size (no autoscaling).",
        unit="instances",
        group="scaling",
        ge=1,
        le=1_000,
    )
    min_instances: Int | None = param(
        None,
        "Fewest instances autoscaling keeps; null = instances.",
        unit="instances",
        group="scaling",
        ge=1,
        le=1_000,
        auto="instances",
    )
    target_utilization: Number = param(
        0.7,
        "Utilisation autoscaling aims at: each second it asks for "
        "ceil(serving x utilisation of the last 10 s / target) instances.",
        group="scaling",
        gt=0,
        le=1,
    )
    scale_cooldown_s: Number = param(
        30,
        "Least time between two changes of size, in s.",
        unit="s",
        group="scaling",
        ge=0,
        le=86_400,
    )
    instance_startup_s: Number = param(
        60,
        "Time an added instance needs before it serves, in s (it costs from the moment it is asked for).",
        unit="s",
        group="scaling",
        ge=0,
        le=86_400,
    )


def check_scaling(params: dict) -> list[tuple[str, str]]:
    """min_instances <= instances <= max_instances, as (parameter, message) problems."""
    instances, low, high = params.get("instances"), params.get("min_instances"), params.get("max_instances")
    if not all(isinstance(v, int) or v is None for v in (instances, low, high)) or instances is None:
        return []  # a value of the wrong type is reported already
    problems = []
    if low is not None and high is None:
        problems.append(
            ("min_instances", "only applies with autoscaling: set max_instances too, or leave it null")
        )
    if high is not None and instances > high:
        problems.append(("instances", f"must be at most max_instances ({high}) (got {instances})"))
    if low is not None and low > instances:
        problems.append(("min_instances", f"must be at most instances ({instances}) (got {low})"))
    return problems


SCALING_SUMMARY_METRICS = (
    Metric("instances.mean", "Instances mean", "instances", "Instances serving, averaged over time."),
    Metric("instances.max", "Instances max", "instances", "Most instances serving at once."),
    Metric("instances.min", "Instances min", "instances", "Fewest instances serving at once."),
)
SCALING_WINDOW_METRICS = (
    Metric("instances", "Instances", "instances", "Instances serving at the end of the window."),
)


class Instances:
    """How many instances of ``server`` serve and are paid for, and the autoscaler that changes it."""

    def __init__(self, server, params: dict) -> None:
        self.server = server
        self.kernel = server.model.kernel
        self.serving = params["instances"]
        self.asked = self.serving  # serving + starting: what is paid for
        self.starting: list[int] = []  # tokens of instances still starting
        self.token = 0
        self.t_mark = 0.0
        self.serving_area = 0.0  # integral of serving instances over time
        self.asked_area = 0.0  # integral of instances asked for (instance-seconds billed)
        self.low = self.high = self.serving
        self.events: list[dict] = []
        self.warmup = server.model.warmup
        # For utilisation: the area under "available workers", kept like the busy area.
        self.capacity_acc = 0.0
        self.samples: deque[tuple[float, float]] = deque(maxlen=WINDOW_S + 1)
        self.last_change = -inf
        self.scheduled = False
        self.configure(params)

    def configure(self, params: dict) -> None:
        self.per_instance = params["workers"]
        self.maximum = params["max_instances"]
        self.minimum = params["min_instances"] if params["min_instances"] is not None else params["instances"]
        self.target = params["target_utilization"]
        self.cooldown = params["scale_cooldown_s"]
        self.startup = params["instance_startup_s"]
        self.start()

    def start(self) -> None:
        """Begin deciding, one decision per whole second, once the node autoscales."""
        if self.maximum is not None and not self.scheduled:
            self.scheduled = True
            self.kernel.schedule(1.0, self.tick)

    @property
    def workers(self) -> int:
        return self.per_instance * self.serving

    # -- time-weighted counts --------------------------------------------------------
    def mark(self, t: float) -> None:
        dt = t - self.t_mark
        if dt > 0:
            self.serving_area += self.serving * dt
            self.asked_area += self.asked * dt
            self.t_mark = t

    def capacity_area(self, t: float) -> float:
        return self.capacity_acc + self.server.workers * t

    def resize(self, t: float, serving: int) -> None:
        """Make ``serving`` instances serve from ``t`` on (more take waiting calls at once)."""
        self.mark(t)
        server = self.server
        old = server.workers
        self.serving = serving
        server.workers = self.workers
        self.capacity_acc += (old - server.workers) * t
        if t >= self.warmup:
            self.low, self.high = min(self.low, serving), max(self.high, serving)
        if server.workers > old:
            server.capacity_grew(t)

    def set_size(self, t: float, instances: int) -> None:
        """A ``set`` event on ``instances``: that many serve now, none starting."""
        self.mark(t)
        self.starting.clear()
        self.asked = instances
        self.resize(t, instances)

    def warmup_reset(self, t: float) -> None:
        self.mark(t)
        self.low = self.high = self.serving

    # -- the autoscaler --------------------------------------------------------------
    def tick(self, t: float, _=None) -> None:
        self.kernel.schedule(t + 1.0, self.tick)
        server = self.server
        if not server.up:
            self.samples.clear()  # a dead node's utilisation says nothing about its load
            return
        self.samples.append((server.busy_acc + server.busy * t, self.capacity_area(t)))
        if len(self.samples) < 2 or t - self.last_change < self.cooldown:
            return
        (busy0, cap0), (busy1, cap1) = self.samples[0], self.samples[-1]
        utilization = min(1.0, (busy1 - busy0) / (cap1 - cap0)) if cap1 > cap0 else 0.0
        # (1e-9: 0.7 * 2 / 0.7 is 2.0000000000000004, which must not ask for a third instance)
        desired = ceil(self.serving * utilization / self.target - 1e-9)
        desired = max(self.minimum, min(self.maximum, desired))
        if desired == self.asked:
            return
        self.mark(t)
        if t >= self.warmup:
            self.events.append({"at_s": t, "from": self.asked, "to": desired})
        self.last_change = t
        if desired > self.asked:
            for _ in range(desired - self.asked):
                self.token += 1
                self.starting.append(self.token)
                self.kernel.schedule(t + self.startup, self.started, self.token)
            self.asked = desired
            return
        remove = self.asked - desired
        self.asked = desired
        while remove and self.starting:
            self.starting.pop()  # the newest first: it is the furthest from serving
            remove -= 1
        if remove:
            self.resize(t, self.serving - remove)
            self.samples.clear()  # utilisation of the old size says nothing of the new one

    def started(self, t: float, token: int) -> None:
        if token in self.starting:
            self.starting.remove(token)
            self.resize(t, self.serving + 1)

    # -- measurement -----------------------------------------------------------------
    def counters(self, t: float) -> tuple:
        self.mark(t)
        return (self.serving_area, self.asked_area)

    def window(self, view: dict) -> None:
        view["instances"] = self.serving

    def summary(self, d: dict, measured: float) -> dict:
        mean = d["serving_area"] / measured if measured > 0 else float(self.serving)
        out = {"instances": {"min": self.low, "max": self.high, "mean": mean}}
        if self.maximum is not None:
            out["scale_events"] = list(self.events)
        return out
