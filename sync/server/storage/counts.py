"""Fixed-window counts kept in the database, so all server processes agree (rate limits,
failed sign-ins), and holds: a key refused until a stated time (an account locked)."""

from __future__ import annotations

import random

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from sync.server.models import RateLimitBucket

# The longest window anyone counts in; a row is stale once its window ended a day ago.
MAX_WINDOW_S = 86_400
STALE_AFTER_S = MAX_WINDOW_S + 86_400
# `hit` deletes only its own key's old windows; a key that stops being counted (a worker
# who left, an address seen once) would stay for ever. One hit in this many also sweeps
# every stale row: cheap (rare, and the table holds about a day of keys) and shared by
# all processes without a scheduler.
SWEEP_ONE_IN = 200


def _insert(session: Session):  # type: ignore[no-untyped-def]
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _window_start(now: float, window_s: int) -> int:
    return int(now) - int(now) % window_s


def hit(session: Session, key: str, *, window_s: int, now: float) -> tuple[int, int]:
    """Count one call against `key`. Returns (calls in this window, seconds until it ends)."""
    if not 0 < window_s <= MAX_WINDOW_S:
        raise ValueError(f"a window is 1 to {MAX_WINDOW_S} s, not {window_s}")
    start = _window_start(now, window_s)
    # One atomic upsert: two processes counting at once cannot both read the old value.
    statement = (
        _insert(session)(RateLimitBucket)
        .values(key=key, window_start=start, count=1)
        .on_conflict_do_update(
            index_elements=["key", "window_start"], set_={"count": RateLimitBucket.count + 1}
        )
        .returning(RateLimitBucket.count)
    )
    count = session.execute(statement).scalar_one()
    session.execute(
        delete(RateLimitBucket).where(
            RateLimitBucket.key == key, RateLimitBucket.window_start < start
        )
    )
    if random.randrange(SWEEP_ONE_IN) == 0:
        sweep_stale(session, now=now)
    return count, start + window_s - int(now)


def take_back(session: Session, key: str, *, window_s: int, now: float) -> None:
    """Undo one `hit` in the current window: a call that was refused does not use up
    what is left of the caller's allowance in the other windows."""
    session.execute(
        update(RateLimitBucket)
        .where(RateLimitBucket.key == key,
               RateLimitBucket.window_start == _window_start(now, window_s),
               RateLimitBucket.count > 0)
        .values(count=RateLimitBucket.count - 1)
        .execution_options(synchronize_session=False)
    )


def sweep_stale(session: Session, *, now: float) -> int:
    """Delete every row, of every key, whose window ended more than a day ago (and every
    hold that ended that long ago). Returns how many went."""
    swept = session.execute(
        delete(RateLimitBucket)
        .where(RateLimitBucket.window_start < int(now) - STALE_AFTER_S)
        .execution_options(synchronize_session=False)
    )
    return swept.rowcount  # type: ignore[attr-defined]


# A hold is a row whose window_start is the time the hold ends (in the future while it
# holds), under a key of its own: `hit` never counts hold keys.


def hold(session: Session, key: str, *, until: float) -> None:
    """Hold `key` until `until` (epoch seconds); a second hold to the same time is one."""
    statement = (
        _insert(session)(RateLimitBucket)
        .values(key=key, window_start=int(until), count=1)
        .on_conflict_do_nothing(index_elements=["key", "window_start"])
    )
    session.execute(statement)


def held_for(session: Session, key: str, *, now: float) -> int:
    """Seconds left on the latest hold of `key`; 0 when it is not held."""
    until = session.scalar(
        select(func.max(RateLimitBucket.window_start)).where(RateLimitBucket.key == key)
    )
    return max(int(until) - int(now), 0) if until is not None else 0
