"""Hybrid logical clock: orders events across devices without trusting wall clocks.

A stamp is (wall milliseconds, counter, device). It never goes backwards on one
device even if the wall clock does, and after receiving a remote stamp the next
local stamp sorts after it. Stamps serialise to fixed-width strings that sort
correctly as text, so the database can order by them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

_COUNTER_LIMIT = 0xFFFF


@dataclass(frozen=True, order=True)
class HlcStamp:
    wall_ms: int
    counter: int
    device: str

    def encode(self) -> str:
        return f"{self.wall_ms:015d}-{self.counter:05d}-{self.device}"

    @classmethod
    def decode(cls, text: str) -> HlcStamp:
        wall, counter, device = text.split("-", 2)
        return cls(int(wall), int(counter), device)


class HybridLogicalClock:
    """Thread-safe HLC for one device. `now_ms` is injectable for tests."""

    def __init__(self, device: str, now_ms: Callable[[], int] | None = None) -> None:
        self._device = device
        self._now_ms = now_ms or (lambda: time.time_ns() // 1_000_000)
        self._last = HlcStamp(0, 0, device)
        self._lock = threading.Lock()

    def tick(self) -> HlcStamp:
        """A stamp for a local event, later than every stamp seen so far."""
        with self._lock:
            wall = max(self._now_ms(), self._last.wall_ms)
            counter = self._last.counter + 1 if wall == self._last.wall_ms else 0
            self._last = self._bounded(wall, counter)
            return self._last

    def observe(self, remote: HlcStamp) -> HlcStamp:
        """Merge a stamp received from elsewhere; the next tick sorts after it."""
        with self._lock:
            wall = max(self._now_ms(), self._last.wall_ms, remote.wall_ms)
            counter = 0
            if wall == self._last.wall_ms == remote.wall_ms:
                counter = max(self._last.counter, remote.counter) + 1
            elif wall == self._last.wall_ms:
                counter = self._last.counter + 1
            elif wall == remote.wall_ms:
                counter = remote.counter + 1
            self._last = self._bounded(wall, counter)
            return self._last

    def _bounded(self, wall: int, counter: int) -> HlcStamp:
        # A counter overflow means a burst of >65k events in one millisecond or a
        # remote clock far ahead; moving to the next millisecond keeps order intact.
        if counter > _COUNTER_LIMIT:
            return HlcStamp(wall + 1, 0, self._device)
        return HlcStamp(wall, counter, self._device)
