"""How often one worker (or one device) may do something sensitive, counted in the
database so every server process agrees; the team lead is told when a limit is reached."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server.errors import Refused
from sync.server.storage import counts


@dataclass(frozen=True)
class Limit:
    calls: int
    window_s: int
    period: str  # how a person reads the window: "a minute", "an hour", "a day"


@dataclass(frozen=True)
class Check:
    key: str  # whose calls: "lookup:worker:<id>"
    limit: Limit
    whose: str  # for the team lead: "worker", "laptop"


# Called the first time in a window that a check refuses a call.
Tell = Callable[[Check], None]


def enforce(session: Session, checks: Sequence[Check], *, tell: Tell,
            now: float | None = None) -> None:
    """Count one call against every check, or refuse it (429 + Retry-After).

    A refused call is taken back from every window it was counted in, so refusals do not
    use up the longer windows (a client that retries after a per-minute refusal does not
    lose its day). The refusal commits (keep_writes): the "told" marker and the team
    lead's notification must stay, and the lead hears once per window, not per call."""
    now = time.time() if now is None else now
    counted: list[Check] = []
    for check in checks:
        calls, left = counts.hit(session, _window_key(check), window_s=check.limit.window_s,
                                 now=now)
        counted.append(check)
        if calls > check.limit.calls:
            for done in counted:
                counts.take_back(session, _window_key(done), window_s=done.limit.window_s,
                                 now=now)
            _tell_once(session, check, tell, now)
            raise _refusal(check.limit, left)


def _window_key(check: Check) -> str:
    return f"{check.key}:{check.limit.window_s}"


def _tell_once(session: Session, check: Check, tell: Tell, now: float) -> None:
    told, _ = counts.hit(session, f"told:{_window_key(check)}",
                         window_s=check.limit.window_s, now=now)
    if told == 1:
        tell(check)


def _refusal(limit: Limit, left: int) -> Refused:
    wait = max(left, 1)
    return Refused(
        429, p.ERR_RATE_LIMITED,
        f"at most {limit.calls} of these {limit.period}; retry in {_readable(wait)}",
        headers={"Retry-After": str(wait)}, keep_writes=True)


def _readable(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{-(-seconds // 60)} min"
    return f"{-(-seconds // 3600)} h"
