"""Store-key escrow: a device's key sealed under the master key, its recovery, and who
among the team may be given it on a laptop new to them (key release)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import NoReturn

from cryptography.exceptions import InvalidTag
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import crypto
from sync.server.errors import Refused, not_found
from sync.server.models import AuditEvent, Device, KeyEscrow, Worker, utcnow
from sync.server.models.org import KeyRelease
from sync.server.services import audit


def store(session: Session, master_key: bytes, device: Device, store_key: bytes) -> KeyEscrow:
    if len(store_key) != crypto.KEY_BYTES:
        raise Refused(422, p.ERR_INVALID_REQUEST, "store_key must be 32 bytes")
    nonce, sealed = crypto.seal(master_key, store_key, context=device.id)
    row = session.get(KeyEscrow, device.id)
    if row is None:
        row = KeyEscrow(device_id=device.id, nonce=nonce, ciphertext=sealed)
        session.add(row)
    else:  # the device re-keyed its store: the old key is of no further use
        row.nonce, row.ciphertext, row.stored_at = nonce, sealed, utcnow()
    audit.record(session, "escrow.stored", actor=f"device:{device.id}", device_id=device.id)
    return row


def read(session: Session, master_key: bytes, device_id: str) -> bytes | None:
    row = session.get(KeyEscrow, device_id)
    if row is None:
        return None
    try:
        return crypto.unseal(master_key, row.nonce, row.ciphertext, context=device_id)
    except InvalidTag:
        # Wrong master key, or a row moved between devices: refuse, never guess.
        raise Refused(409, p.ERR_NO_ESCROW, "the escrowed key cannot be opened") from None


def recover_for_worker(
    session: Session,
    master_key: bytes,
    lead: Worker,
    *,
    device_id: str,
    worker_id: str,
    reason: str,
) -> bytes:
    """A team lead takes a device's key so a worker who forgot a passphrase gets a new wrap."""
    if lead.role != "team_lead":
        raise Refused(403, p.ERR_FORBIDDEN_ROLE, "only a team lead can recover a key")
    device = session.get(Device, device_id)
    worker = session.get(Worker, worker_id)
    if device is None or worker is None:
        raise not_found("device or worker")
    if device.team_id != lead.team_id or worker.team_id != lead.team_id:
        raise Refused(403, p.ERR_WRONG_TEAM, "the device and the worker must be in your team")
    if device.revoked_at is not None:
        _refuse_revoked(session, lead, device, worker)
    key = read(session, master_key, device.id)
    if key is None:
        raise Refused(404, p.ERR_NO_ESCROW, "this device has not escrowed its key")
    event = audit.record(
        session,
        "escrow.recovered",
        actor=f"worker:{lead.id}",
        worker_id=lead.id,
        device_id=device.id,
        for_worker_id=worker.id,
        reason=reason,
    )
    audit.notify_team(
        session,
        {lead.team_id or ""},
        event,
        kind="key_recovered",
        text=f"key of device {device.name} recovered for {worker.username}: {reason}",
    )
    return key


def _refuse_revoked(session: Session, lead: Worker, device: Device, worker: Worker) -> NoReturn:
    """A revoked laptop is lost, stolen or retired: its key would open a copy of its store
    that nobody should be reading any more, so it is never handed out (and the attempt is
    kept in the audit log: the refusal commits it)."""
    audit.record(session, "escrow.recovery_refused", actor=f"worker:{lead.id}",
                 worker_id=lead.id, device_id=device.id, for_worker_id=worker.id,
                 refused="device_revoked")
    revoked_on = device.revoked_at.date().isoformat() if device.revoked_at else "?"
    raise Refused(
        409, p.ERR_CONFLICT,
        f"laptop '{device.name}' was revoked on {revoked_on}, so its key cannot be "
        "recovered; enrol a new laptop for the worker and let it sync their records",
        keep_writes=True)


def tell_lead_of_new_worker(session: Session, device: Device, worker: Worker) -> None:
    """A worker new to a laptop was given its store key: with the laptop and one
    teammate's password, anyone could be, so the team lead hears of every one, and
    can revoke the laptop and reset the password if it was not that worker."""
    event = audit.record(session, "escrow.released_to_new_worker",
                         actor=f"worker:{worker.id}", worker_id=worker.id, device_id=device.id)
    audit.notify_team(session, {device.team_id}, event, kind="new_worker_on_laptop",
                      text=f"{worker.display_name} signed in on laptop '{device.name}' for "
                      "the first time and was given its key. If that was not them, revoke "
                      "the laptop and set them a new password.")


# -- key release: a worker new to a laptop, under the server policy `approval` -----------

PENDING = ("This laptop is new to you: your team lead has been asked to approve it for "
           "you. Sign in again once they have.")
REFUSED = ("Your team lead has not approved this laptop for you. Ask them, or use a laptop "
           "you have used before.")


def release_state(session: Session, device_id: str, worker_id: str) -> str | None:
    """'approved', 'pending', 'refused', or None: never asked, never approved."""
    row = session.get(KeyRelease, (device_id, worker_id))
    return row.state if row else None


def approve_user(session: Session, device: Device, worker: Worker, *, how: str) -> None:
    """The worker who enrolled the laptop, or who signs in with its device token (which
    only its users hold: it lives in the encrypted store), is approved for it unasked."""
    row = session.get(KeyRelease, (device.id, worker.id))
    if row is not None and row.state == "approved":
        return
    if row is None:
        row = KeyRelease(device_id=device.id, worker_id=worker.id)
        session.add(row)
    row.state, row.decided_at, row.decided_by = "approved", utcnow(), how
    audit.record(session, "key_release.approved", actor=f"worker:{worker.id}",
                 worker_id=worker.id, device_id=device.id, for_worker_id=worker.id, by=how)


