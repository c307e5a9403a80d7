"""IT's account work the CLI also does (services/org), and what the console adds: a new
account and a reset start with a one-time code, so IT never chooses, types or knows a
worker's password; renaming a team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import crypto
from sync.server.errors import Refused, not_found
from sync.server.models import ConsolePasswordReset, Team, Worker, utcnow
from sync.server.services import account_limits, audit, org

RESET_HOURS = 72


@dataclass(frozen=True)
class NewAccount:
    worker: Worker
    code: str


def create_worker(session: Session, hasher: PasswordHasher, *, username: str,
                  display_name: str, role: str, team: Team | None, actor: str,
                  partner_agency: str | None = None) -> NewAccount:
    """The account starts with a random password nobody knows, and a one-time code for
    its owner to choose theirs (org.create_worker checks the rest, as for the CLI: a
    partner's account, read-only, names the partner's agency)."""
    worker = org.create_worker(session, hasher, username=username, display_name=display_name,
                               role=role, password=crypto.new_token(), team=team, actor=actor,
                               partner_agency=partner_agency)
    return NewAccount(worker, issue_reset_code(session, worker, actor=actor))


def issue_reset_code(session: Session, worker: Worker, *, actor: str) -> str:
    """Shown once; any earlier unused code of the worker stops working."""
    now = utcnow()
    session.execute(update(ConsolePasswordReset).where(
        ConsolePasswordReset.worker_id == worker.id, ConsolePasswordReset.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    code = crypto.new_enrolment_code()  # 100 bits: a fast hash is enough
    session.add(ConsolePasswordReset(code_hash=_hash(code), worker_id=worker.id,
                                     issued_by=actor[:80], created_at=now,
                                     expires_at=now + timedelta(hours=RESET_HOURS)))
    audit.record(session, "worker.password_reset_issued", actor=actor, worker_id=worker.id)
    return code


def _hash(code: str) -> str:
    return crypto.token_hash("password-reset:" + crypto.normalise_code(code))


def set_password_with_code(session: Session, hasher: PasswordHasher, *, username: str,
                           code: str, password: str) -> Worker:
    """The worker's own new password, checked against the policy (services/passwords) by
    org.set_password. A wrong code counts against the account like a wrong password."""
    username = org.normal_username(username)
    account_limits.refuse_if_locked(session, username)
    worker = session.scalar(select(Worker).where(Worker.username == username))
    row = session.get(ConsolePasswordReset, _hash(code))
    if worker is None or row is None or row.worker_id != worker.id or row.used_at is not None \
            or row.expires_at <= utcnow():
        audit.record(session, "worker.password_reset_refused", actor="console",
                     worker_id=worker.id if worker else None)
        account_limits.password_failed(session, username, worker, None,
                                       without_device=account_limits.CONSOLE)
        raise Refused(401, p.ERR_INVALID_CREDENTIALS, "That username and code do not go "
                      "together, or the code was used or has expired: ask IT for a new one.",
                      keep_writes=True)
    org.set_password(session, hasher, worker, password, actor=f"worker:{worker.id}")
    row.used_at = utcnow()
    return worker


def rename_team(session: Session, team_id: str, name: str, *, actor: str) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise not_found("team")
    name = name.strip()
    if not name or len(name) > 100:
        raise Refused(422, p.ERR_INVALID_REQUEST, "A team's name has 1 to 100 characters.")
    if name != team.name and session.scalar(select(Team.id).where(Team.name == name)):
        raise Refused(409, p.ERR_CONFLICT, f"A team called {name!r} exists already.")
    if name != team.name:
        audit.record(session, "team.renamed", actor=actor, team_id=team.id, old=team.name,
                     new=name)
        team.name = name
    return team
