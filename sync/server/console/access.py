"""Who may use the console: the password check (the API's throttle and audit), console
sessions in the database, and their expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import crypto
from sync.server.errors import Refused
from sync.server.models import ConsoleSession, ConsoleTotp, Worker, utcnow
from sync.server.services import account_limits, audit
from sync.server.services.org import normal_username

CONSOLE_ROLES = frozenset({"admin", "team_lead"})
SESSION_HOURS = 8  # a working day, then sign in again
IDLE_MINUTES = 30  # a browser left open on a shared desk does not stay signed in
PENDING_MINUTES = 10  # between the password and the second factor


@dataclass(frozen=True)
class Viewer:
    """The signed-in console user of one request."""

    worker: Worker
    row: ConsoleSession
    token: str

    @property
    def actor(self) -> str:
        return f"worker:{self.worker.id}"

    @property
    def is_admin(self) -> bool:
        return self.worker.role == "admin"


def check_password(session: Session, hasher: PasswordHasher, *, username: str,
                   password: str) -> Worker:
    """The API's rules (services/auth.sign_in): one answer for an unknown username and a
    wrong password, the same Argon2 work, counted against the account (account_limits).
    The role is checked only once the password is right, so a refusal for the role tells a
    guesser nothing."""
    username = normal_username(username)
    account_limits.refuse_if_locked(session, username)
    worker = session.scalar(select(Worker).where(Worker.username == username))
    if worker is None:
        hasher.hash(password)
    if worker is None or not crypto.verify_password(hasher, worker.password_hash, password):
        audit.record(session, "console.sign_in_failed", actor="console",
                     worker_id=worker.id if worker else None)
        account_limits.password_failed(session, username, worker, None,
                                       without_device=account_limits.CONSOLE)
        raise Refused(401, p.ERR_INVALID_CREDENTIALS, "Unknown username or wrong password.",
                      keep_writes=True)
    _check_may_use(session, worker)
    if hasher.check_needs_rehash(worker.password_hash):
        worker.password_hash = hasher.hash(password)
    return worker


def _check_may_use(session: Session, worker: Worker) -> None:
    if worker.disabled_at is not None:
        why, error = "This account is switched off: ask IT.", p.ERR_WORKER_DISABLED
    elif worker.role not in CONSOLE_ROLES:
        why, error = ("The console is for IT and team leads. Your account works in the "
                      "InsideOut app on your laptop."), p.ERR_FORBIDDEN_ROLE
    else:
        return
    audit.record(session, "console.sign_in_refused", actor=f"worker:{worker.id}",
                 worker_id=worker.id, error=error)
    raise Refused(403, error, why, keep_writes=True)


def first_stage(session: Session, worker: Worker) -> str:
    """An admin always passes a second factor; a team lead who set one up uses it too."""
    totp = session.get(ConsoleTotp, worker.id)
    if totp is not None and totp.confirmed_at is not None:
        return "totp"
    return "enrol_totp" if worker.role == "admin" else "full"


def open_session(session: Session, worker: Worker, *, stage: str) -> str:
    token = crypto.new_token()
    now = utcnow()
    lasts = timedelta(hours=SESSION_HOURS if stage == "full" else 0,
                      minutes=0 if stage == "full" else PENDING_MINUTES)
    session.add(ConsoleSession(token_hash=crypto.token_hash(token), worker_id=worker.id,
                               stage=stage, created_at=now, last_used_at=now,
                               expires_at=now + lasts))
    if stage == "full":
        audit.record(session, "console.signed_in", actor=f"worker:{worker.id}",
                     worker_id=worker.id, second_factor=False)
    return token


def promote(session: Session, viewer: Viewer, *, how: str) -> str:
    """The second factor passed: a new token for the full session (the pending one is
    dropped, so a token seen before the second factor is worth nothing after it)."""
    session.delete(viewer.row)
    token = crypto.new_token()
    now = utcnow()
    session.add(ConsoleSession(token_hash=crypto.token_hash(token), worker_id=viewer.worker.id,
                               stage="full", created_at=now, last_used_at=now,
                               expires_at=now + timedelta(hours=SESSION_HOURS)))
    audit.record(session, "console.signed_in", actor=viewer.actor, worker_id=viewer.worker.id,
                 second_factor=how)
    return token


def viewer_for(session: Session, token: str | None) -> Viewer | None:
    """The session's user, or None when unknown, expired, idle too long or switched off."""
    if not token:
        return None
    row = session.get(ConsoleSession, crypto.token_hash(token))
    if row is None:
        return None
    now = utcnow()
    worker = session.get_one(Worker, row.worker_id)
    idle = now - row.last_used_at > timedelta(minutes=IDLE_MINUTES)
    if row.expires_at <= now or idle or worker.disabled_at is not None \
            or worker.role not in CONSOLE_ROLES:
        session.delete(row)
        return None
    row.last_used_at = now
    return Viewer(worker=worker, row=row, token=token)


def sign_out(session: Session, viewer: Viewer) -> None:
    session.execute(delete(ConsoleSession).where(
        ConsoleSession.token_hash == viewer.row.token_hash))
    audit.record(session, "console.signed_out", actor=viewer.actor, worker_id=viewer.worker.id)
