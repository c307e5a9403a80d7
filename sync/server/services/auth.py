"""Who is calling: the device behind a token, and the worker behind a session."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from argon2 import PasswordHasher
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import crypto
from sync.server.errors import Refused, device_revoked, unauthenticated
from sync.server.models import Device, Team, Worker, WorkerSession, utcnow
from sync.server.models.org import LAPTOP_ROLES
from sync.server.services import account_limits, audit
from sync.server.services.org import normal_username
from sync.server.storage import bulk, counts

# Writing last_seen_at on every request would turn each read into a write.
_LAST_SEEN_GRANULARITY = timedelta(minutes=1)


@dataclass(frozen=True)
class Caller:
    device: Device
    worker: Worker | None = None
    by_sign_in_key: bool = False  # not the device token: the key kept beside the key wraps

    @property
    def actor(self) -> str:
        return f"worker:{self.worker.id}" if self.worker else f"device:{self.device.id}"

    def require_worker(self) -> Worker:
        if self.worker is None:
            raise Refused(401, p.ERR_SESSION_REQUIRED, f"sign in first ({p.SESSION_HEADER})")
        return self.worker


# Built once: SQLAlchemy keeps a statement's cache key with the statement.
_BY_TOKEN = select(Device).where(Device.token_hash == bindparam("token_hash"))


def device_for_token(session: Session, token: str | None) -> Device:
    if not token:
        raise unauthenticated()
    return _usable(session.scalar(_BY_TOKEN, {"token_hash": crypto.token_hash(token)}))


@dataclass
class SyncDevice:
    """What a sync request needs of the calling device. Read without the ORM: the lookup
    starts every device's every request, and as a mapped object it was a sixth of the
    server's time under load (100 devices at once)."""

    id: str
    team_id: str
    scope_seen: int | None  # see Device.scope_seen


_SYNC_COLUMNS = ("id", "team_id", "scope_seen", "revoked_at", "revoked_reason",
                 "last_seen_at")


def sync_device(session: Session, token: str | None, *, begin: bool = False) -> SyncDevice:
    """`device_for_token` for the sync endpoints: the same refusals, the same last-seen.
    `begin`: send the transaction's BEGIN with the lookup (db.begin_with_first_statement)."""
    if not token:
        raise unauthenticated()
    with bulk.pipelined(session) if begin else nullcontext():
        if begin:
            bulk.run_binary(session, "BEGIN", [])
        found_later = bulk.by_keys_later(session, Device.__table__, _SYNC_COLUMNS,
                                         ("token_hash",), [(crypto.token_hash(token),)])
    found = found_later()
    if not found:
        raise unauthenticated()
    device, now = found[0], utcnow()
    seen = device.last_seen_at
    if seen is not None and seen.tzinfo is None:  # read raw on PostgreSQL: naive UTC
        seen = seen.replace(tzinfo=UTC)
    if _seen_now(device.revoked_at, seen, now, device.revoked_reason):
        session.execute(_TOUCH, {"device_id": device.id, "now": now})
    return SyncDevice(device.id, device.team_id, device.scope_seen)


def record_scope_seen(session: Session, device: SyncDevice | Device, version: int) -> None:
    session.execute(_SCOPE_SEEN, {"device_id": device.id, "version": version})
    device.scope_seen = version


# Core statements, built once: as ORM updates through the session each also worked out
# which loaded objects to change; one per device was 6% of the server's time under load.
_DEVICES = Device.__table__
_TOUCH = (update(_DEVICES).where(_DEVICES.c.id == bindparam("device_id"))
          .values(last_seen_at=bindparam("now")))
_SCOPE_SEEN = (update(_DEVICES).where(_DEVICES.c.id == bindparam("device_id"))
               .values(scope_seen=bindparam("version")))


def caller_for_sign_in(session: Session, token: str | None) -> Caller:
    """The device token, or the device's sign-in key: kept outside the laptop's encrypted
    store so a worker new to it can sign in, and good for nothing but sign-in."""
    if not token:
        raise unauthenticated()
    hashed = crypto.token_hash(token)
    device = session.scalar(select(Device).where(Device.token_hash == hashed))
    if device is not None:
        return Caller(device=_usable(device))
    device = session.scalar(select(Device).where(Device.sign_in_key_hash == hashed))
    return Caller(device=_usable(device), by_sign_in_key=True)


def _usable(device: Device | None) -> Device:
    if device is None:
        raise unauthenticated()
    now = utcnow()
    if _seen_now(device.revoked_at, device.last_seen_at, now, device.revoked_reason):
        device.last_seen_at = now
    return device


