"""The rate-limit table does not grow without bound: stale windows of every key go."""

from __future__ import annotations

import sqlalchemy as sa

from sync.server.models import RateLimitBucket
from sync.server.storage import counts

NOW = 1_800_000_000.0
DAY = 86_400


def _keys(db) -> set[str]:
    return set(db.scalars(sa.select(RateLimitBucket.key)))


def _old_rows(db, *keys: str) -> None:
    """Counts left by keys nobody counts any more (an address seen once, a worker gone)."""
    for n, key in enumerate(keys):
        counts.hit(db, key, window_s=60, now=NOW - 3 * DAY - n)


def test_a_sweep_deletes_every_keys_stale_windows_and_keeps_recent_ones(db, monkeypatch):
    monkeypatch.setattr(counts, "SWEEP_ONE_IN", 10**9)  # no sweep while the rows are made
    _old_rows(db, "sign-in:203.0.113.1", "sign-in:203.0.113.2", "lookup:worker:gone:60")
    counts.hit(db, "lookup:worker:here:86400", window_s=DAY, now=NOW - DAY + 1)
    counts.hold(db, "sign-in-locked:ann", until=NOW + 900)
    swept = counts.sweep_stale(db, now=NOW)
    assert swept == 3
    assert _keys(db) == {"lookup:worker:here:86400", "sign-in-locked:ann"}


def test_counting_now_and_then_sweeps_other_keys(db, monkeypatch):
    monkeypatch.setattr(counts, "SWEEP_ONE_IN", 10**9)
    _old_rows(db, "sign-in:198.51.100.7", "sign-in:198.51.100.8")
    counts.hit(db, "sign-in:192.0.2.1", window_s=60, now=NOW)
    assert len(_keys(db)) == 3  # the other keys' rows stay until a sweep
    monkeypatch.setattr(counts, "SWEEP_ONE_IN", 1)  # this time the dice say sweep
    counts.hit(db, "sign-in:192.0.2.1", window_s=60, now=NOW)
    assert _keys(db) == {"sign-in:192.0.2.1"}


def test_a_hold_reads_back_until_it_ends(db):
    counts.hold(db, "sign-in-locked:bob", until=NOW + 600)
    assert counts.held_for(db, "sign-in-locked:bob", now=NOW) == 600
    assert counts.held_for(db, "sign-in-locked:bob", now=NOW + 600) == 0
    assert counts.held_for(db, "sign-in-locked:nobody", now=NOW) == 0


def test_a_count_taken_back_frees_its_place(db):
    assert counts.hit(db, "k", window_s=60, now=NOW)[0] == 1
    counts.take_back(db, "k", window_s=60, now=NOW)
    assert counts.hit(db, "k", window_s=60, now=NOW)[0] == 1
