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
from app.store.sync_store import EncryptedSyncStore


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


@dataclass(frozen=True)
class RefusedView:
    """A change the server would not take: kept on this laptop, never dropped."""

    person_name: str
    what: str  # the kind of record, in words
    reason: str  # the server's reason, in its words, with its status code
    written: str  # when, by this laptop's clock


# What a synced table holds, in a worker's words.
_RECORDS = {"people": "personal details", "person_aliases": "alias", "consents": "consent",
            "assessment_values": "assessment answer", "assessment_history": "assessment history",
            "section_confirmations": "assessment section check", "contacts": "contact",
            "care_plan_versions": "care plan", "care_plan_signatures": "care plan signature",
            "person_merges": "merge of two records", "_conflicts": "conflict decision",
            "conflict_resolutions": "conflict decision"}


def _names(session: WorkerSession, person_ids: set[str]) -> dict[str, str]:
    """Display names of those of these people this laptop holds."""
    with session.transaction() as db:
        people = PeopleRepository(db)
        held = people.present(person_ids)
        return {person.id: person.name.display() for person in people.get_many(held)}


def list_refused(*, session: WorkerSession) -> list[RefusedView]:
    refused = EncryptedSyncStore(session.open_store).refused()
    names = _names(session, {change.person_id for change in refused})
    views = []
    for change in refused:
        code, _, message = change.reason.partition(": ")
        what = _RECORDS.get(change.table_name, change.table_name.replace("_", " "))
        views.append(RefusedView(names.get(change.person_id, "someone no longer on this laptop"),
                                 what, f"{message or code} (code {code})" if message else code,
                                 _when(change.hlc)))
    return views


@dataclass(frozen=True)
class NotStoredView:
    """A row the server sent that this laptop could not store: kept aside, never dropped."""

    person_name: str
    what: str  # the kind of record, in words
    reason: str  # why, in the app's words (the database's, for a refused row)
    received: str  # when it was set aside
    app_version: str  # the version that could not store it: a later one tries again


def list_not_stored(*, session: WorkerSession) -> list[NotStoredView]:
    """Rows received but not stored, oldest first."""
    rows = EncryptedSyncStore(session.open_store).set_aside_rows()
    names = _names(session, {row.person_id for row in rows})
    return [NotStoredView(
        names.get(row.person_id, "someone not (yet) on this laptop"),
        _RECORDS.get(row.table_name, row.table_name.replace("_", " ") or "record"),
        row.reason, _received(row.set_aside_at), row.app_version) for row in rows]


def count_not_stored(*, session: WorkerSession) -> int:
    return EncryptedSyncStore(session.open_store).counts()["set_aside"]


def try_storing_again(*, session: WorkerSession) -> int:
    """A worker's "Try again": every set-aside row, this version's too (the record it
    belongs to may have arrived since). Returns how many are now stored."""
    stored = EncryptedSyncStore(session.open_store).retry_set_aside(everything=True)
    with session.transaction() as db:
        session.audit(db, AuditAction.SYNC, detail={"set_aside_retried": stored})
    return stored


def _received(iso: str) -> str:
    from datetime import datetime

    try:
        return datetime.fromisoformat(iso).strftime("%d/%m/%Y %H:%M UTC")
    except ValueError:
        return iso


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
