"""Conflicts: both values, who/when/where, and a worker's decision that syncs like any edit."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.domain.audit import AuditAction
from app.services.errors import NotFound
from app.services.session import WorkerSession
from app.store.conflicts_repo import ConflictRepository
from app.store.derived import refresh


@dataclass(frozen=True)
class ConflictView:
    id: str
    person_id: str
    table: str
    row_id: str
    field: str
    current: Any  # the value in the record now
    other: Any  # the value another worker wrote at the same time
    other_worker: str
    other_device: str
    other_when: str  # from the writer's hybrid clock: shown, never used to pick a winner


def list_conflicts(*, session: WorkerSession, person_id: str | None = None) -> list[ConflictView]:
    with session.transaction() as db:
        repo = ConflictRepository(db)
        return [ConflictView(c.id, c.person_id, c.table_name, c.row_id, c.field,
                             repo.current_value(c), json.loads(c.other_value), c.other_worker,
                             c.other_device, c.other_hlc) for c in repo.open(person_id)]


def resolve_conflict(*, session: WorkerSession, conflict_id: str, value: Any) -> None:
    """Keep `value` (either side's, or a combination typed by the worker)."""
    with session.transaction() as db:
        try:
            conflict = ConflictRepository(db, session.context).resolve(
                conflict_id, value, session.worker.full_name)
        except LookupError:
            raise NotFound("That conflict") from None
        db.flush()
        refresh(db, [conflict.person_id])
        session.audit(db, AuditAction.EDIT, record_type="conflict", record_id=conflict_id,
                      detail={"field": conflict.field})