def withhold(session: Session, device: Device, worker: Worker, state: str | None) -> NoReturn:
    """Refuse the key to a worker whose password was right but who is not approved for
    this laptop. The first time, ask their team lead; after that, say where it stands.
    Audited, and committed with the refusal (nothing else of the sign-in is kept)."""
    if state is None and _asked(session, device, worker):
        event = audit.record(session, "key_release.requested", actor=f"worker:{worker.id}",
                             worker_id=worker.id, device_id=device.id)
        audit.notify_team(
            session, {device.team_id}, event, kind="key_release_requested",
            text=f"{worker.display_name} ({worker.username}) asks to open laptop "
            f"'{device.name}', which they have not used before. Approve it for them if they "
            "really are at that laptop; if not, refuse it and revoke the laptop.")
        state = "pending"
    else:
        state = state or "pending"  # a second attempt at the same moment asked first
        audit.record(session, "key_release.withheld", actor=f"worker:{worker.id}",
                     worker_id=worker.id, device_id=device.id, state=state)
    if state == "refused":
        raise Refused(403, p.ERR_KEY_RELEASE_REFUSED, REFUSED, keep_writes=True)
    raise Refused(403, p.ERR_KEY_RELEASE_PENDING, PENDING, keep_writes=True)


def _asked(session: Session, device: Device, worker: Worker) -> bool:
    """Record the request; False if another attempt of the same worker got there first."""
    try:
        with session.begin_nested():
            session.add(KeyRelease(device_id=device.id, worker_id=worker.id, state="pending",
                                   requested_at=utcnow()))
    except IntegrityError:
        return False
    return True


def decide(session: Session, *, device_id: str, worker_id: str, approve: bool, actor: str,
           lead: Worker | None = None, ahead: bool = True) -> KeyRelease:
    """A team lead (`lead`) or IT (`actor` cli:…) approves or refuses a worker for a
    laptop. `ahead`: also when the worker has not asked yet (else only a request)."""
    device, worker = session.get(Device, device_id), session.get(Worker, worker_id)
    if device is None or worker is None:
        raise not_found("device or worker")
    _check_decider(lead, device, worker)
    row = session.get(KeyRelease, (device.id, worker.id))
    if row is None and not ahead:
        raise not_found(f"a request from {worker.username} for laptop '{device.name}'")
    if row is None:
        row = KeyRelease(device_id=device.id, worker_id=worker.id)
        session.add(row)
    row.state, row.decided_at, row.decided_by = (
        "approved" if approve else "refused"), utcnow(), actor
    event = audit.record(session, f"key_release.{row.state}", actor=actor,
                         worker_id=lead.id if lead else worker.id, device_id=device.id,
                         for_worker_id=worker.id, asked=row.requested_at is not None)
    if lead is None:  # IT decided: the lead hears of it
        audit.notify_team(session, {device.team_id}, event, kind=f"key_release_{row.state}",
                          text=f"IT {row.state} laptop '{device.name}' for "
                          f"{worker.display_name} ({worker.username}).")
    return row


def _check_decider(lead: Worker | None, device: Device, worker: Worker) -> None:
    if lead is not None and lead.role != "team_lead":
        raise Refused(403, p.ERR_FORBIDDEN_ROLE, "only a team lead can approve a laptop")
    if lead is not None and lead.id == worker.id:
        # A lead's own password on a stolen laptop must not be able to open it.
        raise Refused(403, p.ERR_FORBIDDEN_ROLE, "a team lead cannot approve a laptop for "
                      "themselves: another team lead or IT decides")
    team = lead.team_id if lead is not None else device.team_id
    if device.team_id != team or worker.team_id != team:
        raise Refused(403, p.ERR_WRONG_TEAM, "the laptop and the worker must be in "
                      + ("your team" if lead is not None else "the same team"))
    if device.revoked_at is not None:
        raise Refused(409, p.ERR_CONFLICT, f"laptop '{device.name}' is revoked: nobody "
                      "can be given its key")


def releases(session: Session, *, team_id: str | None = None, pending_only: bool = True
             ) -> list[tuple[KeyRelease, Device, Worker]]:
    """Requests (and, not `pending_only`, every decision), oldest request first."""
    query = (select(KeyRelease, Device, Worker)
             .join(Device, Device.id == KeyRelease.device_id)
             .join(Worker, Worker.id == KeyRelease.worker_id))
    if team_id is not None:
        query = query.where(Device.team_id == team_id)
    if pending_only:
        query = query.where(KeyRelease.state == "pending")
    rows = session.execute(query.order_by(KeyRelease.requested_at, Device.name,
                                          Worker.username)).tuples()
    return list(rows)


_POLICY_EVENT = "server.key_release_policy"


def recorded_policy(session: Session) -> tuple[str, datetime] | None:
    """The key release policy the server last started with, and since when; None if no
    server of this version has started on this database yet."""
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == _POLICY_EVENT)
                           .order_by(AuditEvent.id.desc()).limit(1))
    if event is None:
        return None
    return str(json.loads(event.detail).get("policy")), event.at


def record_policy(session: Session, policy: str, *, actor: str) -> bool:
    """Audit the policy a server starts with, if it is not the one in force: True if so."""
    known = recorded_policy(session)
    if known is not None and known[0] == policy:
        return False
    audit.record(session, _POLICY_EVENT, actor=actor, policy=policy,
                 was=known[0] if known else None)
    return True
