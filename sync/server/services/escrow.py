"""Store-key escrow: a device's key sealed under the master key, and its recovery."""

from __future__ import annotations

from typing import NoReturn

from cryptography.exceptions import InvalidTag
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import crypto
from sync.server.errors import Refused, not_found
from sync.server.models import Device, KeyEscrow, Worker, utcnow
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
