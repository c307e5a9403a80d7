"""Setting up and checking a console user's TOTP second factor and recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import crypto
from sync.server.console import totp
from sync.server.errors import Refused
from sync.server.models import ConsoleRecoveryCode, ConsoleSession, ConsoleTotp, Worker, utcnow
from sync.server.services import account_limits, audit


def _context(worker: Worker) -> str:
    # Bound as associated data: a sealed secret copied onto another worker's row fails.
    return f"console-totp:{worker.id}"


def start_enrolment(session: Session, master_key: bytes, worker: Worker) -> bytes:
    """A new secret, kept unconfirmed until the user types a code from it. Refused for a
    worker who has one already (a stolen password must not replace the second factor)."""
    row = session.get(ConsoleTotp, worker.id)
    if row is not None and row.confirmed_at is not None:
        raise Refused(409, p.ERR_CONFLICT, "A second factor is set up already.")
    secret = totp.new_secret()
    nonce, sealed = crypto.seal(master_key, secret, context=_context(worker))
    if row is None:
        row = ConsoleTotp(worker_id=worker.id, nonce=nonce, ciphertext=sealed)
        session.add(row)
    row.nonce, row.ciphertext, row.last_step = nonce, sealed, None
    return secret


def _secret(master_key: bytes, row: ConsoleTotp, worker: Worker) -> bytes:
    return crypto.unseal(master_key, row.nonce, row.ciphertext, context=_context(worker))


def confirmed_at(session: Session, worker: Worker) -> datetime | None:
    """When the worker's second factor was set up; None while they have none."""
    row = session.get(ConsoleTotp, worker.id)
    return row.confirmed_at if row is not None else None


def pending_secret(session: Session, master_key: bytes, worker: Worker) -> bytes | None:
    row = session.get(ConsoleTotp, worker.id)
    if row is None or row.confirmed_at is not None:
        return None
    return _secret(master_key, row, worker)


def confirm_enrolment(session: Session, master_key: bytes, worker: Worker,
                      code: str) -> list[str]:
    """The first code proves the app holds the secret; returns the recovery codes (shown
    once, kept as hashes)."""
    row = session.get(ConsoleTotp, worker.id)
    if row is None or row.confirmed_at is not None:
        raise Refused(409, p.ERR_CONFLICT, "Start the set-up again.")
    step = totp.matching_step(_secret(master_key, row, worker), code, after=None)
    if step is None:
        raise Refused(401, p.ERR_INVALID_CREDENTIALS,
                      "That code does not match: check the phone's clock and try the next one.")
    row.confirmed_at, row.last_step = utcnow(), step
    codes = _replace_recovery_codes(session, worker)
    audit.record(session, "console.totp_enrolled", actor=f"worker:{worker.id}",
                 worker_id=worker.id, recovery_codes=len(codes))
    return codes


def _replace_recovery_codes(session: Session, worker: Worker) -> list[str]:
    session.execute(delete(ConsoleRecoveryCode).where(ConsoleRecoveryCode.worker_id == worker.id))
    codes = totp.new_recovery_codes()
    session.add_all(ConsoleRecoveryCode(code_hash=totp.recovery_hash(c), worker_id=worker.id)
                    for c in codes)
    return codes


def check(session: Session, master_key: bytes, worker: Worker, code: str) -> str:
    """A TOTP code or an unused recovery code; returns which one passed. A wrong one is
    audited (keep_writes) so repeated guessing shows in the audit trail."""
    account_limits.refuse_if_locked(session, worker.username)
    row = session.get(ConsoleTotp, worker.id)
    if row is not None and row.confirmed_at is not None:
        step = totp.matching_step(_secret(master_key, row, worker), code, after=row.last_step)
        if step is not None:
            row.last_step = step
            return "totp"
    if _spend_recovery_code(session, worker, code):
        audit.record(session, "console.recovery_code_used", actor=f"worker:{worker.id}",
                     worker_id=worker.id, left=recovery_codes_left(session, worker))
        return "recovery_code"
    audit.record(session, "console.second_factor_failed", actor=f"worker:{worker.id}",
                 worker_id=worker.id)
    # Counted like a wrong password: six digits must not be guessable at leisure.
    account_limits.password_failed(session, worker.username, worker, None,
                                   without_device=account_limits.CONSOLE)
    raise Refused(401, p.ERR_INVALID_CREDENTIALS, "That code is not right, or was used "
                  "already. Type the code your app shows now, or a recovery code.",
                  keep_writes=True)


def _spend_recovery_code(session: Session, worker: Worker, code: str) -> bool:
    # Conditional UPDATE: of two browsers racing with one code, exactly one passes.
    spent = session.execute(
        update(ConsoleRecoveryCode)
        .where(ConsoleRecoveryCode.code_hash == totp.recovery_hash(code),
               ConsoleRecoveryCode.worker_id == worker.id, ConsoleRecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))
    return spent.rowcount == 1  # type: ignore[attr-defined]


def recovery_codes_left(session: Session, worker: Worker) -> int:
    rows = session.scalars(select(ConsoleRecoveryCode.code_hash).where(
        ConsoleRecoveryCode.worker_id == worker.id, ConsoleRecoveryCode.used_at.is_(None)))
    return len(list(rows))


def reset(session: Session, worker: Worker, *, actor: str) -> None:
    """For a lost phone and lost recovery codes (admin reset-second-factor): the next
    sign-in sets up a new authenticator. The worker's console sessions end with it."""
    for model in (ConsoleTotp, ConsoleRecoveryCode, ConsoleSession):
        session.execute(delete(model).where(model.worker_id == worker.id))
    audit.record(session, "console.second_factor_reset", actor=actor, worker_id=worker.id)
