"""Pulses: numbered messages sent from a worker to every websocket listening on one channel.

A channel is a random 128-bit hex name chosen by whoever listens (the browser), so only those who
know it receive its pulses. Messages published before a listener joined are not replayed: listen
first, then ask for pulses.
"""

import re
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

CHANNEL_PATTERN = re.compile(r"^[0-9a-f]{32}$")
MAX_PULSES = 100
MAX_INTERVAL_MS = 2000


def pulse_group(channel: str) -> str:
    return f"pulse.{channel}"


def is_valid_channel(channel: str) -> bool:
    return bool(CHANNEL_PATTERN.match(channel))


def pulses_publish(*, channel: str, count: int, interval_ms: int = 0) -> None:
    """Sends `count` messages numbered 1..count, in order, to the channel's group, `interval_ms`
    apart."""
    layer = get_channel_layer()
    send = async_to_sync(layer.group_send)
    for seq in range(1, count + 1):
        if seq > 1 and interval_ms:
            time.sleep(interval_ms / 1000)
        send(pulse_group(channel), {"type": "pulse.message", "seq": seq, "count": count})
