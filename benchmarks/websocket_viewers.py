"""Many viewers of one live run: does every viewer get every message, and how late?

The classroom case: a teacher runs a topology, a room of students watches it through the
topology's view link. This script saves a 60-second topology, starts one run of it at 10x (so
about six seconds of wall time) and opens 200 websocket viewers of that run on loopback with
`?after=0&view=TOKEN`, as a student's browser does. When the run is over it reports:

- completeness: whether every viewer received every message of the run, in order: seqs exactly
  1..N (N is the seq of the final `done` message), no gap, no duplicate;
- receipt spread: for each message, each viewer's receipt time minus the earliest receipt of
  that message by any viewer (the worker's publish time is not in the message, so this is how far
  apart the viewers see the same thing); p50, p99 and max over every (message, viewer);
- lateness: for each metrics window received live, its receipt time minus the wall time at
  which the window was due (the run's `started_at` + `t_s` / speed).

So that the viewers are all there before the first window, a first run (of a one-server topology,
at 1x) keeps the worker busy while they connect, and is cancelled once they have; the measured run
then starts. On a stack with more than one worker process the measured run may start at once: a
viewer that connects late gets the first messages from the replay, and those receipts are counted
apart, not in the spread and lateness figures.

Every viewer lives in this one asyncio process, so the figures include this process's own time
to read 200 sockets: they are an upper bound on what separate browsers would see.

    .venv/bin/python benchmarks/websocket_viewers.py                    # starts its own stack
    .venv/bin/python benchmarks/websocket_viewers.py --url http://127.0.0.1:8000  # a running one

Without --url it starts the application with `playground.launcher.Stack` (embedded Redis, one
Celery worker, Daphne) on a free port, with its own database and run folder in a temporary
directory, and stops it at the end. It is bounded: everything stops after `--timeout` seconds.
Loopback only: the URL must be on 127.0.0.1, localhost or ::1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playground.api_client import ApiClient  # noqa: E402  (the project root is on the path just above)

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def document(duration_s: int) -> dict:
    """A small shop: enough nodes that each window carries a realistic payload."""
    return {
        "format": 1,
        "name": "Websocket viewers benchmark",
        "nodes": [
            {"id": "users", "kind": "client", "params": {"rate_rps": 300, "read_ratio": 0.9}},
            {"id": "lb", "kind": "load_balancer"},
            {"id": "app1", "kind": "app_server"},
            {"id": "app2", "kind": "app_server"},
            {"id": "cache", "kind": "cache"},
            {"id": "db", "kind": "database"},
            {"id": "db-r1", "kind": "database", "params": {"role": "replica"}},
        ],
        "edges": [
            {"source": "users", "target": "lb"},
            {"source": "lb", "target": "app1"},
            {"source": "lb", "target": "app2"},
            {"source": "app1", "target": "cache"},
            {"source": "app2", "target": "cache"},
            {"source": "app1", "target": "db"},
            {"source": "app2", "target": "db"},
            {"source": "db", "target": "db-r1", "params": {"replication": "async", "lag_ms": 100}},
        ],
        "scenario": {"duration_s": duration_s, "seed": 1},
    }


HOLD = {
    "format": 1,
    "name": "Keeps the worker busy while the viewers connect",
    "nodes": [{"id": "u", "kind": "client", "params": {"rate_rps": 10}}, {"id": "s", "kind": "app_server"}],
    "edges": [{"source": "u", "target": "s"}],
    "scenario": {"duration_s": 600},
}


class Viewer:
    def __init__(self, number: int):
        self.number = number
        self.settled = asyncio.Event()  # connected, or failed to
        self.connected_at = 0.0  # time.time() once the handshake is done
        self.received: list[tuple[int, float, dict]] = []  # (seq, time.time(), message)
        self.error = ""


async def watch(viewer: Viewer, url: str, origin: str, deadline: float) -> None:
    import websockets

    try:
        async with websockets.connect(url, origin=origin, max_size=2**24, open_timeout=30) as socket:
            viewer.connected_at = time.time()
            viewer.settled.set()
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    viewer.error = "timed out before the run's last message"
                    return
                raw = await asyncio.wait_for(socket.recv(), remaining)
                now = time.time()
                message = json.loads(raw)
                viewer.received.append((message["seq"], now, message))
                if message["type"] in ("done", "error"):
                    return
    except Exception as error:  # a viewer that fails is reported, not fatal to the others
        viewer.error = f"{type(error).__name__}: {error}"
    finally:
        viewer.settled.set()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def parse_time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


async def benchmark(
    base_url: str, viewers_count: int, speed: float, duration_s: int, timeout_s: float
) -> int:
    owner = ApiClient(base_url)
    status, saved = owner.post("/api/topologies", {"document": document(duration_s)})
    if status != 201:
        print(f"could not save the topology: {status} {saved}", file=sys.stderr)
        return 1
    token = saved["view_url"].rstrip("/").rsplit("/", 1)[1]
    status, hold = owner.post("/api/runs", {"document": HOLD, "speed": 1})
    if status != 202:
        print(f"could not start the run that holds the worker: {status} {hold}", file=sys.stderr)
        return 1
    status, started = owner.post("/api/runs", {"topology_id": saved["id"], "speed": speed})
    if status != 202:
        print(f"could not start the run: {status} {started}", file=sys.stderr)
        return 1
    run_id = started["id"]
    ws_base = base_url.replace("http://", "ws://", 1).rstrip("/")
    url = f"{ws_base}/ws/runs/{run_id}/?after=0&view={token}"
    deadline = time.monotonic() + timeout_s
    viewers = [Viewer(n) for n in range(viewers_count)]
    connect_started = time.time()
    watching = asyncio.gather(*(watch(viewer, url, base_url, deadline) for viewer in viewers))
    await asyncio.gather(*(viewer.settled.wait() for viewer in viewers))
    await asyncio.to_thread(owner.post, f"/api/runs/{hold['id']}/cancel", {})
    await watching

    status, run = owner.get(f"/api/runs/{run_id}")
    failed = [viewer for viewer in viewers if viewer.error]
    finals = [
        viewer.received[-1][0]
        for viewer in viewers
        if viewer.received and viewer.received[-1][2]["type"] in ("done", "error")
    ]
    last_seq = max(finals) if finals else 0
    expected = list(range(1, last_seq + 1))
    complete = [viewer for viewer in viewers if [seq for seq, _, _ in viewer.received] == expected]
    gaps = duplicates = 0
    for viewer in viewers:
        seqs = [seq for seq, _, _ in viewer.received]
        duplicates += len(seqs) - len(set(seqs))
        gaps += len(set(expected) - set(seqs))

    first_receipt: dict[int, float] = {}
    for viewer in viewers:
        for seq, at, _ in viewer.received:
            first_receipt[seq] = min(first_receipt.get(seq, at), at)
    # A message first seen before a viewer connected reached that viewer through the replay.
    spread_ms = [
        (at - first_receipt[seq]) * 1000
        for viewer in viewers
        for seq, at, _ in viewer.received
        if first_receipt[seq] >= viewer.connected_at
    ]

    started_at = parse_time(run["started_at"]) if run.get("started_at") else None
    late_ms: list[float] = []
    replayed = 0
    for viewer in viewers:
        for _, at, message in viewer.received:
            if message["type"] != "metrics" or started_at is None:
                continue
            due = started_at + message["t_s"] / speed
            if due < viewer.connected_at:
                replayed += 1  # published before this viewer connected: it came from the replay
                continue
            late_ms.append((at - due) * 1000)
    connect_times = [viewer.connected_at - connect_started for viewer in viewers if viewer.connected_at]

    print(
        f"run {run_id}: {duration_s} s simulated at {speed:g}x, status {run.get('status')}, {last_seq} messages"
    )
    if run.get("error"):
        print(f"  the run's error: {run['error']}")
    print(
        f"viewers: {viewers_count}; connected within {max(connect_times, default=float('nan')):.2f} s "
        f"of the first attempt; failed: {len(failed)}"
    )
    for viewer in failed[:5]:
        print(f"  viewer {viewer.number}: {viewer.error}")
    for viewer in [viewer for viewer in viewers if viewer not in complete][:3]:
        seqs = [seq for seq, _, _ in viewer.received]
        missing = sorted(set(expected) - set(seqs))
        print(
            f"  viewer {viewer.number}: {len(seqs)} messages, missing seqs {missing[:10]}, types {[m['type'] for _, _, m in viewer.received[:3]]}"
        )
    print(
        f"every message to every viewer: {'yes' if len(complete) == viewers_count else 'NO'} "
        f"({len(complete)}/{viewers_count} complete; gaps {gaps}, duplicates {duplicates})"
    )
    print(
        f"receipt spread across viewers: p50 {percentile(spread_ms, 0.5):.1f} ms, "
        f"p99 {percentile(spread_ms, 0.99):.1f} ms, max {max(spread_ms, default=float('nan')):.1f} ms "
        f"({len(spread_ms)} live receipts)"
    )
    if late_ms:
        print(
            f"window receipt after its due time (started_at + t_s/speed): p50 {percentile(late_ms, 0.5):.1f} ms, "
            f"p99 {percentile(late_ms, 0.99):.1f} ms, max {max(late_ms):.1f} ms, mean {statistics.fmean(late_ms):.1f} ms "
            f"({len(late_ms)} live receipts; {replayed} windows came from the replay to late joiners)"
        )
    return 0 if len(complete) == viewers_count and not failed else 1


def start_own_stack(workdir: Path):
    """The application on a free loopback port, with its own database and run folder."""
    os.environ["ARCHPLAY_RUN_DIR"] = str(workdir / "run")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'db.sqlite3'}"
    os.environ.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True)
    from playground import launcher

    stack = launcher.Stack(host="127.0.0.1", port=launcher.free_port(), concurrency=1)
    stack.start()
    return stack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running archplay on loopback (default: start one)")
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--speed", type=float, default=10.0, help="real-time factor of the run (10)")
    parser.add_argument("--duration", type=int, default=60, help="simulated seconds (60)")
    parser.add_argument("--timeout", type=float, default=180.0, help="stop everything after this long (s)")
    args = parser.parse_args(argv)
    if args.url and urlparse(args.url).hostname not in LOOPBACK:
        parser.error("--url must be on loopback (127.0.0.1, localhost or ::1)")
    with tempfile.TemporaryDirectory(prefix="archplay-viewers-") as workdir:
        stack = None
        try:
            if args.url:
                base_url = args.url
            else:
                stack = start_own_stack(Path(workdir))
                base_url = stack.url
            return asyncio.run(benchmark(base_url, args.viewers, args.speed, args.duration, args.timeout))
        finally:
            if stack is not None:
                stack.stop()


if __name__ == "__main__":
    sys.exit(main())
