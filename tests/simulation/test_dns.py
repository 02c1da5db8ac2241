"""DNS: cached answers, routing policies, and outages that last as long as the TTL.

The outage figure. Each of S sessions (rate lam = r / S each) caches its answer for
T seconds, then resolves again at its next request: cycles of T plus an exponential
wait. At a random instant a session holds an answer with probability
p = T / (T + 1 / lam), which then has a uniform remaining life R in (0, T)
(resolvers start in their steady state: see ``components/dns.py``). When the
region every answer names dies, a session keeps failing for R: its failed requests
are Poisson(lam R) given R, so

    E[failed] = S lam p T / 2          var = S (lam p T / 2 + lam^2 (p T^2 / 3 - p^2 T^2 / 4)),

which grows with T about as T^2 / (T + S / r): about r T / 2 for a long TTL.
"""

from math import sqrt

import pytest

from simulation import run
from tests.simulation.helpers import document, edge, node

SESSIONS, RATE = 400, 400.0


def region_failure(ttl: float, *, policy: str = "failover", fail_at: float | None = None) -> dict:
    fail_at = fail_at if fail_at is not None else max(20.0, 3 * ttl)
    return document(
        [
            node("users", "client", rate_rps=RATE, session_count=SESSIONS),
            node("dns", "dns", ttl_s=ttl, policy=policy, lookup_ms=0),
            node("east", "app_server", workers=64, service_ms=1, service_dist="constant"),
            node("west", "app_server", workers=64, service_ms=1, service_dist="constant"),
        ],
        [edge("users", "dns"), edge("dns", "east"), edge("dns", "west")],
        duration=fail_at + ttl + 5,
        events=[{"at_s": fail_at, "action": "fail", "target": "east"}],
    )


def outage(ttl: float) -> tuple[float, float]:
    lam = RATE / SESSIONS
    p = ttl / (ttl + 1 / lam)
    mean = SESSIONS * lam * p * ttl / 2
    var = SESSIONS * (lam * p * ttl / 2 + lam**2 * (p * ttl**2 / 3 - p**2 * ttl**2 / 4))
    return mean, sqrt(var)


@pytest.mark.parametrize("ttl", [5, 60])
def test_clients_keep_hitting_a_dead_region_until_their_cached_answer_expires(ttl):
    results = run(region_failure(ttl))
    mean, sd = outage(ttl)
    held = RATE * 0.001  # requests in service at the failure (1 ms each)
    failed = results["requests"]["failed"]
    assert abs(failed - mean - held) <= 3.3 * sd, (failed, mean, sd)
    # ...and every failure was a request to the dead region (the DNS never answers with it again)
    assert failed == results["nodes"]["east"]["failures"]["refused"]


def test_the_outage_grows_with_the_ttl():
    short, long = (run(region_failure(ttl))["requests"]["failed"] for ttl in (5, 60))
    assert long > 8 * short  # theory: 11,800 against 830


def test_a_ttl_of_zero_resolves_every_request_and_fails_over_at_once():
    results = run(region_failure(0))
    assert results["requests"]["failed"] <= 2  # at most what the dead region held
    assert results["nodes"]["dns"]["lookups"] == results["nodes"]["dns"]["arrivals"]


def test_lookups_happen_once_per_ttl_per_session():
    results = run(document(
        [node("users", "client", rate_rps=200, session_count=50),
         node("dns", "dns", ttl_s=10), node("app", "app_server")],
        [edge("users", "dns"), edge("dns", "app")], duration=100,
    ))  # fmt: skip
    # per session: a first lookup, then one per cycle of 10 s plus a wait of 1/4 s
    expected = 50 * (1 + (100 - 5) / 10.25)
    assert abs(results["nodes"]["dns"]["lookups"] - expected) <= 0.05 * expected


def policy_split(policy: str, **edges) -> dict:
    return document(
        [
            node("users", "client", rate_rps=200, session_count=1000),
            node("dns", "dns", ttl_s=1000, policy=policy),
            node("a", "app_server"),
            node("b", "app_server"),
        ],
        [
            edge("users", "dns"),
            edge("dns", "a", **edges.get("a", {})),
            edge("dns", "b", **edges.get("b", {})),
        ],
        duration=20,
    )


def test_round_robin_answers_alternate_between_targets():
    nodes = run(policy_split("round_robin"))["nodes"]
    share = nodes["a"]["arrivals"] / (nodes["a"]["arrivals"] + nodes["b"]["arrivals"])
    assert abs(share - 0.5) < 0.06  # 1,000 sessions, each a Poisson share: 3.3 sd is about 0.05


def test_weighted_answers_follow_the_edge_weights():
    nodes = run(policy_split("weighted", a={"weight": 3}, b={"weight": 1}))["nodes"]
    share = nodes["a"]["arrivals"] / (nodes["a"]["arrivals"] + nodes["b"]["arrivals"])
    assert abs(share - 0.75) < 0.06  # answers drawn per session: 3.3 sd over 1,000 is about 0.05


def test_latency_policy_answers_with_the_nearest_target():
    nodes = run(policy_split("latency", a={"latency_ms": 40}, b={"latency_ms": 5}))["nodes"]
    assert nodes["a"]["arrivals"] == 0 and nodes["b"]["arrivals"] > 0


def test_failover_policy_answers_with_the_first_healthy_target_in_edge_order():
    nodes = run(policy_split("failover"))["nodes"]
    assert nodes["b"]["arrivals"] == 0 and nodes["a"]["arrivals"] > 0
    doc = policy_split("failover")
    doc["scenario"]["events"] = [{"at_s": 0, "action": "fail", "target": "a"}]
    nodes = run(doc)["nodes"]
    assert nodes["a"]["arrivals"] == 0 and nodes["b"]["arrivals"] > 0
