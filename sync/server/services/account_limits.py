"""Wrong passwords counted per ACCOUNT, whatever address or credential they came through.

The per-address limit (api/ratelimit) stops one address; a guesser with many addresses
(a botnet, or a proxy that forwards whatever X-Forwarded-For it is sent), or with a stolen
laptop's device token and sign-in key, is stopped only by counting against the account.

Numbers: after ACCOUNT_FAILURES wrong passwords within ACCOUNT_WINDOW_S the account
refuses every attempt, right password or not, for ACCOUNT_LOCK_S. A worker who mistypes
gets well past ten tries before a pause; a guesser gets about 10 guesses per 15 to 30
minutes, under a thousand a day, against passwords that must resist 10^8 guesses
(services/passwords): centuries. Counting in fixed windows lets a burst across a window's
edge reach 2 x 10 - 1 before the lock; that only doubles a small number.

Anyone who knows a username can keep that worker locked out by guessing badly: the price
of stopping the guessing. The team lead is told, once per lock, so it does not go unseen.
"""

from __future__ import annotations

import time

from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server.errors import Refused
from sync.server.models import Device, Worker
from sync.server.services import audit
from sync.server.storage import counts

ACCOUNT_FAILURES = 10
ACCOUNT_WINDOW_S = 15 * 60
ACCOUNT_LOCK_S = 15 * 60
clock = time.time  # epoch seconds; a test moves it to the end of a lock


def _failures_key(username: str) -> str:
    return f"sign-in-account:{username}"


def _lock_key(username: str) -> str:
    return f"sign-in-locked:{username}"


def refuse_if_locked(session: Session, username: str, *, now: float | None = None) -> None:
    """Refuse (429 + Retry-After) while the account is locked. Unknown usernames lock the
    same way, so the lock tells a guesser nothing about which usernames exist."""
    left = counts.held_for(session, _lock_key(username), now=clock() if now is None else now)
    if left:
        minutes = -(-left // 60)
        raise Refused(
            429, p.ERR_RATE_LIMITED,
            f"too many wrong passwords for this account; try again in {minutes} min, or ask "
            "your team lead if you did not make them",
            headers={"Retry-After": str(left)},
        )


ENROLMENT = "an attempt to enrol a laptop"
CONSOLE = "the web console's sign-in"


def password_failed(session: Session, username: str, worker: Worker | None,
                    device: Device | None, *, now: float | None = None,
                    without_device: str = ENROLMENT) -> None:
    """Count one wrong password (or a refusal that looks like one to the caller) against
    `username`; at ACCOUNT_FAILURES lock the account, audit it and tell the team lead.
    The caller must commit (Refused(keep_writes=True)) for the count to stay."""
    now = clock() if now is None else now
    count, _ = counts.hit(session, _failures_key(username), window_s=ACCOUNT_WINDOW_S, now=now)
    if count != ACCOUNT_FAILURES:  # == : of racing processes exactly one locks and tells
        return
    counts.hold(session, _lock_key(username), until=now + ACCOUNT_LOCK_S)
    _audit_and_tell(session, worker, device, count, without_device)


def _audit_and_tell(session: Session, worker: Worker | None, device: Device | None,
                    count: int, without_device: str) -> None:
    """`device` None: the last wrong password came through `without_device` (an
    enrolment, before any device; or the web console)."""
    event = audit.record(session, "worker.sign_in_locked",
                         actor=f"device:{device.id}" if device else (
                             "enrolment" if without_device == ENROLMENT else "console"),
                         worker_id=worker.id if worker else None,
                         device_id=device.id if device else None,
                         failures=count, locked_s=ACCOUNT_LOCK_S)
    where = f"laptop '{device.name}'" if device else without_device
    if worker is None or worker.team_id is None:
        return  # an unknown username or an administrator: the audit log holds it
    audit.notify_team(
        session, {worker.team_id}, event, kind="sign_in_locked",
        text=f"{worker.display_name} ({worker.username}): {count} wrong passwords within "
        f"{ACCOUNT_WINDOW_S // 60} minutes, last through {where}. Sign-in "
        f"for this account is refused for {ACCOUNT_LOCK_S // 60} minutes. If "
        f"{worker.display_name} did not make them, someone may be guessing the password: "
        "ask them, and have IT set a new one (admin set-password).")
