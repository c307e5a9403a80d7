"""Each worker's sync credential for this laptop, kept in the encrypted store.

The server gives a worker one at sign-in and takes a pushed change's author from it
(sync/server/services/credentials.py); the laptop sends each change with its worker's.
"""

from __future__ import annotations

import json

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.store.models import Worker
from app.store.sync.models import OutboxEntry, SyncState

_PREFIX = "sync_credential:"


def keep(db: Session, worker_id: str, token: str) -> None:
    db.merge(SyncState(key=_PREFIX + worker_id, value=token))


def held(db: Session) -> dict[str, str]:
    """worker id -> credential."""
    rows = db.scalars(select(SyncState).where(SyncState.key.startswith(_PREFIX)))
    return {row.key.removeprefix(_PREFIX): row.value for row in rows}


def drop(db: Session, worker_ids: set[str]) -> None:
    """Forget these workers' credentials (the server no longer takes them)."""
    db.execute(delete(SyncState).where(
        SyncState.key.in_([_PREFIX + worker_id for worker_id in worker_ids])))


def forget(db: Session, worker_ids: set[str]) -> list[tuple[str, str]]:
    """Drop these workers' credentials; returns (id, username) of those known here."""
    drop(db, worker_ids)
    return [(row.id, row.username) for row in db.scalars(
        select(Worker).where(Worker.id.in_(sorted(worker_ids))))]


def set_aside_unsent(db: Session, worker_ids: set[str], reason: str) -> int:
    """Mark these workers' unsent changes refused here, with `reason`: kept and shown,
    never sent, and no longer holding back colleagues' changes for the same people."""
    pending = [entry.change_id for entry in db.scalars(
        select(OutboxEntry).where(OutboxEntry.state == "pending"))
        if json.loads(entry.payload).get("worker_id") in worker_ids]
    if pending:
        db.execute(update(OutboxEntry).where(OutboxEntry.change_id.in_(pending))
                   .values(state="refused", error=reason))
    return len(pending)
