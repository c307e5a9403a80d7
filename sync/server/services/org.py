"""Teams, workers, enrolment codes and devices: what the admin CLI and enrolment do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import crypto
from sync.server.errors import Refused, not_found
from sync.server.models import Device, EnrolmentCode, Team, Worker, utcnow
from sync.server.services import audit, passwords


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
    worker = session.scalar(select(Worker).where(Worker.username == username))
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


@dataclass(frozen=True)
class Enrolled:
    device: Device
    team: Team
    token: str


def enrol_device(session: Session, *, code: str, device_name: str) -> Enrolled:
    row = session.scalar(
        select(EnrolmentCode).where(
            EnrolmentCode.code_hash == crypto.token_hash(crypto.normalise_code(code))
        )
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        # One message for unknown, used and expired codes: no oracle for guessers.
        raise Refused(401, p.ERR_BAD_ENROLMENT_CODE, "the enrolment code is unknown or spent")
    token = crypto.new_token()
    device = Device(team_id=row.team_id, name=device_name, token_hash=crypto.token_hash(token))
    session.add(device)
    session.flush()
    _spend_code(session, row, device)
    audit.record(session, "device.enrolled", actor=f"device:{device.id}", device_id=device.id)
    return Enrolled(device=device, team=session.get_one(Team, row.team_id), token=token)


def _spend_code(session: Session, row: EnrolmentCode, device: Device) -> None:
    # Conditional UPDATE: of two processes racing on one code, exactly one wins.
    spent = session.execute(
        update(EnrolmentCode)
        .where(EnrolmentCode.id == row.id, EnrolmentCode.used_at.is_(None))
        .values(used_at=utcnow(), used_by_device_id=device.id)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise Refused(401, p.ERR_BAD_ENROLMENT_CODE, "the enrolment code is unknown or spent")


def list_devices(session: Session, *, team: Team | None = None) -> list[tuple[Device, Team]]:
    query = select(Device, Team).join(Team, Device.team_id == Team.id)
    if team is not None:
        query = query.where(Device.team_id == team.id)
    return [(d, t) for d, t in session.execute(query.order_by(Team.name, Device.enrolled_at))]


def revoke_device(session: Session, device_id: str, *, reason: str, actor: str) -> Device:
    device = session.get(Device, device_id)
    if device is None:
        raise not_found(f"device {device_id}")
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        device.revoked_reason = reason[:200]
        audit.record(session, "device.revoked", actor=actor, device_id=device.id, reason=reason)
    return device
