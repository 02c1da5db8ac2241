"""Celery tasks of the live seam. Thin: each calls one function."""

from celery import shared_task

from playground.live.pulses import pulses_publish


@shared_task(name="live.send_pulses")
def send_pulses(channel: str, count: int, interval_ms: int = 0) -> None:
    pulses_publish(channel=channel, count=count, interval_ms=interval_ms)
