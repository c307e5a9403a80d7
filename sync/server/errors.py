"""Refusals that services raise; the API turns them into JSON, the CLI into a message."""

from __future__ import annotations

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

    def body(self) -> p.ErrorBody:
        body: p.ErrorBody = {"error": self.error, "message": self.message}
        if self.action:
            body["action"] = self.action
        return body


def not_found(what: str) -> Refused:
    return Refused(404, p.ERR_NOT_FOUND, f"{what} not found")


def device_revoked() -> Refused:
    return Refused(
        403,
        p.ERR_DEVICE_REVOKED,
        "this device has been revoked; destroy the local key wraps now",
        action=p.ACTION_DESTROY_LOCAL_KEYS,
    )


def unauthenticated(message: str = "a valid device token is required") -> Refused:
    return Refused(401, p.ERR_UNAUTHENTICATED, message)
