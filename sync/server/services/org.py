"""Teams, workers, enrolment codes and devices: what the admin CLI and enrolment do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import crypto
from sync.server.errors import Refused, not_found
from sync.server.models import Device, EnrolmentCode, Team, Worker, utcnow
from sync.server.services import audit, passwords


def normal_username(username: str) -> str:
    """Usernames are one case: `Ann` and `ann` are the same account (migration 0014)."""
    return username.strip().lower()


def create_team(session: Session, *, name: str, agency: str, actor: str) -> Team:
    if agency not in p.AGENCIES:
        raise Refused(422, p.ERR_INVALID_REQUEST, f"agency must be one of {p.AGENCIES}")
    if session.scalar(select(Team).where(Team.name == name)):
        raise Refused(409, p.ERR_CONFLICT, f"a team called {name!r} exists already")
    team = Team(name=name, agency=agency)
    session.add(team)
    session.flush()
    audit.record(session, "team.created", actor=actor, team_id=team.id, name=name)
    return team


def team_by_name(session: Session, name: str) -> Team:
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        raise not_found(f"team {name!r}")
    return team


def create_worker(
    session: Session,
    hasher: PasswordHasher,
    *,
    username: str,
    display_name: str,
    role: str,
    password: str,
    team: Team | None,
    partner_agency: str | None = None,
    actor: str,
) -> Worker:
    _check_worker_shape(role=role, team=team, partner_agency=partner_agency)
    username = normal_username(username)
    passwords.check(password, username=username, display_name=display_name)
    if session.scalar(select(Worker).where(Worker.username == username)):
        raise Refused(409, p.ERR_CONFLICT, f"username {username!r} is taken")
    worker = Worker(
        username=username,
        display_name=display_name,
        role=role,
        team_id=team.id if team else None,
        partner_agency=partner_agency,
        password_hash=hasher.hash(password),
    )
    session.add(worker)
    session.flush()
    audit.record(session, "worker.created", actor=actor, worker_id=worker.id, role=role)
    return worker


def _check_worker_shape(*, role: str, team: Team | None, partner_agency: str | None) -> None:
    if role not in p.ROLES:
        raise Refused(422, p.ERR_INVALID_REQUEST, f"role must be one of {p.ROLES}")
    if role != "admin" and team is None:
        raise Refused(422, p.ERR_INVALID_REQUEST, f"a {role} must belong to a team")
    if (role == "partner_readonly") != (partner_agency is not None):
        raise Refused(422, p.ERR_INVALID_REQUEST, "partner_agency goes with partner_readonly")
    if partner_agency is not None and partner_agency not in p.AGENCIES:
        raise Refused(422, p.ERR_INVALID_REQUEST, f"partner_agency must be one of {p.AGENCIES}")


def worker_by_username(session: Session, username: str) -> Worker:
    worker = session.scalar(select(Worker).where(Worker.username == normal_username(username)))
    if worker is None:
        raise not_found(f"worker {username!r}")
    return worker


def set_disabled(session: Session, worker: Worker, *, disabled: bool, actor: str) -> None:
    """Disabling also ends every session the worker holds, on every device."""
    worker.disabled_at = utcnow() if disabled else None
    action = "worker.disabled" if disabled else "worker.enabled"
    audit.record(session, action, actor=actor, worker_id=worker.id)


def set_password(
    session: Session, hasher: PasswordHasher, worker: Worker, password: str, *, actor: str
) -> None:
    passwords.check(password, username=worker.username, display_name=worker.display_name)
    worker.password_hash = hasher.hash(password)
    audit.record(session, "worker.password_set", actor=actor, worker_id=worker.id)


def issue_enrolment_code(session: Session, team: Team, *, hours: int, actor: str) -> str:
    """Returns the code itself, which is shown once; only its hash is stored."""
    if hours <= 0:  # a code dead on arrival, then refused as "unknown or spent"
        raise Refused(422, p.ERR_INVALID_REQUEST,
                      f"a code must be valid for at least 1 hour, not {hours}")
    code = crypto.new_enrolment_code()
    row = EnrolmentCode(
        team_id=team.id,
        code_hash=crypto.token_hash(crypto.normalise_code(code)),
        expires_at=utcnow() + timedelta(hours=hours),
    )
    session.add(row)
    session.flush()
    audit.record(session, "enrolment_code.issued", actor=actor, team_id=team.id, code_id=row.id)
    return code


def code_state(row: EnrolmentCode) -> str:
    """'usable', 'spent', 'cancelled' or 'expired', in that order of precedence."""
    if row.used_at is not None:
        return "spent"
    if row.cancelled_at is not None:
        return "cancelled"
    return "expired" if row.expires_at <= utcnow() else "usable"


_CODE_REFUSALS = {
    "spent": "the enrolment code has been used already: ask IT for a new one",
    "cancelled": "the enrolment code was cancelled by IT: ask IT for a new one",
    "expired": "the enrolment code has expired: ask IT for a new one",
}


def usable_code(session: Session, code: str) -> EnrolmentCode:
    """The code's row, if it can still enrol a laptop. An unknown code gets its own
    answer; a known one says why it is dead (telling a guesser that a code they could not
    use anyway existed gives them nothing, and tells a worker what to ask IT for)."""
    row = session.scalar(select(EnrolmentCode).where(
        EnrolmentCode.code_hash == crypto.token_hash(crypto.normalise_code(code))))
    if row is None:
        raise Refused(401, p.ERR_BAD_ENROLMENT_CODE,
                      "the enrolment code is unknown: check it with IT")
    state = code_state(row)
    if state != "usable":
        raise Refused(401, p.ERR_BAD_ENROLMENT_CODE, _CODE_REFUSALS[state])
    return row


@dataclass(frozen=True)
class Enrolled:
    device: Device
    team: Team
    token: str


def enrol_with_code(session: Session, row: EnrolmentCode, *, device_name: str,
                    worker: Worker | None = None) -> Enrolled:
    """Make the device and spend `row` (from `usable_code`), in the caller's transaction."""
    token = crypto.new_token()
    device = Device(team_id=row.team_id, name=device_name, token_hash=crypto.token_hash(token))
    session.add(device)
    session.flush()
    _spend_code(session, row, device)
    audit.record(session, "device.enrolled", actor=f"device:{device.id}", device_id=device.id,
                 worker_id=worker.id if worker else None, name=device_name)
    return Enrolled(device=device, team=session.get_one(Team, row.team_id), token=token)


