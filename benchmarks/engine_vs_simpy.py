"""The same M/M/4 queue in archplay's engine and in SimPy, timed in one process.

Model: Poisson arrivals at lambda = 320/s, four servers with exponential service
of rate mu = 100/s each (utilisation 0.8), 600 simulated seconds: about 192,000
requests. archplay runs a document (client -> app_server, zero latency, every
metric on, as the web layer would); SimPy runs the textbook idiom: one generator
process per customer and a ``simpy.Resource``, latencies collected in a list.
Rounds alternate between the two so that machine noise hits both alike; both
wall time and CPU time (``time.process_time``, which other processes on a
shared machine do not inflate) are printed.
Both mean sojourn times are printed next to the Erlang C value.

    .venv/bin/python benchmarks/engine_vs_simpy.py [--rounds 3] [--duration 600]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from math import factorial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import simpy  # noqa: E402

from simulation import run  # noqa: E402

LAMBDA = 320.0
MU = 100.0
SERVERS = 4


def erlang_c(c: int, a: float) -> float:
    """Probability that an arrival waits in an M/M/c queue with offered load a = lambda / mu."""
    rho = a / c
    top = a**c / factorial(c) / (1 - rho)
    return top / (sum(a**k / factorial(k) for k in range(c)) + top)


def theory_mean_s() -> float:
    a = LAMBDA / MU
    return erlang_c(SERVERS, a) / (SERVERS * MU - LAMBDA) + 1 / MU


def document(duration: float, seed: int) -> dict:
    return {
        "format": 1,
        "name": "M/M/4",
        "nodes": [
            {"id": "users", "kind": "client", "params": {"rate_rps": LAMBDA}},
            {"id": "server", "kind": "app_server", "params": {"workers": SERVERS, "service_ms": 1000 / MU}},
        ],
        "edges": [{"source": "users", "target": "server", "params": {"latency_ms": 0}}],
        "scenario": {"duration_s": duration, "seed": seed},
    }


def archplay_round(duration: float, seed: int) -> tuple[float, float, int, float]:
    start, start_cpu = time.perf_counter(), time.process_time()
    results = run(document(duration, seed))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    return elapsed, results["latency_ms"]["mean"] / 1000, results["requests"]["ok"], cpu


def simpy_round(duration: float, seed: int) -> tuple[float, float, int, float]:
    start, start_cpu = time.perf_counter(), time.process_time()
    rng = random.Random(seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=SERVERS)
    latencies: list[float] = []

    def customer(env: simpy.Environment):
        arrived = env.now
        with servers.request() as request:
            yield request
            yield env.timeout(rng.expovariate(MU))
        latencies.append(env.now - arrived)

    def source(env: simpy.Environment):
        while True:
            yield env.timeout(rng.expovariate(LAMBDA))
            env.process(customer(env))

    env.process(source(env))
    env.run(until=duration)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    return elapsed, sum(latencies) / len(latencies), len(latencies), cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=600.0)
    args = parser.parse_args()
    ours, theirs = [], []
    for r in range(args.rounds):
        seed = 100 + r
        a = archplay_round(args.duration, seed)
        s = simpy_round(args.duration, seed)
        ours.append(a)
        theirs.append(s)
        print(
            f"round {r + 1}: archplay {a[0]:.3f} s wall / {a[3]:.3f} s cpu ({a[2]} requests, mean {a[1] * 1000:.3f} ms)"
            f"  simpy {s[0]:.3f} s wall / {s[3]:.3f} s cpu ({s[2]} requests, mean {s[1] * 1000:.3f} ms)"
            f"  ratio {s[0] / a[0]:.2f}x wall, {s[3] / a[3]:.2f}x cpu"
        )
    for label, i in (("wall", 0), ("cpu", 3)):
        best_ours = min(x[i] for x in ours)
        best_theirs = min(x[i] for x in theirs)
        print(
            f"best of {args.rounds} ({label}): archplay {best_ours:.3f} s, simpy {best_theirs:.3f} s, "
            f"archplay is {best_theirs / best_ours:.2f}x faster (target >= 3x)"
        )
    print(
        f"mean latency: archplay {sum(x[1] for x in ours) / len(ours) * 1000:.3f} ms, "
        f"simpy {sum(x[1] for x in theirs) / len(theirs) * 1000:.3f} ms, "
        f"Erlang C theory {theory_mean_s() * 1000:.3f} ms"
    )


if __name__ == "__main__":
    main()