def _seen_now(revoked_at: datetime | None, last_seen_at: datetime | None,
              now: datetime, revoked_reason: str | None = None) -> bool:
    """Refuse a revoked device (saying when and why); True when its last contact is due
    to be written."""
    if revoked_at is not None:
        raise device_revoked(revoked_at, revoked_reason)
    return last_seen_at is None or now - last_seen_at > _LAST_SEEN_GRANULARITY


def revoked_device_for_token(session: Session, token: str | None) -> Device:
    """The caller of the one endpoint a revoked device may still use (its wipe report):
    its device token, and the device revoked. A device still in service is refused: it
    has nothing to report, and a stolen token must not mark a laptop wiped that is not."""
    if not token:
        raise unauthenticated()
    device = session.scalar(_BY_TOKEN, {"token_hash": crypto.token_hash(token)})
    if device is None:
        raise unauthenticated()
    if device.revoked_at is None:
        raise Refused(409, p.ERR_CONFLICT, "this device is not revoked: nothing to report")
    return device


SIGN_IN_KEY_FAILURES = 10  # wrong passwords through one laptop's sign-in key, per day


def sign_in_key_failed(session: Session, device: Device, *, now: float) -> None:
    """A wrong password came through the sign-in key. The key sits in a file on the laptop:
    with the laptop stolen, it lets a thief guess colleagues' passwords from any address.
    After SIGN_IN_KEY_FAILURES in a day the key is withdrawn and the team lead told; the
    laptop gets a new one at its next sync by someone who has used it before."""
    count, _ = counts.hit(session, f"sign-in-key:{device.id}", window_s=86_400, now=now)
    if count < SIGN_IN_KEY_FAILURES or device.sign_in_key_hash is None:
        return
    device.sign_in_key_hash = None
    event = audit.record(session, "device.sign_in_key_withdrawn", actor=f"device:{device.id}",
                         device_id=device.id, failures=count)
    audit.notify_team(session, {device.team_id}, event, kind="sign_in_key_withdrawn",
                      text=f"Laptop '{device.name}': {count} wrong passwords today from "
                      "colleagues new to it; new colleagues cannot sign in there until "
                      "someone who has used it syncs. If the laptop is missing, revoke it.")


def new_sign_in_key(device: Device) -> str:
    """A fresh sign-in key for `device`; any earlier one stops working."""
    key = crypto.new_token()
    device.sign_in_key_hash = crypto.token_hash(key)
    return key


def worker_for_session(session: Session, device: Device, token: str) -> Worker:
    row = session.get(WorkerSession, crypto.token_hash(token))
    if row is None or row.device_id != device.id or row.expires_at <= utcnow():
        raise Refused(401, p.ERR_SESSION_REQUIRED, "the session is unknown or expired")
    worker = session.get_one(Worker, row.worker_id)
    _check_worker_may_use(worker, device)
    return worker


def _check_worker_may_use(worker: Worker, device: Device) -> None:
    if worker.disabled_at is not None:
        raise Refused(403, p.ERR_WORKER_DISABLED, "this worker account is disabled")
    if worker.team_id != device.team_id:
        raise Refused(403, p.ERR_WRONG_TEAM, "this device belongs to another team")


@dataclass(frozen=True)
class SignedIn:
    worker: Worker
    token: str
    expires_at_iso: str


def sign_in(
    session: Session,
    hasher: PasswordHasher,
    device: Device,
    *,
    username: str,
    password: str,
    session_hours: int,
) -> SignedIn:
    """Check a worker's password for first sign-in on `device`; open a session.

    Unknown username, wrong password and a worker of another team get one answer (401
    invalid_credentials, same message, same Argon2 work): a different answer for the
    wrong team would tell a guesser the password was right. The audit event keeps the
    real reason. Each counts against the account (services/account_limits)."""
    username = normal_username(username)
    account_limits.refuse_if_locked(session, username)
    worker = session.scalar(select(Worker).where(Worker.username == username))
    if worker is None:
        hasher.hash(password)  # spend the same time as a real check: no username oracle
    if worker is None or not crypto.verify_password(hasher, worker.password_hash, password):
        _refuse_credentials(session, username, worker, device, "worker.sign_in_failed")
    assert worker is not None  # for the type checker: _refuse_credentials raised otherwise
    if worker.team_id != device.team_id:
        _refuse_credentials(session, username, worker, device, "worker.sign_in_refused",
                            error=p.ERR_WRONG_TEAM)
    try:
        _check_worker_may_use(worker, device)
    except Refused as refusal:
        audit.record(session, "worker.sign_in_refused", actor=f"device:{device.id}",
                     device_id=device.id, worker_id=worker.id, error=refusal.error)
        refusal.keep_writes = True
        raise
    if hasher.check_needs_rehash(worker.password_hash):
        worker.password_hash = hasher.hash(password)  # Argon2 cost raised since it was set
    return _open_session(session, worker, device, session_hours)


