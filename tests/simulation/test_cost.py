"""Cost: price times time, exactly, for every node; usage at its price per million requests."""

import pytest

from simulation import run
from simulation.format import KINDS, validate
from tests.simulation.helpers import document, edge, node


def priced(duration: float = 100, warmup: float = 10, events: list | None = None, **app) -> dict:
    return document(
        [
            node("users", "client", rate_rps=50, arrival="constant"),
            node("front", "load_balancer", cost_per_hour=0.036),
            node("app", "app_server", **({"cost_per_hour": 0.36} | app)),
        ],
        [edge("users", "front"), edge("front", "app")],
        duration=duration,
        warmup=warmup,
        events=events,
    )


def test_cost_is_price_times_measured_time_exactly():
    results = run(priced())
    cost = results["cost"]
    assert cost["nodes"] == {"users": 0.0, "front": pytest.approx(0.036 * 90 / 3600, rel=1e-5),
                             "app": pytest.approx(0.36 * 90 / 3600, rel=1e-5)}  # fmt: skip
    assert cost["total_usd"] == pytest.approx(0.396 * 90 / 3600, rel=1e-5)
    assert cost["per_hour_usd"] == pytest.approx(0.396, rel=1e-5)
    requests = results["requests"]["total"]
    assert cost["per_million_requests_usd"] == pytest.approx(cost["total_usd"] * 1e6 / requests, rel=1e-5)
    assert results["nodes"]["app"]["cost_usd"] == cost["nodes"]["app"]


def test_a_failed_node_still_costs():
    events = [{"at_s": 30, "action": "fail", "target": "app"}]
    assert run(priced(events=events))["cost"]["nodes"]["app"] == run(priced())["cost"]["nodes"]["app"]


def test_fixed_instances_cost_each():
    assert run(priced(instances=3))["cost"]["nodes"]["app"] == pytest.approx(3 * 0.36 * 90 / 3600, rel=1e-5)


def test_an_autoscaled_instance_costs_from_when_it_is_asked_for_until_it_is_removed():
    doc = document(
        [
            node("users", "client", rate_rps=2000, arrival="constant"),
            node(
                "app",
                "app_server",
                workers=1,
                service_ms=10,
                queue_limit=10,
                cost_per_hour=3.6,
                max_instances=2,
                scale_cooldown_s=5,
                instance_startup_s=15,
            ),  # fmt: skip
        ],
        [edge("users", "app")],
        duration=30,
    )
    results = run(doc)
    (event,) = results["nodes"]["app"]["scale_events"]
    # one instance all along, a second from when it was asked for (start-up included): 3.6 USD/h is 0.001/s
    assert results["cost"]["nodes"]["app"] == pytest.approx(0.001 * (30 + (30 - event["at_s"])), rel=1e-5)


@pytest.mark.parametrize("kind", ["cdn", "dns", "queue"])
def test_usage_priced_kinds_charge_per_million_requests(kind):
    assert "cost_per_million_requests" in KINDS[kind].params
    if kind == "queue":
        nodes = [node("users", "client", rate_rps=100, arrival="constant", read_ratio=0),
                 node("app", "app_server", cost_per_hour=0), node("q", "queue", cost_per_million_requests=2.5),
                 node("w", "worker", cost_per_hour=0), node("db", "database", cost_per_hour=0)]  # fmt: skip
        edges = [edge("users", "app"), edge("app", "q"), edge("q", "w"), edge("w", "db")]
    else:
        nodes = [node("users", "client", rate_rps=100, arrival="constant"),
                 node("q", kind, cost_per_million_requests=2.5), node("app", "app_server", cost_per_hour=0)]  # fmt: skip
        edges = [edge("users", "q"), edge("q", "app")]
    results = run(document(nodes, edges, duration=20))
    arrivals = results["nodes"]["q"]["arrivals"]
    hourly = KINDS[kind].params["cost_per_hour"].default
    assert arrivals > 0
    assert results["cost"]["nodes"]["q"] == pytest.approx(2.5 * arrivals / 1e6 + hourly * 20 / 3600, rel=1e-5)


def test_every_kind_has_a_documented_default_price():
    for kind, spec in KINDS.items():
        assert "cost_per_hour" in spec.params, kind
        if kind != "client":
            assert "docs/cost.md" in spec.params["cost_per_hour"].help, kind


def test_the_window_carries_the_cost_per_hour_now():
    windows = []
    run(priced(duration=3, warmup=0), on_window=windows.append)
    assert [w["window"]["cost_per_hour_usd"] for w in windows] == [pytest.approx(0.396)] * 3


def test_a_negative_price_is_a_problem_naming_the_node_and_the_field():
    (problem,) = validate(priced(cost_per_hour=-1))
    assert (problem.node, problem.field) == ("app", "params.cost_per_hour")
