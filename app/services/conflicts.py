"""Conflicts: both values, who/when/where, and a worker's decision that syncs like any edit."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.domain.assessment import FieldDef
from app.domain.audit import AuditAction
from app.domain.clock import HlcStamp
from app.services.changes import Changed, Part
from app.services.errors import NotFound
from app.services.session import WorkerSession
from app.store.derived import refresh
from app.store.device import DbSession
from app.store.people_repo import PeopleRepository
from app.store.person_models import AssessmentValue
from app.store.sync.conflicts import CONFIRMATIONS, ConflictRepository
from app.store.sync.models import SyncConflict
from app.store.sync.store import EncryptedSyncStore


@dataclass(frozen=True)
class ConflictView:
    id: str
    person_id: str
    person_name: str
    label: str  # what the field is, in words
    current: Any  # the value in the record now
    other: Any  # the value held in the conflict, written at the same time
    other_worker: str  # the other writer's name ("a colleague" if this laptop knows none)
    other_device: str  # the other writer's laptop id (shown as other_place)
    other_when: str  # the writer's own clock, local time: shown, never used to pick a winner
    is_assessment: bool  # assessment answers are stored as JSON text
    # Codes become the value set's labels through the field (app/ui/fields.display_value).
    field: FieldDef | None = None
    other_is_you: bool = False  # the signed-in worker wrote it, on this or another laptop
    other_place: str = ""  # "this laptop" / "another laptop"
    current_writer: str = ""  # who wrote the value in the record now: "you", a name or ""
    current_when: str = ""


def _label(db: DbSession, session: WorkerSession,
           conflict: SyncConflict) -> tuple[str, FieldDef | None]:
    """What the field is in words; an assessment answer's field definition with it."""
    if conflict.table_name == "assessment_values":
        row = db.get(AssessmentValue, conflict.row_id)
        if row is not None:
            section = session.reference.schema.section(row.section)
            field = section.field(row.field)
            return f"{section.title}: {field.label}", field
    return f"{_RECORDS.get(conflict.table_name, conflict.table_name.replace('_', ' '))}: " \
           f"{conflict.field.replace('_', ' ')}", None


def _is_assessment(conflict: SyncConflict) -> bool:
    return conflict.table_name == "assessment_values"


def _when(hlc: str) -> str:
    """A hybrid clock stamp's wall time, in this laptop's time zone."""
    stamp = HlcStamp.decode(hlc)
    return f"{datetime.fromtimestamp(stamp.wall_ms / 1000).astimezone():%d/%m/%Y %H:%M}"


def _place(session: WorkerSession, device_id: str) -> str:
    return "this laptop" if device_id == session.device_id else "another laptop"


def _view(db: DbSession, session: WorkerSession, c: SyncConflict) -> ConflictView:
    repo, people = ConflictRepository(db), PeopleRepository(db)
    label, field = _label(db, session, c)
    decode = json.loads if _is_assessment(c) else (lambda v: v)
    name = people.get(c.person_id).name.display() if people.exists(c.person_id) else ""
    current = repo.current_value(c)
    writer = repo.current_writer(c)
    return ConflictView(
        c.id, c.person_id, name, label,
        decode(current) if current is not None else None, decode(json.loads(c.other_value)),
        repo.writer_name(c) or "a colleague", c.other_device, _when(c.other_hlc),
        _is_assessment(c), field, c.other_worker == session.worker.id,
        _place(session, c.other_device),
        ("you" if writer.worker_id == session.worker.id else writer.name) if writer else "",
        _when(writer.hlc) if writer and writer.hlc else "")


def list_conflicts(*, session: WorkerSession, person_id: str | None = None) -> list[ConflictView]:
    """Open conflicts a worker must decide: one per answer. A section's check stamp,
    changed by the same saves, is never shown: the scheduler settles it after each
    sync (settle_automatic), off the UI thread."""
    with session.transaction(read_only=True) as db:
        return [_view(db, session, c) for c in ConflictRepository(db).open(person_id)
                if c.table_name != CONFIRMATIONS]


def fields_in_conflict(*, session: WorkerSession, person_id: str) -> set[tuple[str, str]]:
    """Which of a person's fields have an open conflict, for the record to mark them:
    (section id, field id) for assessment answers, ("person", column) for personal
    details. Read only: cheap enough to call on every paint of a record."""
    with session.transaction(read_only=True) as db:
        return ConflictRepository(db).fields_in_conflict(person_id)


def settle_automatic(*, session: WorkerSession) -> int:
    """Resolve the conflicts nobody should be asked about: a section's "last checked"
    stamp, when two laptops saved it apart. The later stamp is kept; the decision syncs
    like a worker's. Returns how many were settled."""
    with session.transaction() as db:
        settled = ConflictRepository(db, session.context).settle_confirmations(
            f"{session.worker.full_name} (automatic: the later check kept)")
        if not settled:
            return 0
        db.flush()
        refresh(db, {c.person_id for c in settled})
        session.audit(db, AuditAction.EDIT, record_type="conflict",
                      detail={"settled_automatically": len(settled)})
    return len(settled)


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
    with session.transaction(read_only=True) as db:
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
    """A stored UTC time, in this laptop's time zone."""
    try:
        return f"{datetime.fromisoformat(iso).astimezone():%d/%m/%Y %H:%M}"
    except ValueError:
        return iso


def resolve_conflict(*, session: WorkerSession, conflict_id: str, value: Any) -> Changed:
    """Keep `value`: either side's, or a combination the worker typed."""
    with session.transaction() as db:
        conflict = db.get(SyncConflict, conflict_id)
        if conflict is None:
            raise NotFound("That conflict")
        stored = json.dumps(value) if _is_assessment(conflict) else value
        ConflictRepository(db, session.context).resolve(conflict_id, stored,
                                                        session.worker.full_name)
        db.flush()
        refresh(db, [conflict.person_id])
        session.audit(db, AuditAction.EDIT, record_type="conflict", record_id=conflict_id,
                      detail={"field": conflict.field})
        person_id = conflict.person_id
    return Changed.of(person_id, Part.RECORD, Part.CONFLICTS)
