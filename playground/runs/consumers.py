"""Websocket `/ws/runs/{id}/` (spec/api.md): replay after `?after=SEQ`, then live messages.

The consumer joins the run's group before reading the log, so a message published in between is
both in the log and on the way live; live messages at or below the last seq sent are dropped.
"""

import json
from urllib.parse import parse_qs

import redis.asyncio as aioredis
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from playground.runs import log, selectors
from playground.topologies.ownership import SESSION_OWNER_KEY

FORBIDDEN = 4403
NOT_FOUND = 4404


class RunConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.run_id = self.scope["url_route"]["kwargs"]["run_id"]
        query = parse_qs(self.scope.get("query_string", b"").decode())
        try:
            self.last_seq = max(int(query.get("after", ["0"])[0]), 0)
        except ValueError:
            self.last_seq = 0
        view_token = query.get("view", [None])[0]
        allowed = await self._allowed(view_token)
        if allowed is None:
            await self.close(code=NOT_FOUND)
            return
        if not allowed:
            await self.close(code=FORBIDDEN)
            return
        self.group = log.run_group(self.run_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self._replay()

    @database_sync_to_async
    def _allowed(self, view_token: str | None) -> bool | None:
        run = selectors.run_get(self.run_id)
        if run is None:
            return None
        session = self.scope.get("session")
        owner_token = session.get(SESSION_OWNER_KEY, "") if session is not None else ""
        return selectors.can_see_run(self.scope.get("user"), owner_token, run, view_token)

    async def _replay(self) -> None:
        client = aioredis.Redis.from_url(settings.REDIS_URL, socket_timeout=10)
        try:
            raw = await client.lrange(log.log_key(self.run_id), self.last_seq, -1)
        finally:
            await client.aclose()
        for item in raw:
            await self._forward(json.loads(item))

    async def _forward(self, message: dict) -> None:
        if message["seq"] <= self.last_seq:
            return
        self.last_seq = message["seq"]
        await self.send_json(message)

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def run_messages(self, event: dict) -> None:
        for message in event["messages"]:
            await self._forward(message)
