"""Load balancing against theory and against each other.

Random splitting of a Poisson stream gives Poisson streams: n identical M/M/1
servers behind a random balancer behave as n independent M/M/1 queues at
lambda / n. Round robin smooths each server's arrivals (Erlang-n gaps instead of
exponential ones), so it waits less than random; least connections looks at the
servers' load, so it beats round robin when one server is slower. Network
latency and balancer overhead are zero so that the formulas apply.
"""

from simulation import run
from tests.simulation.helpers import batch_means, document, edge, node, windows_of


def balanced(algorithm: str, rate: float, service_ms: list[float], duration: float, seed: int) -> dict:
    servers = [f"s{i}" for i in range(len(service_ms))]
    return document(
        [
            node("users", "client", rate_rps=rate),
            node("lb", "load_balancer", algorithm=algorithm, overhead_ms=0),
            *(
                node(s, "app_server", workers=1, service_ms=ms)
                for s, ms in zip(servers, service_ms, strict=True)
            ),
        ],
        [edge("users", "lb", latency_ms=0), *(edge("lb", s, latency_ms=0) for s in servers)],
        duration=duration,
        warmup=20,
        seed=seed,
    )


def mean_latency(doc: dict) -> tuple[float, float]:
    _, windows = windows_of(doc)
    return batch_means(
        windows,
        after=20,
        batches=20,
        value=lambda w: w["window"]["latency_mean_ms"],
        weight=lambda w: w["window"]["throughput_rps"],
    )


def test_random_balancing_over_identical_servers_is_independent_mm1_queues():
    lam, mu, n = 320.0, 100.0, 4
    mean, half = mean_latency(balanced("random", lam, [1000 / mu] * n, duration=420, seed=21))
    assert abs(mean - 1000 / (mu - lam / n)) <= half


def test_random_balancing_spreads_requests_evenly():
    results = run(balanced("random", 320.0, [10.0] * 4, duration=120, seed=22))
    counts = list(results["nodes"]["lb"]["targets"].values())
    total = sum(counts)
    # Each count is Binomial(total, 1/4): within 3.3 standard deviations (99.9 %).
    sd = (total * 0.25 * 0.75) ** 0.5
    assert all(abs(c - total / 4) <= 3.3 * sd for c in counts)


def test_round_robin_waits_less_than_random():
    rr, rr_half = mean_latency(balanced("round_robin", 320.0, [10.0] * 4, duration=420, seed=23))
    rnd, rnd_half = mean_latency(balanced("random", 320.0, [10.0] * 4, duration=420, seed=23))
    assert rr + rr_half < rnd - rnd_half


def test_round_robin_sends_each_server_the_same_share():
    results = run(balanced("round_robin", 320.0, [10.0] * 4, duration=30, seed=24))
    counts = list(results["nodes"]["lb"]["targets"].values())
    assert max(counts) - min(counts) <= 1


def test_least_connections_beats_round_robin_when_one_server_is_three_times_slower():
    uneven = [10.0, 10.0, 10.0, 30.0]
    lc, lc_half = mean_latency(balanced("least_connections", 120.0, uneven, duration=420, seed=25))
    rr, rr_half = mean_latency(balanced("round_robin", 120.0, uneven, duration=420, seed=25))
    assert lc + lc_half < rr - rr_half


def test_least_connections_sends_less_to_the_slow_server():
    results = run(balanced("least_connections", 120.0, [10.0, 10.0, 10.0, 30.0], duration=60, seed=26))
    targets = results["nodes"]["lb"]["targets"]
    assert targets["s3"] < min(targets["s0"], targets["s1"], targets["s2"])


def test_weighted_round_robin_follows_the_edge_weights():
    doc = balanced("weighted_round_robin", 100.0, [1.0] * 3, duration=60, seed=27)
    for e, w in zip(doc["edges"][1:], (1, 2, 5), strict=True):
        e["params"]["weight"] = w
    targets = run(doc)["nodes"]["lb"]["targets"]
    total = sum(targets.values())
    # Smooth weighted round robin is exact up to one pick per cycle of 8.
    for target, w in zip(("s0", "s1", "s2"), (1, 2, 5), strict=True):
        assert abs(targets[target] - total * w / 8) <= 8


def test_ip_hash_keeps_each_session_on_one_server():
    doc = balanced("ip_hash", 100.0, [1.0] * 3, duration=30, seed=28)
    doc["nodes"][0]["params"]["session_count"] = 1
    targets = run(doc)["nodes"]["lb"]["targets"]
    assert sorted(targets.values())[:2] == [0, 0]


def test_consistent_hash_sends_one_key_to_one_server():
    doc = balanced("consistent_hash", 100.0, [1.0] * 3, duration=30, seed=29)
    doc["nodes"][0]["params"]["key_count"] = 1
    targets = run(doc)["nodes"]["lb"]["targets"]
    assert sorted(targets.values())[:2] == [0, 0]
