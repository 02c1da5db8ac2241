"""The websocket consumer joins its channel's group and forwards pulses; bad channels are refused."""

import asyncio
import secrets

from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from playground.asgi import application
from playground.live.pulses import pulse_group

ORIGIN = [(b"origin", b"http://127.0.0.1")]


def test_a_connected_socket_receives_what_is_sent_to_its_channels_group():
    channel = secrets.token_hex(16)

    async def scenario():
        communicator = WebsocketCommunicator(application, f"/ws/pulse/{channel}/", headers=ORIGIN)
        connected, _ = await communicator.connect()
        assert connected
        assert await communicator.receive_json_from() == {"type": "hello", "channel": channel}
        layer = get_channel_layer()
        for seq in (1, 2):
            await layer.group_send(pulse_group(channel), {"type": "pulse.message", "seq": seq, "count": 2})
        first = await communicator.receive_json_from(timeout=5)
        second = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return first, second

    assert asyncio.run(scenario()) == (
        {"type": "pulse", "seq": 1, "count": 2},
        {"type": "pulse", "seq": 2, "count": 2},
    )


def test_a_channel_name_that_is_not_128_random_bits_is_refused():
    async def scenario():
        communicator = WebsocketCommunicator(application, "/ws/pulse/guessable/", headers=ORIGIN)
        try:
            return await communicator.connect()
        finally:
            await communicator.disconnect()  # let the refused consumer finish before the loop closes

    assert asyncio.run(scenario()) == (False, 4400)
