"""The presets of autoscaling, N+1 and cost show what their descriptions say, with the mechanism's figures."""

import pytest

from simulation import run
from simulation.presets import preset_by_id


def results_of(preset_id: str, **options) -> dict:
    return run(preset_by_id(preset_id)["document"], **options)


def test_autoscaling_with_a_short_start_up_catches_the_spike_and_a_long_one_does_not():
    results = results_of("autoscaling-under-a-spike", timeseries=True)
    fast, slow = results["nodes"]["app-fast"], results["nodes"]["app-slow"]
    # each step asks for ceil(serving / 0.7) while saturated: 1 -> 2 -> 3 -> 5 -> 8
    assert [(e["from"], e["to"]) for e in fast["scale_events"][:4]] == [(1, 2), (2, 3), (3, 5), (5, 8)]
    # the slow one's second instance, asked for early in the spike, serves 30 s later
    first = slow["scale_events"][0]
    assert (first["from"], first["to"]) == (1, 2) and 10 < first["at_s"] < 16
    errors = results["timeseries"]["clients"]
    t = results["timeseries"]["t_s"]
    fast_errors = dict(zip(t, errors["users-fast"]["errors_rps"], strict=True))
    slow_errors = dict(zip(t, errors["users-slow"]["errors_rps"], strict=True))
    assert max(fast_errors[s] for s in range(26, 41)) < 50  # caught up about 15 s into the spike
    # one instance (200 rps) against 600 rps: about two requests in three rejected until the second serves
    assert min(slow_errors[s] for s in range(12, 41)) > 300
    clients = results["clients"]
    assert clients["users-fast"]["availability"] > clients["users-slow"]["availability"] + 0.2


def test_n_plus_one_the_spare_replaces_the_first_failure_only():
    results = results_of("n-plus-one-shared-standby")
    (failover,) = results["failovers"]
    assert (failover["failed"], failover["standby"], failover["rto_s"]) == ("app1", "spare", 1.5)
    nodes = results["nodes"]
    assert nodes["app2"]["downtime_s"] == pytest.approx(20)  # from 35 s to the end, unreplaced
    assert nodes["spare"]["arrivals"] > 0
    # two servers of 400 rps against 900 rps after 35 s: requests fail only then
    assert results["clients"]["users"]["requests"]["failed"] > 0


def test_vertical_and_horizontal_cost_about_the_same_and_only_horizontal_survives_a_failure():
    results = results_of("cost-of-vertical-vs-horizontal-scaling")
    cost = results["cost"]["nodes"]
    vertical = cost["big"]
    horizontal = cost["lb"] + sum(cost[f"small{i}"] for i in range(1, 5))
    assert vertical == pytest.approx(0.384 * 60 / 3600, rel=1e-5)  # price x time, exactly
    assert horizontal / vertical == pytest.approx((4 * 0.096 + 0.0225) / 0.384, rel=1e-5)  # about 6% more
    clients = results["clients"]
    assert clients["users-v"]["availability"] == pytest.approx(0.5, abs=0.02)  # nothing after 30 s of 60
    assert clients["users-h"]["availability"] > 0.95