def _refuse_credentials(session: Session, username: str, worker: Worker | None, device: Device,
                        action: str, **detail: str) -> NoReturn:
    audit.record(session, action, actor=f"device:{device.id}", device_id=device.id,
                 worker_id=worker.id if worker else None, **detail)
    account_limits.password_failed(session, username, worker, device)
    raise Refused(401, p.ERR_INVALID_CREDENTIALS, "unknown username or wrong password",
                  keep_writes=True)


def confirm_password(session: Session, hasher: PasswordHasher, worker: Worker, device: Device,
                     password: str) -> None:
    """A signed-in worker types their password again before an action that must never be
    one click away (break-glass). A wrong one counts against the account like a wrong
    sign-in, so a stolen session cannot be used to guess the password."""
    account_limits.refuse_if_locked(session, worker.username)
    if not crypto.verify_password(hasher, worker.password_hash, password):
        _refuse_credentials(session, worker.username, worker, device,
                            "worker.password_confirmation_failed")


_ROLE_REFUSALS = {
    "admin": "IT accounts cannot enrol a laptop: use a worker's account",
    "partner_readonly": "partner (read-only) accounts cannot enrol a laptop: use the "
                        "account of a worker of the team the code is for",
}


def check_enrolling_worker(session: Session, hasher: PasswordHasher, team: Team, *,
                           username: str, password: str) -> Worker:
    """The worker who enrols a laptop for `team` (the code's), checked before the code is
    spent or the device made: the password, the account on, the role, the team. Each
    refusal is audited and committed (nothing else has been written yet), and says why:
    unlike a sign-in, the caller holds a valid one-time code from IT, so naming the wrong
    team or role tells a guesser nothing they could not ask IT."""
    username = normal_username(username)
    account_limits.refuse_if_locked(session, username)
    worker = session.scalar(select(Worker).where(Worker.username == username))
    if worker is None:
        hasher.hash(password)  # same time as a real check: no username oracle
    if worker is None or not crypto.verify_password(hasher, worker.password_hash, password):
        _refuse_enrolment(session, worker, "wrong_password")
        account_limits.password_failed(session, username, worker, None)
        raise Refused(401, p.ERR_INVALID_CREDENTIALS, "wrong username or password",
                      keep_writes=True)
    if worker.disabled_at is not None:
        _refuse_enrolment(session, worker, p.ERR_WORKER_DISABLED)
        raise Refused(403, p.ERR_WORKER_DISABLED, "that account is switched off: ask IT",
                      keep_writes=True)
    if worker.role not in LAPTOP_ROLES:
        _refuse_enrolment(session, worker, p.ERR_FORBIDDEN_ROLE)
        raise Refused(403, p.ERR_FORBIDDEN_ROLE, _ROLE_REFUSALS.get(
            worker.role, f"a {worker.role} cannot enrol a laptop"), keep_writes=True)
    if worker.team_id != team.id:
        _refuse_enrolment(session, worker, p.ERR_WRONG_TEAM)
        raise Refused(403, p.ERR_WRONG_TEAM, "that account is not in the team this code is "
                      f"for ({team.name}): use the account of one of its workers, or ask IT "
                      "for a code for your own team", keep_writes=True)
    return worker


def _refuse_enrolment(session: Session, worker: Worker | None, why: str) -> None:
    audit.record(session, "device.enrol_refused", actor="enrolment",
                 worker_id=worker.id if worker else None, error=why)


def sign_in_enrolled(session: Session, hasher: PasswordHasher, worker: Worker, device: Device,
                     *, password: str, session_hours: int) -> SignedIn:
    """The session for the worker `check_enrolling_worker` passed, on the new device."""
    if hasher.check_needs_rehash(worker.password_hash):
        worker.password_hash = hasher.hash(password)
    return _open_session(session, worker, device, session_hours)


def _open_session(session: Session, worker: Worker, device: Device, hours: int) -> SignedIn:
    token = crypto.new_token()
    expires = utcnow() + timedelta(hours=hours)
    session.add(
        WorkerSession(
            token_hash=crypto.token_hash(token),
            worker_id=worker.id,
            device_id=device.id,
            expires_at=expires,
        )
    )
    audit.record(
        session,
        "worker.signed_in",
        actor=f"worker:{worker.id}",
        worker_id=worker.id,
        device_id=device.id,
    )
    return SignedIn(worker=worker, token=token, expires_at_iso=expires.isoformat())


def worker_info(worker: Worker) -> p.WorkerInfo:
    return {
        "worker_id": worker.id,
        "username": worker.username,
        "display_name": worker.display_name,
        "role": worker.role,  # type: ignore[typeddict-item]
        "team_id": worker.team_id,
        "partner_agency": worker.partner_agency,  # type: ignore[typeddict-item]
    }

