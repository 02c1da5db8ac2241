"""A run's message log and control keys, in Redis.

Every message a run sends (status, metrics, done, error) is appended to the run's log with a `seq`
rising by one, then published to the run's channel-layer group. A consumer joins the group first
and then reads the log after the client's `?after=SEQ`, so a late or reconnecting client misses
nothing (and drops live duplicates by seq). Messages are written and published in small batches:
at full speed a run closes hundreds of windows per wall second, and one round trip per batch keeps
that cheap without delaying a paced run (a batch waits at most `FLUSH_S`).

Control goes the other way through two keys the worker reads at each window boundary: a cancel
flag, and a list of commands (faults injected from the canvas).
"""

import json
import time
from collections.abc import Iterable

import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

LOG_TTL_S = 7 * 24 * 3600
FLUSH_S = 0.05


def run_group(run_id: str) -> str:
    return f"run.{run_id}"


def _key(run_id: str, what: str) -> str:
    return f"archplay:run:{run_id}:{what}"


def log_key(run_id: str) -> str:
    return _key(run_id, "log")


def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=10, socket_connect_timeout=5)


def log_read(client: redis.Redis, run_id: str, after: int = 0) -> list[dict]:
    return [json.loads(raw) for raw in client.lrange(log_key(run_id), max(after, 0), -1)]


def log_length(client: redis.Redis, run_id: str) -> int:
    return client.llen(log_key(run_id))


def cancel_request(client: redis.Redis, run_id: str) -> None:
    client.set(_key(run_id, "cancel"), "1", ex=LOG_TTL_S)


def cancel_requested(client: redis.Redis, run_id: str) -> bool:
    return bool(client.exists(_key(run_id, "cancel")))


def command_push(client: redis.Redis, run_id: str, command: dict) -> None:
    client.rpush(_key(run_id, "commands"), json.dumps(command))
    client.expire(_key(run_id, "commands"), LOG_TTL_S)


def commands_take(client: redis.Redis, run_id: str) -> list[dict]:
    """Every command waiting for the run, removed atomically so none is applied twice."""
    with client.pipeline(transaction=True) as pipe:
        pipe.lrange(_key(run_id, "commands"), 0, -1)
        pipe.delete(_key(run_id, "commands"))
        raw, _ = pipe.execute()
    return [json.loads(item) for item in raw]


class RunPublisher:
    """Numbers, logs and publishes a run's messages. One per run, in the worker."""

    def __init__(self, run_id: str, client: redis.Redis | None = None):
        self.run_id = run_id
        self.client = client or redis_client()
        self.seq = log_length(self.client, run_id)  # a re-delivered task continues the numbering
        self._pending: list[dict] = []
        self._last_flush = time.monotonic()
        self._group_send = async_to_sync(get_channel_layer().group_send)

    def send(self, message: dict, *, flush: bool = False) -> dict:
        self.seq += 1
        numbered = {
            "type": message["type"],
            "seq": self.seq,
            **{k: v for k, v in message.items() if k != "type"},
        }
        self._pending.append(numbered)
        if flush or time.monotonic() - self._last_flush >= FLUSH_S:
            self.flush()
        return numbered

    def flush(self) -> None:
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        key = log_key(self.run_id)
        with self.client.pipeline(transaction=False) as pipe:
            pipe.rpush(key, *(json.dumps(m, separators=(",", ":")) for m in batch))
            pipe.expire(key, LOG_TTL_S)
            pipe.execute()
        self._group_send(run_group(self.run_id), {"type": "run.messages", "messages": batch})
        self._last_flush = time.monotonic()


def messages_after(messages: Iterable[dict], after: int) -> list[dict]:
    return [m for m in messages if m["seq"] > after]
