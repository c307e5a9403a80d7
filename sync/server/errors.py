"""Refusals that services raise; the API turns them into JSON, the CLI into a message."""

from __future__ import annotations

from datetime import UTC, datetime

from sync import protocol as p


class Refused(Exception):
    """A request the server will not honour, with the HTTP status and wire error code."""

    def __init__(
        self,
        status: int,
        error: str,
        message: str,
        *,
        action: str | None = None,
        keep_writes: bool = False,
        headers: dict[str, str] | None = None,
        extra: dict[str, str] | None = None,
    ):
        super().__init__(message)
        # True when what the request wrote (e.g. an audit event of the refusal itself)
        # must be committed even though the caller gets an error.
        self.keep_writes = keep_writes
        self.headers = headers
        self.status = status
        self.error = error
        self.message = message
        self.action = action
        self.extra = extra or {}  # more named fields of the error body (p.ErrorBody)

    def body(self) -> p.ErrorBody:
        body: p.ErrorBody = {"error": self.error, "message": self.message}
        if self.action:
            body["action"] = self.action
        body.update(self.extra)  # type: ignore[typeddict-item]
        return body


def not_found(what: str) -> Refused:
    return Refused(404, p.ERR_NOT_FOUND, f"{what} not found")


def device_revoked(revoked_at: datetime | None = None, reason: str | None = None) -> Refused:
    """The laptop shows `message` to its worker as it destroys its keys, so it says who,
    when and why in words; `reason` and `revoked_at` also travel as fields of their own."""
    when = revoked_at.astimezone(UTC) if revoked_at and revoked_at.tzinfo else revoked_at
    stamp = f" on {when:%d/%m/%Y at %H:%M} UTC" if when else ""
    said = f": {reason}" if reason else ""
    extra = {"reason": reason or ""}
    if when:
        extra["revoked_at"] = when.replace(tzinfo=UTC).isoformat(timespec="seconds")
    return Refused(
        403,
        p.ERR_DEVICE_REVOKED,
        f"IT revoked this laptop{stamp}{said}. Its local keys are destroyed now; contact IT "
        "to enrol it again.",
        action=p.ACTION_DESTROY_LOCAL_KEYS,
        extra=extra,
    )


def unauthenticated(message: str = "a valid device token is required") -> Refused:
    return Refused(401, p.ERR_UNAUTHENTICATED, message)
