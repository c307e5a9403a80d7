"""Fixed-window rate limits counted in the database, so all worker processes agree."""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi import Request

from sync import protocol as p
from sync.server.errors import Refused
from sync.server.storage.counts import hit


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
