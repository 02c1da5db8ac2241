"""Live runs with the real parts: a Celery worker simulates, the websocket streams every message in
order, results equal the command line's, cancel stops within a second, a killed worker leaves the
run failed."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time

import pytest
import websockets

from playground.celery import app as celery_app

pytestmark = pytest.mark.e2e

ONE_SERVER = {
    "format": 1,
    "name": "One server",
    "nodes": [{"id": "u", "kind": "client", "params": {"rate_rps": 200}}, {"id": "s", "kind": "app_server"}],
    "edges": [{"source": "u", "target": "s"}],
    "scenario": {"duration_s": 20, "seed": 11},
}


async def _connect(live_app, session, run_id: str, query: str = ""):
    return await websockets.connect(
        f"{live_app.ws_url}/ws/runs/{run_id}/{query}",
        origin=live_app.http_url,
        additional_headers={"Cookie": session.cookie_header()},
        open_timeout=10,
        max_size=2**24,
    )


async def _messages_until(socket, stop, timeout_s: float = 60) -> list[dict]:
    messages = []
    deadline = time.monotonic() + timeout_s
    while True:
        message = json.loads(await asyncio.wait_for(socket.recv(), deadline - time.monotonic()))
        messages.append(message)
        if stop(message):
            return messages


def _start(session, body: dict) -> str:
    status, answer = session.post("/api/runs", body)
    assert status == 202, answer
    assert answer["status"] == "queued" and answer["ws_url"] == f"/ws/runs/{answer['id']}/"
    return answer["id"]


def _wait_for_status(session, run_id: str, wanted: set[str], timeout_s: float = 30) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status, body = session.get(f"/api/runs/{run_id}")
        assert status == 200, body
        if body["status"] in wanted:
            return body
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} still {body['status']} after {timeout_s} s")


def _cli_results(tmp_path, document: dict) -> dict:
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(document))
    out = subprocess.run(
        [sys.executable, "-m", "simulation", "run", str(path), "--timeseries"],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return json.loads(out.stdout)


def _without_wall(results: dict) -> dict:
    return {k: v for k, v in results.items() if k != "wall_s"}


def test_a_run_streams_every_window_in_order_and_its_results_equal_the_command_line(live_app, tmp_path):
    session = live_app.session()
    run_id = _start(session, {"document": ONE_SERVER, "speed": "max"})

    async def watch():
        async with await _connect(live_app, session, run_id) as socket:
            return await _messages_until(socket, lambda m: m["type"] in ("done", "error"))

    messages = asyncio.run(watch())
    assert [m["seq"] for m in messages] == list(range(1, len(messages) + 1))
    metrics = [m for m in messages if m["type"] == "metrics"]
    assert [m["t_s"] for m in metrics] == list(range(1, 21))
    assert {"throughput_rps", "latency_p50_ms", "latency_p99_ms", "errors_rps", "nodes"} <= metrics[0][
        "window"
    ].keys()
    assert {"utilization", "queue_len", "up"} <= metrics[0]["window"]["nodes"]["s"].keys()
    assert messages[0] == {"type": "status", "seq": 1, "status": "running", "progress": 0.0}
    done = messages[-1]
    assert done["type"] == "done"
    expected = _cli_results(tmp_path, ONE_SERVER)
    assert _without_wall(done["results"]) == _without_wall(expected)
    stored = _wait_for_status(session, run_id, {"done"})
    assert _without_wall(stored["results"]) == _without_wall(expected)
    assert stored["progress"] == 1.0


def test_a_late_client_with_after_gets_exactly_the_messages_it_missed(live_app):
    session = live_app.session()
    run_id = _start(session, {"document": ONE_SERVER})
    _wait_for_status(session, run_id, {"done"})

    async def replay(after: int):
        async with await _connect(live_app, session, run_id, f"?after={after}") as socket:
            return await _messages_until(socket, lambda m: m["type"] == "done")

    everything = asyncio.run(replay(0))
    tail = asyncio.run(replay(5))
    assert tail == everything[5:]
    assert tail[0]["seq"] == 6


def test_a_visitor_who_may_not_see_a_run_is_refused_and_a_view_link_holder_is_let_in(live_app):
    owner = live_app.session()
    status, saved = owner.post("/api/topologies", {"document": ONE_SERVER})
    assert status == 201
    run_id = _start(owner, {"topology_id": saved["id"]})
    stranger = live_app.session()

    async def attempt(query: str):
        async with await _connect(live_app, stranger, run_id, query) as socket:
            return await _messages_until(socket, lambda m: m["type"] == "done")

    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        asyncio.run(attempt(""))
    assert refused.value.response.status_code == 403
    token = saved["view_url"].rsplit("/", 1)[1]
    assert asyncio.run(attempt(f"?view={token}"))[-1]["type"] == "done"
    assert stranger.get(f"/api/runs/{run_id}")[0] == 403
    assert stranger.get(f"/api/runs/{run_id}?view={token}")[0] == 200


def test_cancel_stops_a_paced_run_within_a_second(live_app):
    session = live_app.session()
    long_run = dict(ONE_SERVER, scenario={"duration_s": 600, "seed": 1})
    run_id = _start(session, {"document": long_run, "speed": 5})

    async def watch():
        async with await _connect(live_app, session, run_id) as socket:
            await _messages_until(socket, lambda m: m["type"] == "metrics" and m["t_s"] >= 2)
            asked = time.monotonic()
            status, body = await asyncio.to_thread(session.post, f"/api/runs/{run_id}/cancel", {})
            assert status == 200, body
            rest = await _messages_until(
                socket, lambda m: m["type"] == "status" and m["status"] == "cancelled"
            )
            return time.monotonic() - asked, rest

    elapsed, rest = asyncio.run(watch())
    assert elapsed < 1.0, f"the worker took {elapsed:.2f} s to stop"
    body = _wait_for_status(session, run_id, {"cancelled"})
    assert body["results"]["stopped"] is True
    assert body["progress"] < 0.1


def _running_task_pid(timeout_s: float = 10) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        active = celery_app.control.inspect(timeout=1).active() or {}
        for tasks in active.values():
            for task in tasks:
                if task["name"] == "runs.simulate":
                    return task["worker_pid"]
    raise AssertionError("no runs.simulate task seen running")


def test_a_run_whose_worker_process_is_killed_ends_failed_with_a_reason(live_app):
    session = live_app.session()
    long_run = dict(ONE_SERVER, scenario={"duration_s": 300, "seed": 2})
    run_id = _start(session, {"document": long_run, "speed": 10})
    _wait_for_status(session, run_id, {"running"})
    os.kill(_running_task_pid(), signal.SIGKILL)
    body = _wait_for_status(session, run_id, {"failed", "done", "cancelled"}, timeout_s=40)
    assert body["status"] == "failed"
    assert "lost mid-run" in body["error"]


def test_the_caller_with_too_many_runs_going_gets_429_with_a_clear_message(live_app):
    session = live_app.session()
    slow = dict(ONE_SERVER, scenario={"duration_s": 600, "seed": 3})
    first = _start(session, {"document": slow, "speed": 1})
    second = _start(session, {"document": slow, "speed": 1})
    status, body = session.post("/api/runs", {"document": slow, "speed": 1})
    assert status == 429
    assert "runs going" in body["error"]
    for run_id in (first, second):
        session.post(f"/api/runs/{run_id}/cancel", {})
    for run_id in (first, second):
        _wait_for_status(session, run_id, {"cancelled"})
