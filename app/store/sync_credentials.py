"""Each worker's sync credential for this laptop, kept in the encrypted store.

The server gives a worker one at sign-in and takes a pushed change's author from it
(sync/server/services/credentials.py); the laptop sends each change with its worker's.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.store.models import Worker
from app.store.sync_models import SyncState

_PREFIX = "sync_credential:"


def keep(db: Session, worker_id: str, token: str) -> None:
    db.merge(SyncState(key=_PREFIX + worker_id, value=token))


def held(db: Session) -> dict[str, str]:
    """worker id -> credential."""
    rows = db.scalars(select(SyncState).where(SyncState.key.startswith(_PREFIX)))
    return {row.key.removeprefix(_PREFIX): row.value for row in rows}


def forget(db: Session, worker_ids: set[str]) -> list[tuple[str, str]]:
    """Drop these workers' credentials; returns (id, username) of those known here."""
    db.execute(delete(SyncState).where(
        SyncState.key.in_([_PREFIX + worker_id for worker_id in worker_ids])))
    return [(row.id, row.username) for row in db.scalars(
        select(Worker).where(Worker.id.in_(sorted(worker_ids))))]
