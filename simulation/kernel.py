"""The event calendar: what happens next, and when.

A discrete-event simulation jumps from one instant at which something changes
to the next, skipping the idle time between. The calendar is a binary heap of
plain tuples ``(time, sequence, callback, argument)``: ``heappop`` always returns
the earliest, and the sequence number (from one ``itertools.count``) breaks ties
in the order the events were scheduled, so a run is deterministic. Popping an
event calls ``callback(time, argument)``; the callback may schedule more events.

Callbacks rather than generator processes keep the hot loop short: no
coroutine to resume, no event objects to allocate, just a tuple per event.
Components push onto the heap directly (they hold ``kernel.heap`` and
``kernel.sequence``) because a method call per scheduled event would cost as
much as the push itself.

Time is a float in seconds. ``Kernel.run_until(t)`` processes every event due at
or before ``t``; the engine calls it once per one-second window.

``PacedKernel`` runs the same calendar against the wall clock (simulated
seconds per wall second). Like SimPy's ``rt.py`` it is a subclass that overrides
one method, ``run_until``: it sleeps at window boundaries until the wall clock
has caught up, and the hot loop does not know it exists.

Random streams: ``stream(seed, name)`` gives every component its own
``random.Random`` seeded from a SHA-256 of the run's seed and the component's
id, so that adding a node never changes the numbers another node draws.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from heapq import heappop, heappush
from itertools import count
from typing import Any

__all__ = ["Kernel", "PacedKernel", "stream"]


def stream(seed: int, name: str) -> random.Random:
    """An independent, reproducible random stream for the component called ``name``."""
    digest = hashlib.sha256(f"{seed}\x00{name}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


class Kernel:
    """A heap of ``(time, sequence, callback, argument)`` tuples and the loop that pops it."""

    def __init__(self) -> None:
        self.heap: list[tuple] = []
        self.sequence = count()
        self.now = 0.0

    def schedule(self, t: float, callback: Callable[[float, Any], None], argument: Any = None) -> None:
        """Call ``callback(t, argument)`` at simulated time ``t``."""
        heappush(self.heap, (t, next(self.sequence), callback, argument))

    def run_until(self, until: float) -> None:
        """Process every event due at or before ``until``, then stand at ``until``."""
        heap = self.heap
        pop = heappop
        while heap:
            t, _, callback, argument = event = pop(heap)
            if t > until:
                heappush(heap, event)  # cheaper than peeking at heap[0] before every pop
                break
            callback(t, argument)
        self.now = until

    @property
    def events_processed(self) -> int:
        """Events run so far: every event ever scheduled, less those still waiting."""
        scheduled = self.sequence.__reduce__()[1][0]  # the counter's next value, without taking it
        return scheduled - len(self.heap)


class PacedKernel(Kernel):
    """A kernel that keeps simulated time at most ``speed`` times ahead of the wall clock."""

    def __init__(self, speed: float) -> None:
        super().__init__()
        self.speed = float(speed)
        self._wall_start: float | None = None
        self._sim_start = 0.0

    def run_until(self, until: float) -> None:
        if self._wall_start is None:
            self._wall_start = time.monotonic()
            self._sim_start = self.now
        super().run_until(until)
        # Sleep until wall elapsed >= simulated elapsed / speed.
        due = self._wall_start + (until - self._sim_start) / self.speed
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
