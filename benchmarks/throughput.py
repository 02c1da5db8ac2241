"""Simulated requests per wall-clock second on a 10-node topology, and memory over a long run.

The topology: one client (Poisson, 90 % reads, Zipf keys) -> a least-connections
load balancer -> 4 app servers -> a cache-aside LRU cache -> a primary database
with 2 async replicas (reads from the replicas). Every metric is on, as in a
real run. The figure is requests issued divided by the wall time of ``run()``
(the whole call: parsing, building, the simulation and the results), and also
divided by the CPU time the process used meanwhile (``time.process_time``): on
a machine shared with other work the wall clock counts their time too, the
CPU clock only ours, which is what "on one core" means.

    .venv/bin/python benchmarks/throughput.py                 # about 1 million requests, 3 rounds
    .venv/bin/python benchmarks/throughput.py --requests 10000000 --rounds 1
                                                              # 10 million: peak memory stays flat

Peak RSS comes from ``resource.getrusage`` (the high-water mark of the whole
process), printed after each round.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulation import run  # noqa: E402

RATE = 4000.0  # requests per simulated second


def document(duration: float, seed: int = 1) -> dict:
    apps = [f"app{i}" for i in range(1, 5)]
    nodes = [
        {
            "id": "users",
            "kind": "client",
            "params": {"rate_rps": RATE, "read_ratio": 0.9, "key_distribution": "zipf", "key_count": 10000},
        },
        {"id": "lb", "kind": "load_balancer", "params": {"algorithm": "least_connections"}},
        *({"id": a, "kind": "app_server", "params": {"workers": 16, "service_ms": 5}} for a in apps),
        {"id": "cache", "kind": "cache", "params": {"capacity": 2000, "strategy": "cache_aside"}},
        {"id": "db", "kind": "database", "params": {"role": "primary", "workers": 32}},
        {"id": "db-r1", "kind": "database", "params": {"role": "replica", "workers": 32}},
        {"id": "db-r2", "kind": "database", "params": {"role": "replica", "workers": 32}},
    ]
    edges = [{"source": "users", "target": "lb"}]
    for a in apps:
        edges += [
            {"source": "lb", "target": a},
            {"source": a, "target": "cache"},
            {"source": a, "target": "db"},
        ]
    edges += [
        {"source": "db", "target": r, "params": {"replication": "async", "lag_ms": 100}}
        for r in ("db-r1", "db-r2")
    ]
    return {
        "format": 1,
        "name": "10-node throughput",
        "nodes": nodes,
        "edges": edges,
        "scenario": {"duration_s": duration, "seed": seed},
    }


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests", type=float, default=1_000_000, help="requests per round (approximately)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    duration = max(1.0, round(args.requests / RATE))
    print(
        f"10-node topology, {RATE:.0f} rps for {duration:.0f} simulated s per round; rss {peak_rss_mb():.0f} MB"
    )
    best_wall = best_cpu = 0.0
    for r in range(args.rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        results = run(document(duration, seed=r + 1))
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        sent = results["nodes"]["users"]["sent"]
        best_wall, best_cpu = max(best_wall, sent / wall), max(best_cpu, sent / cpu)
        print(
            f"round {r + 1}: {sent} requests in {wall:.2f} s wall ({sent / wall:,.0f}/s), "
            f"{cpu:.2f} s cpu ({sent / cpu:,.0f}/s); {results['events_processed']:,} events; "
            f"hit ratio {results['nodes']['cache']['hit_ratio']:.3f}; p99 {results['latency_ms']['p99']:.2f} ms; "
            f"peak rss {peak_rss_mb():.0f} MB"
        )
    print(
        f"best: {best_wall:,.0f} simulated requests per wall second, {best_cpu:,.0f} per cpu second "
        f"(target >= 100,000)"
    )


if __name__ == "__main__":
    main()