def _spend_code(session: Session, row: EnrolmentCode, device: Device) -> None:
    # Conditional UPDATE: of two processes racing on one code, exactly one wins.
    spent = session.execute(
        update(EnrolmentCode)
        .where(EnrolmentCode.id == row.id, EnrolmentCode.used_at.is_(None),
               EnrolmentCode.cancelled_at.is_(None))
        .values(used_at=utcnow(), used_by_device_id=device.id)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise Refused(401, p.ERR_BAD_ENROLMENT_CODE, _CODE_REFUSALS["spent"])


def list_codes(session: Session, *, team: Team | None = None,
               include_dead: bool = False) -> list[tuple[EnrolmentCode, Team]]:
    """Codes with their team, newest first; only usable ones unless `include_dead`."""
    query = select(EnrolmentCode, Team).join(Team, EnrolmentCode.team_id == Team.id)
    if team is not None:
        query = query.where(EnrolmentCode.team_id == team.id)
    rows = session.execute(query.order_by(EnrolmentCode.created_at.desc())).all()
    return [(c, t) for c, t in rows if include_dead or code_state(c) == "usable"]


def cancel_code(session: Session, *, code_id: str | None = None, code: str | None = None,
                actor: str) -> EnrolmentCode:
    """By its id (list-codes shows it) or the code itself; a spent one stays spent."""
    if code is not None:
        code_id = session.scalar(select(EnrolmentCode.id).where(
            EnrolmentCode.code_hash == crypto.token_hash(crypto.normalise_code(code))))
    row = session.get(EnrolmentCode, code_id) if code_id else None
    if row is None:
        raise not_found("enrolment code")
    if code_state(row) == "spent":
        raise Refused(409, p.ERR_CONFLICT, "that code has been used already: revoke the "
                      "device it enrolled instead (list-devices)")
    if row.cancelled_at is None:
        row.cancelled_at = utcnow()
        audit.record(session, "enrolment_code.cancelled", actor=actor, team_id=row.team_id,
                     code_id=row.id)
    return row


def list_devices(session: Session, *, team: Team | None = None) -> list[tuple[Device, Team]]:
    query = select(Device, Team).join(Team, Device.team_id == Team.id)
    if team is not None:
        query = query.where(Device.team_id == team.id)
    return [(d, t) for d, t in session.execute(query.order_by(Team.name, Device.enrolled_at))]


def device_by_id(session: Session, device_id: str) -> Device:
    device = session.get(Device, device_id)
    if device is None:
        raise not_found(f"device {device_id}")
    return device


def revoke_device(session: Session, device_id: str, *, reason: str, actor: str) -> Device:
    device = device_by_id(session, device_id)
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        device.revoked_reason = reason[:200]
        audit.record(session, "device.revoked", actor=actor, device_id=device.id, reason=reason)
    return device


def record_wiped(session: Session, device: Device) -> datetime:
    """A revoked device reports that it destroyed its keys; returns when that was first
    reported. A repeat (the laptop retrying after a lost reply) changes nothing."""
    now = utcnow()
    device.last_seen_at = now
    if device.wiped_at is None:
        device.wiped_at = now
        audit.record(session, "device.wiped", actor=f"device:{device.id}", device_id=device.id)
    return device.wiped_at


def device_status(device: Device) -> str:
    """What list-devices says of a device: active, revoked, or revoked and wiped."""
    if device.revoked_at is None:
        return "active"
    revoked = f"revoked {device.revoked_at:%Y-%m-%d %H:%M}"
    if device.wiped_at is None:
        return f"{revoked}, not yet wiped"
    return f"{revoked}, wiped {device.wiped_at:%Y-%m-%d %H:%M}"
