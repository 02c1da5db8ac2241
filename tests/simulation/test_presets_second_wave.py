"""The presets of the second wave show what their descriptions claim, with the figures the mechanism gives.

They also take part in every generic preset test of ``test_presets.py`` (valid,
laid out, two-sentence description, figures to watch), which lists the folder.
"""

from math import sqrt

from simulation.components.client import profile_area
from simulation.presets import preset_by_id
from tests.simulation.test_presets import node_windows, results_of

LIMITER = "rate-limiter-protecting-a-backend"
STORM = "retry-storm-vs-backoff-with-jitter"


def profile_of(preset_id: str, client_id: str) -> list[list[float]]:
    document = preset_by_id(preset_id)["document"]
    return next(n for n in document["nodes"] if n["id"] == client_id)["params"]["rate_profile"]


def params_of(preset_id: str, node_id: str) -> dict:
    document = preset_by_id(preset_id)["document"]
    return next(n for n in document["nodes"] if n["id"] == node_id)["params"]


def rate_at(profile: list[list[float]], t: float) -> float:
    """The profile's rate at ``t``: linear between points, flat before the first and after the last."""
    if t <= profile[0][0]:
        return profile[0][1]
    for (t0, r0), (t1, r1) in zip(profile, profile[1:], strict=False):
        if t0 <= t < t1:
            return r0 + (r1 - r0) * (t - t0) / (t1 - t0)
    return profile[-1][1]


def area_above(
    profile: list[list[float]], level: float, start: float, end: float, step: float = 0.001
) -> float:
    """The area of the profile above ``level`` from ``start`` to ``end`` (midpoint sums of ``step``)."""
    steps = round((end - start) / step)
    return sum(max(0.0, rate_at(profile, start + (i + 0.5) * step) - level) * step for i in range(steps))


def test_the_rate_limiter_throttles_the_spikes_excess_over_its_limit_less_its_burst():
    results = results_of(LIMITER)
    gateway = params_of(LIMITER, "lb-limited")
    limit, burst = gateway["rate_limit_rps"], gateway["rate_limit_burst"]
    profile = profile_of(LIMITER, "users-limited")
    duration = results["duration_s"]
    excess = area_above(profile, limit, 0, duration)
    throttled = results["nodes"]["lb-limited"]["failures"]["throttled"]
    # Poisson arrivals during the spike: the throttled count moves with them, one for one
    spread = 3.3 * sqrt(profile_area(profile, 19, 31))
    assert abs(throttled - (excess - burst)) <= spread
    assert results["clients"]["users-limited"]["requests"]["throttled"] == throttled


def test_the_rate_limiter_lets_its_limit_through_each_second_of_the_spike():
    arrivals = node_windows(LIMITER, "app-limited", "arrivals_rps")
    limit = params_of(LIMITER, "lb-limited")["rate_limit_rps"]
    # windows are named by their end: 22..30 are the seconds of the plateau after the bucket emptied
    assert all(abs(arrivals[t] - limit) <= 0.02 * limit for t in range(22, 31))


def test_the_limited_backend_stays_fast_while_the_open_one_drowns_in_its_queue():
    results = results_of(LIMITER)
    nodes, clients = results["nodes"], results["clients"]
    # admitted requests see a backend at 75 % of its capacity; the open one faces 2000 rps against 800
    assert nodes["app-limited"]["latency_ms"]["p99"] < 500
    assert nodes["app-open"]["latency_ms"]["p50"] > 2000
    assert nodes["app-open"]["queue_mean"] > 100 * nodes["app-limited"]["queue_mean"]
    # the open side's clients give up (2 s) on most requests from the spike until its queue drains
    open_, limited = clients["users-open"]["requests"], clients["users-limited"]["requests"]
    assert open_["timed_out"] > 0.5 * open_["total"] and limited["timed_out"] == 0
    assert clients["users-limited"]["throughput_rps"] > 1.5 * clients["users-open"]["throughput_rps"]
    # and long after the spike: ten seconds after it ended the open side still serves nothing in time
    assert node_windows(LIMITER, "app-open", "queue_len")[41] > 1000


def test_the_retry_storm_fails_the_bursts_excess_and_backoff_with_jitter_recovers_it():
    results = results_of(STORM)
    clients = results["clients"]
    capacity = params_of(STORM, "app-storm")["workers"] / (params_of(STORM, "app-storm")["service_ms"] / 1000)
    excess = area_above(profile_of(STORM, "users-storm"), capacity, 0, results["duration_s"])
    storm, backoff = clients["users-storm"]["requests"], clients["users-backoff"]["requests"]
    # retries that land within milliseconds find the queue still full: the excess fails
    assert 0.75 * excess < storm["failed"] < 1.4 * excess
    # retries spread past the burst find room: nearly all requests succeed
    assert backoff["failed"] < storm["failed"] / 10
    assert clients["users-backoff"]["availability"] > 0.99 > clients["users-storm"]["availability"]
    # a failed request made all its attempts: max_retries retries each
    retries = params_of(STORM, "users-storm")["max_retries"]
    assert storm["retries"] >= retries * storm["failed"]


def test_the_retry_storm_multiplies_the_traffic_its_server_sees():
    arrivals = node_windows(STORM, "app-storm", "arrivals_rps")
    peak_offered = max(rps for _, rps in profile_of(STORM, "users-storm"))
    assert max(arrivals.values()) > 3 * peak_offered
    # and it stops with the burst: a second later the server sees the plain traffic again
    assert abs(arrivals[26] - 300) < 3.3 * sqrt(300)
