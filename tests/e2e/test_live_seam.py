"""The seam every live feature stands on: a real Celery worker publishes through the channel layer
(real Redis) to a real websocket client of a real Daphne process."""

import asyncio
import json
import os
import secrets
import signal
import time

import pytest
import websockets

from playground.celery import app as celery_app

pytestmark = pytest.mark.e2e


async def _receive_pulses(socket, count: int, timeout_s: float = 30) -> list[int]:
    seqs = []
    deadline = time.monotonic() + timeout_s
    while len(seqs) < count:
        message = json.loads(await asyncio.wait_for(socket.recv(), deadline - time.monotonic()))
        if message["type"] == "pulse":
            seqs.append(message["seq"])
    return seqs


async def _open(live_app, channel: str):
    socket = await websockets.connect(
        f"{live_app.ws_url}/ws/pulse/{channel}/", origin=live_app.http_url, open_timeout=10
    )
    hello = json.loads(await asyncio.wait_for(socket.recv(), 10))
    assert hello == {"type": "hello", "channel": channel}
    return socket


def test_a_task_started_over_http_reaches_the_websocket_with_every_message_in_order(live_app):
    channel = secrets.token_hex(16)
    session = live_app.session()

    async def scenario() -> list[int]:
        async with await _open(live_app, channel) as socket:
            status, body = await asyncio.to_thread(
                session.post, "/api/pulse", {"channel": channel, "count": 50}
            )
            assert status == 202, body
            return await _receive_pulses(socket, 50)

    assert asyncio.run(scenario()) == list(range(1, 51))


def test_an_idle_websocket_stays_open_longer_than_the_redis_socket_timeout(live_app):
    # redis-py 8's default 5 s socket timeout equals channels-redis's blocking wait, which closes
    # idle sockets with code 1011 after about 5 s unless the channel layer sets a longer one.
    channel = secrets.token_hex(16)
    session = live_app.session()

    async def scenario() -> list[int]:
        async with await _open(live_app, channel) as socket:
            await asyncio.sleep(7)
            status, _ = await asyncio.to_thread(session.post, "/api/pulse", {"channel": channel, "count": 3})
            assert status == 202
            return await _receive_pulses(socket, 3)

    assert asyncio.run(scenario()) == [1, 2, 3]


def test_a_websocket_without_an_allowed_origin_is_refused(live_app):
    async def scenario() -> None:
        with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
            await websockets.connect(
                f"{live_app.ws_url}/ws/pulse/{secrets.token_hex(16)}/",
                origin="http://evil.example",
                open_timeout=10,
            )
        assert refused.value.response.status_code == 403

    asyncio.run(scenario())


def _active_task_pids(timeout_s: float = 10) -> list[int]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        active = celery_app.control.inspect(timeout=1).active() or {}
        pids = [task["worker_pid"] for tasks in active.values() for task in tasks if task.get("worker_pid")]
        if pids:
            return pids
    return []


def test_a_task_whose_worker_process_dies_mid_way_is_delivered_again_and_completes(live_app):
    channel = secrets.token_hex(16)
    session = live_app.session()

    async def scenario() -> list[int]:
        async with await _open(live_app, channel) as socket:
            body = {"channel": channel, "count": 6, "interval_ms": 400}
            status, answer = await asyncio.to_thread(session.post, "/api/pulse", body)
            assert status == 202, answer
            first = await _receive_pulses(socket, 2)
            pids = await asyncio.to_thread(_active_task_pids)
            assert len(pids) == 1, f"expected one running task, found {pids}"
            os.kill(pids[0], signal.SIGKILL)  # the pool process dies mid-task, as in an OOM kill
            rest = []
            while not rest or rest[-1] != 6:  # the killed delivery cannot reach 6 on its own
                rest += await _receive_pulses(socket, 1)
            return first + rest

    seqs = asyncio.run(scenario())
    # The first delivery got as far as it did; the re-delivered task sends the whole sequence.
    last_start = len(seqs) - 1 - seqs[::-1].index(1)
    assert last_start > 0, f"the task was never delivered again: {seqs}"
    assert seqs[last_start:] == [1, 2, 3, 4, 5, 6], seqs


@pytest.mark.django_db
def test_healthz_reports_database_redis_and_worker_up(live_app):
    status, body = live_app.session().get("/healthz")
    assert status == 200, body
    assert body["status"] == "ok"
    assert body["database"]["up"] and body["redis"]["up"]
    assert body["workers"]["up"] and body["workers"]["count"] == 1
