"""Fixed-window counts kept in the database, so all server processes agree (rate limits,
failed sign-ins)."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from sync.server.models import RateLimitBucket


def hit(session: Session, key: str, *, window_s: int, now: float) -> tuple[int, int]:
    """Count one call against `key`. Returns (calls in this window, seconds until it ends)."""
    start = int(now) - int(now) % window_s
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # One atomic upsert: two processes counting at once cannot both read the old value.
    statement = (
        insert(RateLimitBucket)
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
    return count, start + window_s - int(now)
