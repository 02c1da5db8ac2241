"""The engine against queueing theory: M/M/1, M/M/c (Erlang C), M/M/1/K, Little's law, tandems.

Every model is a Poisson client straight into app servers with exponential
service and zero network latency, so that the formulas apply exactly. Each
estimate carries a 99.9 % confidence half-width from batch means or independent
replications (see helpers.py); the formula must fall inside it.
"""

from math import log

from simulation import run
from tests.simulation.helpers import (
    HISTOGRAM_ERROR,
    batch_means,
    document,
    edge,
    mean_and_halfwidth,
    mm1k_blocking,
    mmc_mean_sojourn,
    mmc_sojourn_quantile,
    node,
    replications,
    single_queue,
    windows_of,
)


def window_latency(w: dict) -> float:
    return w["window"]["latency_mean_ms"]


def window_throughput(w: dict) -> float:
    return w["window"]["throughput_rps"]


def test_mm1_mean_response_time_matches_theory_under_heavy_load():
    # At 80 % load busy periods are long and the windows strongly correlated:
    # batches of 200 one-second windows keep their means nearly independent.
    lam, mu = 80.0, 100.0
    _, windows = windows_of(single_queue(lam, 1000 / mu, duration=4020, warmup=20, seed=11))
    mean, half = batch_means(windows, after=20, batches=20, value=window_latency, weight=window_throughput)
    assert abs(mean - 1000 / (mu - lam)) <= half


def test_mm1_mean_and_p99_response_time_match_theory():
    lam, mu = 50.0, 100.0
    doc = single_queue(lam, 1000 / mu, duration=300, warmup=10)
    results = replications(doc, range(1, 21), lambda r: (r["latency_ms"]["mean"], r["latency_ms"]["p99"]))
    mean, half = mean_and_halfwidth([m for m, _ in results])
    assert abs(mean - 1000 / (mu - lam)) <= half
    expected = -log(0.01) / (mu - lam) * 1000  # the sojourn of M/M/1 is Exp(mu - lam)
    p99, half = mean_and_halfwidth([p for _, p in results])
    assert abs(p99 - expected) <= half + HISTOGRAM_ERROR * expected


def test_mmc_mean_and_p99_follow_erlang_c():
    lam, mu, c = 320.0, 100.0, 4
    doc = single_queue(lam, 1000 / mu, workers=c, duration=100, warmup=5)
    results = replications(doc, range(1, 21), lambda r: (r["latency_ms"]["mean"], r["latency_ms"]["p99"]))
    mean, half = mean_and_halfwidth([m for m, _ in results])
    assert abs(mean - mmc_mean_sojourn(lam, mu, c) * 1000) <= half
    expected_p99 = mmc_sojourn_quantile(0.99, lam, mu, c) * 1000
    p99, half = mean_and_halfwidth([p for _, p in results])
    assert abs(p99 - expected_p99) <= half + HISTOGRAM_ERROR * expected_p99


def test_mm1k_blocking_probability_matches_theory():
    lam, mu, k = 90.0, 100.0, 5
    # K places in the system: one in service and queue_limit = K - 1 waiting.
    doc = single_queue(lam, 1000 / mu, queue_limit=k - 1, duration=100, warmup=5)

    def blocked(r: dict) -> float:
        server = r["nodes"]["server"]
        return server["rejected"] / server["arrivals"]

    mean, half = mean_and_halfwidth(replications(doc, range(1, 11), blocked))
    assert abs(mean - mm1k_blocking(lam / mu, k)) <= half


def test_rejections_of_a_full_queue_come_back_to_the_client_as_failed_requests():
    results = run(single_queue(90.0, 10.0, queue_limit=1, duration=30, seed=2))
    server = results["nodes"]["server"]
    assert server["rejected"] > 0
    assert results["requests"]["rejected"] == server["rejected"] == server["failures"]["rejected"]
    assert results["requests"]["failed"] == server["rejected"]


