"""Websocket consumer of the live seam: join the channel's group, forward each pulse as JSON."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from playground.live.pulses import is_valid_channel, pulse_group


class PulseConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        channel = self.scope["url_route"]["kwargs"]["channel"]
        if not is_valid_channel(channel):
            await self.close(code=4400)
            return
        self.group = pulse_group(channel)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "channel": channel})

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def pulse_message(self, event: dict) -> None:
        await self.send_json({"type": "pulse", "seq": event["seq"], "count": event["count"]})
