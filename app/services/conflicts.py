"""Conflicts: both values, who/when/where, and a worker's decision that syncs like any edit."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.domain.audit import AuditAction
from app.domain.clock import HlcStamp
from app.services.errors import NotFound
from app.services.session import WorkerSession
from app.store.conflicts_repo import ConflictRepository
from app.store.derived import refresh
from app.store.device import DbSession
from app.store.people_repo import PeopleRepository
from app.store.person_models import AssessmentValue
from app.store.sync_models import SyncConflict


@dataclass(frozen=True)
class ConflictView:
    id: str
    person_id: str
    person_name: str
    label: str  # what the field is, in words
    current: Any  # the value in the record now
    other: Any  # the value another worker wrote at the same time
    other_worker: str
    other_device: str
    other_when: str  # the writer's own clock: shown, never used to pick a winner
    is_assessment: bool  # assessment answers are stored as JSON text


def _label(db: DbSession, session: WorkerSession, conflict: SyncConflict) -> tuple[str, bool]:
    if conflict.table_name == "assessment_values":
        row = db.get(AssessmentValue, conflict.row_id)
        if row is not None:
            section = session.reference.schema.section(row.section)
            return f"{section.title}: {section.field(row.field).label}", True
    return f"{conflict.table_name.replace('_', ' ')}: {conflict.field.replace('_', ' ')}", False


def _when(hlc: str) -> str:
    from datetime import UTC, datetime

    stamp = HlcStamp.decode(hlc)
    return datetime.fromtimestamp(stamp.wall_ms / 1000, UTC).strftime("%d/%m/%Y %H:%M UTC")


def list_conflicts(*, session: WorkerSession, person_id: str | None = None) -> list[ConflictView]:
    with session.transaction() as db:
        repo, people = ConflictRepository(db), PeopleRepository(db)
        views = []
        for c in repo.open(person_id):
            label, is_assessment = _label(db, session, c)
            decode = json.loads if is_assessment else (lambda v: v)
            name = people.get(c.person_id).name.display() if people.exists(c.person_id) else ""
            current = repo.current_value(c)
            views.append(ConflictView(
                c.id, c.person_id, name, label,
                decode(current) if current is not None else None,
                decode(json.loads(c.other_value)),
                repo.writer_name(c), c.other_device, _when(c.other_hlc), is_assessment))
        return views


def resolve_conflict(*, session: WorkerSession, conflict_id: str, value: Any) -> None:
    """Keep `value`: either side's, or a combination the worker typed."""
    with session.transaction() as db:
        conflict = db.get(SyncConflict, conflict_id)
        if conflict is None:
            raise NotFound("That conflict")
        _, is_assessment = _label(db, session, conflict)
        stored = json.dumps(value) if is_assessment else value
        ConflictRepository(db, session.context).resolve(conflict_id, stored,
                                                        session.worker.full_name)
        db.flush()
        refresh(db, [conflict.person_id])
        session.audit(db, AuditAction.EDIT, record_type="conflict", record_id=conflict_id,
                      detail={"field": conflict.field})
