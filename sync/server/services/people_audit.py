"""People first recorded on laptops, in the audit trail.

A person made through the API is audited as it is made. One first recorded on a laptop
arrives by sync, and the push that brings it must not wait on the audit chain (a chained
event per push held the chain's lock across a round trip, and with a hundred laptops
pushing at once they queued on it). So the push writes only its ledger row, and
`person.created` is written from the ledger in a transaction of its own: before every
admin command reads the audit trail, and by whatever else asks (the web console, later).
The event says it came by sync and when the row was pushed; the worker is the one whose
credential the push carried, never the laptop's word.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sync.server.models import AuditEvent, SyncChange
from sync.server.services import audit, canonical, registry

_TAKEN = ("applied", "merged")  # a refused or repeated push made nobody
# '"status":"applied"' as the ledger's compact JSON writes it.
_TAKEN_TEXT = {s: canonical.text({"status": s})[1:-1] for s in _TAKEN}


def record_pushed_people(session: Session, limit: int = 1_000) -> int:
    """`person.created` for each person whose row arrived by sync and has none yet;
    returns how many. Idempotent, and safe in several processes at once: the chain's
    lock is taken before looking, so two callers cannot both record one person."""
    audit.lock_chain(session)
    firsts = _first_pushes(session, limit)
    for person_id, (worker_id, device_id, pushed_at) in firsts.items():
        registry.audit_created(
            session, actor=f"worker:{worker_id}" if worker_id else f"device:{device_id}",
            worker_id=worker_id, device_id=device_id, person_id=person_id,
            via="sync", pushed_at=pushed_at.isoformat(timespec="seconds"))
    return len(firsts)


def _first_pushes(session: Session, limit: int
                  ) -> dict[str, tuple[str | None, str, datetime]]:
    recorded = select(AuditEvent.person_id).where(AuditEvent.action == "person.created",
                                                  AuditEvent.person_id.is_not(None))
    rows = session.execute(
        select(SyncChange.person_id, SyncChange.worker_id, SyncChange.device_id,
               SyncChange.received_at, SyncChange.result_json)
        .where(SyncChange.table_name == "people", SyncChange.row_id == SyncChange.person_id,
               SyncChange.person_id.not_in(recorded),
               # In SQL, not after the limit: refused rows never get an event, and left
               # to the loop they would fill every chunk ahead of the people to record.
               or_(*(SyncChange.result_json.contains(_TAKEN_TEXT[s]) for s in _TAKEN)))
        .order_by(SyncChange.received_at).limit(limit))
    firsts: dict[str, tuple[str | None, str, datetime]] = {}
    for person_id, worker_id, device_id, at, result in rows:
        if person_id and json.loads(result).get("status") in _TAKEN:
            firsts.setdefault(person_id, (worker_id, device_id, at))
    return firsts