def test_littles_law_holds_on_the_engines_own_queue_and_utilization():
    lam, mu, c = 150.0, 100.0, 2
    results = run(single_queue(lam, 1000 / mu, workers=c, duration=300, warmup=10, seed=5))
    server = results["nodes"]["server"]
    measured = results["duration_s"] - results["warmup_s"]
    in_system = server["utilization"] * c + server["queue_mean"]  # time-weighted, from the engine
    arrival_rate = server["completed"] / measured
    sojourn = server["latency_ms"]["mean"] / 1000
    # On one sample path, integral of N(t) = sum of sojourns, up to the jobs present
    # at the two ends of the interval: about L jobs at each end, each counted for
    # its elapsed time (mean ~W, second moment ~2W^2), so the difference has a
    # standard deviation of about sqrt(2 L (2 W^2 + W^2)) = sqrt(6 L) W, divided
    # by the measured time. Allow 3.3 of them (99.9 %), plus the results' rounding.
    tolerance = 3.3 * (6 * in_system) ** 0.5 * sojourn / measured + 1e-5 * in_system
    assert abs(in_system - arrival_rate * sojourn) <= tolerance


def test_utilization_equals_the_offered_load():
    lam, mu, c = 150.0, 100.0, 2
    _, windows = windows_of(single_queue(lam, 1000 / mu, workers=c, duration=210, warmup=10, seed=8))
    mean, half = batch_means(
        windows,
        after=10,
        batches=20,
        value=lambda w: w["window"]["nodes"]["server"]["utilization"],
        weight=lambda w: 1,
    )
    assert abs(mean - lam / (c * mu)) <= half


def test_a_tandem_whose_first_stage_never_queues_adds_the_mean_sojourns():
    # Jackson: an M/M/inf stage (ample workers) feeding an M/M/1 stage; means add up.
    lam, mu1, mu2 = 60.0, 100.0, 100.0
    doc = document(
        [
            node("users", "client", rate_rps=lam),
            node("front", "app_server", workers=500, service_ms=1000 / mu1),
            node("back", "app_server", workers=1, service_ms=1000 / mu2),
        ],
        [edge("users", "front", latency_ms=0), edge("front", "back", latency_ms=0)],
        duration=1220,
        warmup=20,
        seed=3,
    )
    _, windows = windows_of(doc)
    mean, half = batch_means(windows, after=20, batches=20, value=window_latency, weight=window_throughput)
    assert abs(mean - (1000 / mu1 + 1000 / (mu2 - lam))) <= half


def test_a_synchronous_call_holds_the_callers_worker_like_one_m_g_1_server():
    # One worker in front calling one worker behind: the front worker is held for
    # S1 + S2, so the pair is an M/G/1 queue with hypoexponential service
    # (Pollaczek-Khinchine: W = E[S] + lambda E[S^2] / (2 (1 - rho))).
    lam, s1, s2 = 60.0, 0.005, 0.005
    doc = document(
        [
            node("users", "client", rate_rps=lam),
            node("front", "app_server", workers=1, service_ms=s1 * 1000),
            node("back", "app_server", workers=1, service_ms=s2 * 1000),
        ],
        [edge("users", "front", latency_ms=0), edge("front", "back", latency_ms=0)],
        duration=1220,
        warmup=20,
        seed=4,
    )
    es = s1 + s2
    es2 = 2 * s1**2 + 2 * s2**2 + 2 * s1 * s2  # E[(S1 + S2)^2] for independent exponentials
    expected = (es + lam * es2 / (2 * (1 - lam * es))) * 1000
    results, windows = windows_of(doc)
    mean, half = batch_means(windows, after=20, batches=20, value=window_latency, weight=window_throughput)
    assert abs(mean - expected) <= half
    assert results["nodes"]["back"]["queue_mean"] == 0.0  # the back never sees two calls at once
