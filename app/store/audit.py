"""The local audit trail: append-only, each entry chained to the one before by SHA-256.

Triggers stop ordinary updates and deletes. Someone who drops the triggers and edits
rows directly is caught by `verify`: an altered entry no longer matches its hash, a
removed one breaks the chain, and a removed tail no longer matches the head kept in
device_meta (written in the same transaction as every append).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.audit import AuditAction
from app.store.models import AuditEvent, DeviceMeta

GENESIS = "0" * 64
_HEAD_KEY = "audit_head"


@dataclass(frozen=True)
class AuditVerification:
    entries_checked: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _entry_hash(event: AuditEvent) -> str:
    canonical = json.dumps(
        [event.seq, event.at_utc, event.hlc, event.device_id, event.worker_id, event.action,
         event.record_type, event.record_id, event.detail, event.prev_hash],
        separators=(",", ":"), ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _head(session: Session) -> tuple[int, str]:
    row = session.get(DeviceMeta, _HEAD_KEY)
    if row is None:
        return 0, GENESIS
    seq, digest = row.value.split(":", 1)
    return int(seq), digest


def append(
    session: Session, *, action: AuditAction, device_id: str, hlc: str,
    worker_id: str | None = None, record_type: str | None = None, record_id: str | None = None,
    detail: dict[str, object] | None = None,
) -> AuditEvent:
    """Add one entry in the caller's transaction (the caller commits)."""
    last_seq, last_hash = _head(session)
    event = AuditEvent(
        seq=last_seq + 1, at_utc=datetime.now(UTC).isoformat(timespec="milliseconds"), hlc=hlc,
        device_id=device_id, worker_id=worker_id, action=str(action), record_type=record_type,
        record_id=record_id, detail=json.dumps(detail or {}, sort_keys=True), prev_hash=last_hash,
    )
    event.entry_hash = _entry_hash(event)
    session.add(event)
    session.merge(DeviceMeta(key=_HEAD_KEY, value=f"{event.seq}:{event.entry_hash}"))
    return event


def verify(session: Session) -> AuditVerification:
    """Walk the chain from the start; report every break found."""
    problems: list[str] = []
    expected_prev, expected_seq, count = GENESIS, 1, 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)):
        count += 1
        if event.seq != expected_seq:
            problems.append(f"entries {expected_seq}..{event.seq - 1} are missing")
        if event.prev_hash != expected_prev:
            problems.append(f"entry {event.seq} does not follow the entry before it")
        if _entry_hash(event) != event.entry_hash:
            problems.append(f"entry {event.seq} was altered after it was written")
        expected_prev, expected_seq = event.entry_hash, event.seq + 1
    head_seq, head_hash = _head(session)
    if (head_seq, head_hash) != (expected_seq - 1, expected_prev):
        problems.append(f"the trail should end at entry {head_seq} but ends at {expected_seq - 1}")
    return AuditVerification(count, problems)
