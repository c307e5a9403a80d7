"""Two records of one person become one; reversible, recorded, never a delete."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.audit import AuditAction
from app.services.changes import Changed, Part
from app.services.errors import InvalidInput
from app.services.session import WorkerSession
from app.store.assessment_repo import AssessmentRepository
from app.store.caseload_repo import CaseloadRepository
from app.store.people_repo import PeopleRepository


def merge_people(*, session: WorkerSession, survivor_id: str, merged_id: str,
                 reason: str) -> str:
    """Fold `merged_id` into `survivor_id`. Both records and all their values are kept."""
    if survivor_id == merged_id:
        raise InvalidInput({"merged_id": "Choose two different records to merge."})
    if not reason.strip():
        raise InvalidInput({"reason": "Say why these are the same person (e.g. same PNC ID)."})
    with session.transaction() as db:
        people = PeopleRepository(db, session.context)
        if people.merged_into(survivor_id) or people.merged_into(merged_id):
            raise InvalidInput({"merged_id": "One of these records is already merged. "
                                "Undo that merge first."})
        merge_id = AssessmentRepository(db, session.context, session.worker.full_name
                                        ).add_merge(survivor_id, merged_id, reason.strip())
        people.set_merged_into(merged_id, survivor_id)
        people.reindex(person_id=merged_id)
        CaseloadRepository(db).refresh(survivor_id, touched_by=session.worker.id)
        session.audit(db, AuditAction.EDIT, record_type="person-merge", record_id=merge_id,
                      detail={"survivor": survivor_id, "merged": merged_id})
    return merge_id


def undo_merge(*, session: WorkerSession, merge_id: str) -> Changed:
    """Both records stand apart again: both people, and the caseload, changed."""
    with session.transaction() as db:
        merge = AssessmentRepository(db, session.context).undo_merge(merge_id)
        people = PeopleRepository(db, session.context)
        people.set_merged_into(merge.merged_id, None)
        people.reindex(person_id=merge.merged_id)
        session.audit(db, AuditAction.EDIT, record_type="person-merge", record_id=merge_id,
                      detail={"undone": True})
        changed = (Changed.of(merge.survivor_id, Part.RECORD, Part.CASELOAD)
                   | Changed.of(merge.merged_id, Part.RECORD))
    return changed


@dataclass(frozen=True)
class MergeView:
    merge_id: str
    merged_id: str
    merged_name: str
    reason: str
    merged_by: str
    merged_at: str


def list_merges(*, session: WorkerSession, survivor_id: str) -> list[MergeView]:
    """Records folded into this one, each with its undo handle."""
    with session.transaction() as db:
        people = PeopleRepository(db)
        return [MergeView(m.id, m.merged_id, people.get(m.merged_id).name.display(), m.reason,
                          m.merged_by_name, m.merged_at)
                for m in AssessmentRepository(db).active_merges(survivor_id)]
