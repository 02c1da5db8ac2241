"""CDN, pull against push: misses, origin load, storage and stale objects.

Pull, exactly: an object requested at rate lam (Poisson) with a TTL of T misses at
its first request, then at the first request after each expiry. So its k-th miss
comes at (k - 1) T plus the sum of k exponential waits of mean 1 / lam: it falls
within a run of D seconds with probability P(Poisson(lam (D - (k - 1) T)) >= k).
Summing over k gives the expected misses per object: one per TTL period (plus the
wait for the next request), as the lecture says. Different objects are
independent. The variance is exact too: the misses of an object are a sum of
nested indicators (the k-th miss within the run implies the j-th for j < k), so
with p_k = P(k-th miss within D), var = sum (2k - 1) p_k - (sum p_k)^2.
"""

from math import exp, sqrt

from simulation import run
from tests.simulation.helpers import document, edge, node

OBJECTS, RATE, TTL, DURATION = 100, 200.0, 10.0, 200.0


def cdn(mode: str, *, read_ratio: float = 1.0, capacity: int = 10_000, duration: float = DURATION) -> dict:
    return document(
        [
            node(
                "users", "client", rate_rps=RATE, key_count=OBJECTS, static_ratio=1.0, read_ratio=read_ratio
            ),
            node("cdn", "cdn", mode=mode, ttl_s=TTL, edge_ms=0, capacity=capacity),
            # the origin answers in a microsecond: no request arrives while a fetch is under way
            node("origin", "app_server", workers=64, service_ms=0.001, service_dist="constant"),
        ],
        [edge("users", "cdn", latency_ms=0), edge("cdn", "origin", latency_ms=0)],
        duration=duration,
    )


def poisson_at_least(k: int, mean: float) -> float:
    term, below = exp(-mean), 0.0
    for i in range(k):
        below += term
        term *= mean / (i + 1)
    return max(0.0, 1.0 - below)


def pull_misses_mean_and_variance(lam: float, ttl: float, duration: float) -> tuple[float, float]:
    """Per object: the mean and variance of the number of misses in ``duration``."""
    p, k = [], 1
    while duration - (k - 1) * ttl > 0:
        p.append(poisson_at_least(k, lam * (duration - (k - 1) * ttl)))
        k += 1
    mean = sum(p)
    return mean, sum((2 * k - 1) * pk for k, pk in enumerate(p, start=1)) - mean**2


def test_a_pull_cdn_misses_once_per_object_per_ttl_period():
    results = run(cdn("pull"))["nodes"]["cdn"]
    mean, variance = pull_misses_mean_and_variance(RATE / OBJECTS, TTL, DURATION)
    expected, sd = OBJECTS * mean, sqrt(OBJECTS * variance)
    assert 19 < mean < 20  # one miss per TTL period (10 s, plus half a second's wait) over 200 s
    assert abs(results["misses"] - expected) <= 3.3 * sd, (results["misses"], expected, sd)
    assert results["origin_requests"] == results["misses"]
    assert abs(results["hit_ratio"] - results["hits"] / (results["hits"] + results["misses"])) < 1e-6


def test_a_push_cdn_never_misses_and_stores_every_object():
    results = run(cdn("push"))
    edge_node = results["nodes"]["cdn"]
    assert edge_node["misses"] == 0 and edge_node["hit_ratio"] == 1.0
    assert edge_node["origin_requests"] == 0 and results["nodes"]["origin"]["arrivals"] == 0
    assert edge_node["objects_stored"] == OBJECTS


def test_a_pull_cdn_stores_only_what_was_requested_within_its_capacity():
    results = run(cdn("pull", capacity=30, duration=20))["nodes"]["cdn"]
    assert results["objects_stored"] == 30  # LRU: never more than the capacity
    few = run(document(
        [node("users", "client", rate_rps=2, key_count=OBJECTS, static_ratio=1.0, read_ratio=1.0),
         node("cdn", "cdn", mode="pull", ttl_s=TTL, edge_ms=0),
         node("origin", "app_server")],
        [edge("users", "cdn"), edge("cdn", "origin")], duration=5,
    ))["nodes"]["cdn"]  # fmt: skip
    assert few["objects_stored"] == few["misses"] < OBJECTS  # one object per first request


def test_updates_make_a_pull_cdn_serve_stale_objects_until_they_expire_but_never_a_push_cdn():
    pull = run(cdn("pull", read_ratio=0.9))["nodes"]["cdn"]
    push = run(cdn("push", read_ratio=0.9))["nodes"]["cdn"]
    assert pull["stale_served"] > 0
    assert push["stale_served"] == 0
    # the writes pass through to the origin; a push CDN re-pushes each updated object
    writes = push["origin_requests"]
    assert writes > 0 and push["pushes"] == writes


def test_the_origin_carries_the_misses_of_a_pull_cdn_and_nothing_of_a_push_cdn_for_static_reads():
    pull, push = run(cdn("pull")), run(cdn("push"))
    assert pull["nodes"]["origin"]["arrivals"] == pull["nodes"]["cdn"]["misses"] > OBJECTS
    assert push["nodes"]["origin"]["arrivals"] == 0


def test_dynamic_requests_pass_through_to_the_origin():
    doc = cdn("push")
    doc["nodes"][0]["params"]["static_ratio"] = 0.25
    results = run(doc)["nodes"]["cdn"]
    arrivals = results["arrivals"]
    assert results["origin_requests"] == arrivals - results["hits"]
    assert abs(results["hits"] / arrivals - 0.25) < 3.3 * sqrt(0.25 * 0.75 / arrivals)
