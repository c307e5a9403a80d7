"""Fixed-window rate limits counted in the database, so all worker processes agree."""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi import Request
from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server.errors import Refused
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


def limit_by_client(scope: str) -> Callable[[Request], None]:
    """A dependency for one authentication endpoint, keyed by the caller's address.

    It uses its own short transaction, committed at once, so that refused attempts
    (which roll back the request's own transaction) still count.
    """

    def dependency(request: Request) -> None:
        settings = request.app.state.settings
        client = request.client.host if request.client else "unknown"
        with request.app.state.sessions.begin() as session:
            count, retry_after = hit(
                session, f"{scope}:{client}", window_s=settings.auth_rate_window_s, now=time.time()
            )
        if count > settings.auth_rate_limit:
            wait = max(retry_after, 1)
            raise Refused(
                429,
                p.ERR_RATE_LIMITED,
                f"too many attempts; retry in {wait} s",
                headers={"Retry-After": str(wait)},
            )

    return dependency
