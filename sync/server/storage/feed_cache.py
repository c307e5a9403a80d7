"""Each feed row's JSON, kept in the serving process by the seq it was written at.

A row is written once and then sent to every device of its team: with a hundred laptops
in a team, encoding the same row a hundred times (and reading its fields out of the
database each time) was most of a pull's cost. A seq names one write of one row for
good: a row written again moves to a new seq, so the text kept for a seq never goes
stale. The revision id is kept beside it and checked on every read all the same, so a
database restored under a running server (seqs handed out again) cannot serve old text.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

# Per worker process. Rows of ~1 KB encode to ~700 bytes: this holds the newest ~90,000,
# what a team's devices pull again and again; a first sync of older rows reads them
# from the database as before.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
# Devices remembered as catching up on history; a bound, not a tuning knob.
_MAX_COLD_DEVICES = 10_000


class FeedCache:
    """Thread-safe: the request threads of one process share it."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self._max_bytes = max_bytes
        self._bytes = 0
        # Oldest write first: the feed is read from the head, so the oldest seqs go first.
        self._texts: OrderedDict[int, tuple[str, str]] = OrderedDict()
        self._lock = threading.Lock()
        # Devices whose last page was mostly rows this process did not hold: a first sync,
        # or a laptop back from a week offline. Reading their pages in full costs one
        # statement; reading the places first and then the missing rows costs two.
        self._cold: set[str] = set()

    def get(self, seq: int, revision_id: str) -> str | None:
        kept = self._texts.get(seq)  # one dict read: atomic, no lock needed
        if kept is None or kept[0] != revision_id:
            return None
        return kept[1]

    def put(self, seq: int, revision_id: str, text: str) -> None:
        if len(text) > self._max_bytes:
            return
        with self._lock:
            old = self._texts.pop(seq, None)
            if old is not None:
                self._bytes -= len(old[1])
            self._texts[seq] = (revision_id, text)
            self._bytes += len(text)
            while self._bytes > self._max_bytes:
                _, (_, dropped) = self._texts.popitem(last=False)
                self._bytes -= len(dropped)

    def reads_in_full(self, device_id: str) -> bool:
        return device_id in self._cold

    def note_page(self, device_id: str, held: int, total: int) -> None:
        """How many of the `total` rows of a device's page were held already: it is
        read in full while fewer than half were, from the cache again once most were."""
        if not total:
            return
        if held * 2 >= total:
            self._cold.discard(device_id)
        elif len(self._cold) < _MAX_COLD_DEVICES:
            self._cold.add(device_id)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._texts)
