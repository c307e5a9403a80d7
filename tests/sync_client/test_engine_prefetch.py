"""The pull asks for page n+1 while page n is applied, and never lets that change what
is applied or saved: pages are applied in order, each after the one before committed,
and a page that fails to apply stops the cycle with the cursor where it was."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from sync import protocol as p
from sync.client.engine import SyncEngine, SyncReport

PAGES = 4


def _page(n: int) -> p.PullResponse:
    return {"rows": [{"n": n}], "next_cursor": n, "has_more": n < PAGES,  # type: ignore[typeddict-item]
            "evicted_people": [], "scope_version": None}


class SlowStore:
    """Applies pages slowly; remembers the order and whether the next fetch overlapped."""

    def __init__(self, fail_on: int | None = None) -> None:
        self.saved_cursor = 0
        self.applied: list[int] = []
        self.fail_on = fail_on
        self.fetched_while_applying: list[int] = []
        self.applying = threading.Event()

    def position(self) -> tuple[int, int | None]:
        return self.saved_cursor, None

    def pending_changes(self, limit: int, skip: int = 0) -> list[Any]:
        return []

    def apply_page(self, page: p.PullResponse) -> int:
        n = page["rows"][0]["n"]  # type: ignore[typeddict-item]
        self.applying.set()
        try:
            if n == self.fail_on:
                raise OSError("disk full")
            threading.Event().wait(0.05)  # long enough for the prefetch to be asked for
            self.applied.append(n)
            self.saved_cursor = page["next_cursor"]
            return 1
        finally:
            self.applying.clear()


class RecordingTransport:
    def __init__(self, store: SlowStore) -> None:
        self.store = store
        self.asked: list[tuple[int, bool]] = []

    def pull(self, cursor: int, limit: int, *, check_scope: bool = True,
             scope_seen: int | None = None) -> p.PullResponse:
        self.asked.append((cursor, check_scope))
        if self.store.applying.is_set():
            self.store.fetched_while_applying.append(cursor + 1)
        return _page(cursor + 1)


def test_pages_are_applied_in_order_while_the_next_one_is_fetched():
    store = SlowStore()
    transport = RecordingTransport(store)
    report = SyncReport()
    SyncEngine(store, transport).pull(report)  # type: ignore[arg-type]
    assert store.applied == [1, 2, 3, 4]
    assert report.pulled == PAGES and store.saved_cursor == PAGES
    # Each later page was asked for with the cursor the page before it named, and only
    # the first page of the cycle looks for scope changes.
    assert transport.asked == [(0, True), (1, False), (2, False), (3, False)]
    assert store.fetched_while_applying, "no page was fetched while another was applied"


def test_a_page_that_fails_to_apply_stops_the_cycle_and_keeps_the_cursor():
    store = SlowStore(fail_on=3)
    transport = RecordingTransport(store)
    with pytest.raises(OSError, match="disk full"):
        SyncEngine(store, transport).pull(SyncReport())  # type: ignore[arg-type]
    assert store.applied == [1, 2]
    assert store.saved_cursor == 2  # the prefetched page 4 was never applied
