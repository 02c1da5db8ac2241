"""Instances and autoscaling against the arithmetic that defines them (see ``simulation.autoscaling``)."""

from math import ceil

import pytest

from simulation import run
from simulation.format import validate
from tests.simulation.helpers import document, edge, node

PER_INSTANCE_RPS = 100  # one worker, 10 ms per request


def scaled(rate: float, duration: float = 40, events: list | None = None, **scaling) -> dict:
    server = {"workers": 1, "service_ms": 10, "service_dist": "constant", "queue_limit": 20, **scaling}
    return document(
        [node("users", "client", rate_rps=rate, arrival="constant"), node("app", "app_server", **server)],
        [edge("users", "app", latency_ms=0)],
        duration=duration,
        events=events,
    )


def steps_under_overload(start: int, maximum: int, target: float) -> list[tuple[int, int]]:
    """Under overload the utilisation is 1: each step asks for ceil(n / target), bounded."""
    steps, n = [], start
    while True:
        wanted = min(maximum, ceil(n / target - 1e-9))
        if wanted == n:
            return steps
        steps.append((n, wanted))
        n = wanted


def test_a_steady_overload_scales_by_ceil_of_current_times_utilisation_over_target_bounded():
    # 2,000 rps against 100 rps per instance: saturated up to the bound of 12.
    results = run(scaled(2000, max_instances=12, scale_cooldown_s=5, instance_startup_s=0))
    events = results["nodes"]["app"]["scale_events"]
    assert [(e["from"], e["to"]) for e in events] == steps_under_overload(1, 12, 0.7)  # 1,2,3,5,8,12
    assert [e["at_s"] for e in events] == [
        2.0,
        7.0,
        12.0,
        17.0,
        22.0,
    ]  # first decision at 2 s, then per cooldown
    assert results["nodes"]["app"]["instances"]["max"] == 12


def test_the_target_utilisation_sets_the_size_the_load_needs():
    # 450 rps needs 4.5 instances at utilisation 1, ceil(450 / 100 / 0.75) = 6 at the target 0.75.
    results = run(scaled(450, duration=120, max_instances=20, target_utilization=0.75, scale_cooldown_s=5,
                         instance_startup_s=0))  # fmt: skip
    final = results["nodes"]["app"]["scale_events"][-1]["to"]
    assert final == ceil(450 / PER_INSTANCE_RPS / 0.75)


def test_an_added_instance_serves_only_after_its_start_up():
    windows = []
    run(
        scaled(2000, duration=20, max_instances=2, scale_cooldown_s=5, instance_startup_s=7),
        on_window=windows.append,
    )
    instances = {w["t_s"]: w["window"]["nodes"]["app"]["instances"] for w in windows}
    # asked for at 2 s, serving from 9 s
    assert [instances[t] for t in (2, 8, 9, 10)] == [1, 1, 2, 2]


def test_the_size_changes_at_most_once_per_cooldown():
    results = run(scaled(2000, duration=60, max_instances=50, scale_cooldown_s=12, instance_startup_s=0))
    times = [e["at_s"] for e in results["nodes"]["app"]["scale_events"]]
    assert len(times) >= 3
    assert all(b - a >= 12 for a, b in zip(times, times[1:], strict=False))


def test_when_the_load_falls_it_shrinks_to_min_instances_and_drops_nothing():
    events = [{"at_s": 20, "action": "set", "target": "users", "params": {"rate_rps": 20}}]
    results = run(scaled(500, duration=80, events=events, instances=2, max_instances=10, min_instances=2,
                         scale_cooldown_s=5, instance_startup_s=0))  # fmt: skip
    app = results["nodes"]["app"]
    assert app["scale_events"][-1]["to"] == 2
    assert app["instances"]["min"] == 2
    assert app["failures"]["refused"] == 0  # removed instances finished what they held


def test_fixed_instances_share_one_line_like_as_many_workers():
    alone = run(scaled(250, instances=3))
    pooled = run(
        document(
            [
                node("users", "client", rate_rps=250, arrival="constant"),
                node("app", "app_server", workers=3, service_ms=10, service_dist="constant", queue_limit=20),
            ],
            [edge("users", "app", latency_ms=0)],
            duration=40,
        )
    )
    for field in ("requests", "latency_ms", "availability"):
        assert alone[field] == pooled[field], field
    assert alone["nodes"]["app"]["utilization"] == pooled["nodes"]["app"]["utilization"]
    assert alone["nodes"]["app"]["instances"] == {"min": 3, "max": 3, "mean": 3.0}


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"instances": 5, "max_instances": 3}, "params.instances", "must be at most max_instances (3)"),
        (
            {"instances": 2, "max_instances": 4, "min_instances": 3},
            "params.min_instances",
            "must be at most instances",
        ),
        ({"min_instances": 1}, "params.min_instances", "set max_instances too"),
        ({"target_utilization": 0}, "params.target_utilization", "greater than 0"),
        ({"scale_cooldown_s": -1}, "params.scale_cooldown_s", "at least 0"),
        ({"instance_startup_s": "1m"}, "params.instance_startup_s", "must be a number"),
        ({"max_instances": 0}, "params.max_instances", "at least 1"),
    ],
)
def test_bad_scaling_parameters_are_problems_naming_the_node_and_the_field(params, field, words):
    doc = scaled(100, **params)
    problems = [p for p in validate(doc) if p.node == "app"]
    assert [p.field for p in problems] == [field]
    assert words in problems[0].message
