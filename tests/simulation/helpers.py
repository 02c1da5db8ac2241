"""Helpers for the engine's tests: small documents, queueing formulas and confidence intervals.

Statistical tests compare an estimate with a formula. The estimate comes with a
99.9 % confidence half-width from the data themselves: batch means (one long
run cut into batches of one-second windows, whose means are close to
independent) or independent replications (the same document under several
seeds). A test passes when the formula lies within the half-width, widened by
the histogram's bucket error where a percentile is involved (0.8 %, half a
bucket of the log-linear histogram). With fixed seeds every test is
deterministic; the tolerance is what theory and the sample size allow, not a
number tuned until green.
"""

from __future__ import annotations

from math import exp, factorial, sqrt

from simulation import run

# Two-sided 99.9 % quantiles of Student's t (t_{0.9995, df}).
T_999 = {4: 8.610, 5: 6.869, 7: 5.408, 9: 4.781, 11: 4.437, 14: 4.140, 19: 3.883, 24: 3.745, 29: 3.659}
HISTOGRAM_ERROR = 0.008  # relative: half a bucket (1/64 of an octave)


def node(node_id: str, kind: str, **params) -> dict:
    return {"id": node_id, "kind": kind, "params": params}


def edge(source: str, target: str, **params) -> dict:
    return {"source": source, "target": target, "params": params}


def document(
    nodes: list[dict],
    edges: list[dict],
    duration: float = 60,
    warmup: float = 0,
    seed: int = 1,
    events: list[dict] | None = None,
) -> dict:
    return {
        "format": 1,
        "name": "test",
        "nodes": nodes,
        "edges": edges,
        "scenario": {"duration_s": duration, "warmup_s": warmup, "seed": seed, "events": events or []},
    }


def single_queue(
    rate: float,
    service_ms: float,
    workers: int = 1,
    duration: float = 60,
    warmup: float = 0,
    seed: int = 1,
    **server,
) -> dict:
    """A Poisson client straight into one app server, with zero network latency: an M/M/c queue."""
    return document(
        [
            node("users", "client", rate_rps=rate),
            node("server", "app_server", workers=workers, service_ms=service_ms, **server),
        ],
        [edge("users", "server", latency_ms=0)],
        duration=duration,
        warmup=warmup,
        seed=seed,
    )


# -- queueing theory ---------------------------------------------------------------


def erlang_c(c: int, a: float) -> float:
    """Probability of waiting in an M/M/c queue with offered load a = lambda / mu (< c)."""
    rho = a / c
    top = a**c / factorial(c) / (1 - rho)
    return top / (sum(a**k / factorial(k) for k in range(c)) + top)


def mmc_mean_sojourn(lam: float, mu: float, c: int) -> float:
    return erlang_c(c, lam / mu) / (c * mu - lam) + 1 / mu


def mmc_sojourn_tail(t: float, lam: float, mu: float, c: int) -> float:
    """P(sojourn > t) in M/M/c FCFS: wait 0 w.p. 1 - C, else Exp(c mu - lam); plus Exp(mu) service."""
    pw = erlang_c(c, lam / mu)
    theta = c * mu - lam
    if abs(theta - mu) < 1e-12:
        conv = exp(-mu * t) * (1 + mu * t)
    else:
        conv = (theta * exp(-mu * t) - mu * exp(-theta * t)) / (theta - mu)
    return (1 - pw) * exp(-mu * t) + pw * conv


def mmc_sojourn_quantile(q: float, lam: float, mu: float, c: int) -> float:
    lo, hi = 0.0, 1.0
    while mmc_sojourn_tail(hi, lam, mu, c) > 1 - q:
        hi *= 2
    for _ in range(100):
        mid = (lo + hi) / 2
        if mmc_sojourn_tail(mid, lam, mu, c) > 1 - q:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def mm1k_blocking(rho: float, k: int) -> float:
    """Probability that an arrival finds an M/M/1/K system full (K places, one in service)."""
    return (1 - rho) * rho**k / (1 - rho ** (k + 1))


# -- estimates with confidence --------------------------------------------------------


def mean_and_halfwidth(samples: list[float]) -> tuple[float, float]:
    """Sample mean and its 99.9 % t half-width (samples assumed independent)."""
    n = len(samples)
    mean = sum(samples) / n
    var = sum((x - mean) ** 2 for x in samples) / (n - 1)
    return mean, T_999[n - 1] * sqrt(var / n)


def replications(doc: dict, seeds: range, pick) -> list[float]:
    """``pick(results)`` of ``doc`` run once per seed."""
    out = []
    for seed in seeds:
        d = dict(doc, scenario=dict(doc["scenario"], seed=seed))
        out.append(pick(run(d)))
    return out


def windows_of(doc: dict) -> tuple[dict, list[dict]]:
    """Run ``doc`` and return its results and every window message."""
    windows: list[dict] = []
    results = run(doc, on_window=windows.append)
    return results, windows


def batch_means(windows: list[dict], after: float, batches: int, value, weight) -> tuple[float, float]:
    """Batch means over the windows ending after ``after``: ``value``-weighted by ``weight`` per window."""
    kept = [w for w in windows if w["t_s"] > after]
    size = len(kept) // batches
    means = []
    for b in range(batches):
        chunk = kept[b * size : (b + 1) * size]
        total = sum(weight(w) for w in chunk)
        means.append(sum(value(w) * weight(w) for w in chunk) / total)
    return mean_and_halfwidth(means)
