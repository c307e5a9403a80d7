"""Conflicts held on this laptop, and resolving one: an edit plus a synced resolution."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.identity import WriteContext, stamp_edit
from app.store.models import Worker
from app.store.person_models import AssessmentHistory, AssessmentValue, SectionConfirmation
from app.store.repositories import utc_now
from app.store.sync import outbox
from app.store.sync.models import SyncConflict
from app.store.sync.tables import TABLES
from sync import protocol as p

# A section's "last checked" stamp: both laptops saved the section, so both stamps are
# true; the later one is kept by itself, never asked of a worker.
CONFIRMATIONS = "section_confirmations"


@dataclass(frozen=True)
class Writer:
    """Who wrote a value, where and when, as this laptop's own records say."""

    worker_id: str
    name: str  # "" when this laptop has never seen the worker's name
    device_id: str = ""
    hlc: str = ""


class ConflictRepository:
    def __init__(self, session: Session, ctx: WriteContext | None = None) -> None:
        self._session = session
        self._ctx = ctx

    def open(self, person_id: str | None = None) -> list[SyncConflict]:
        query = select(SyncConflict).where(SyncConflict.resolved_at.is_(None))
        if person_id:
            query = query.where(SyncConflict.person_id == person_id)
        return list(self._session.scalars(query.order_by(SyncConflict.created_at)))

    def writer_name(self, conflict: SyncConflict) -> str:
        """The other writer's name: from the field history their laptop synced, else
        any name this laptop knows for their worker id ("" when it knows none)."""
        row = self._session.get(AssessmentValue, conflict.row_id)
        if conflict.table_name == "assessment_values" and row is not None:
            history = AssessmentHistory
            name = self._session.scalar(select(history.worker_name).where(
                history.person_id == row.person_id, history.section == row.section,
                history.field == row.field,
                history.new_json == json.loads(conflict.other_value),
                history.worker_id == conflict.other_worker).limit(1))
            if name:
                return name
        return self.name_of(conflict.other_worker)

    def name_of(self, worker_id: str) -> str:
        """A worker who signed in here, or whose name came with a synced answer."""
        worker = self._session.get(Worker, worker_id)
        if worker is not None:
            return worker.full_name
        return self._session.scalar(
            select(AssessmentHistory.worker_name).where(AssessmentHistory.worker_id == worker_id)
            .order_by(AssessmentHistory.hlc.desc()).limit(1)) or ""

    def current_writer(self, conflict: SyncConflict) -> Writer | None:
        """Who wrote the value the record holds now (assessment answers keep a history)."""
        row = self._session.get(AssessmentValue, conflict.row_id)
        if conflict.table_name != "assessment_values" or row is None:
            return None
        history = AssessmentHistory
        found = self._session.execute(select(
            history.worker_id, history.worker_name, history.device_id, history.hlc).where(
            history.person_id == row.person_id, history.section == row.section,
            history.field == row.field, history.new_json == row.value_json)
            .order_by(history.hlc.desc()).limit(1)).first()
        return Writer(*found) if found else None

    def fields_in_conflict(self, person_id: str) -> set[tuple[str, str]]:
        """(section, field) of each open conflict on an assessment answer of the person;
        ("person", column) for their personal details."""
        found: set[tuple[str, str]] = set()
        for conflict in self.open(person_id):
            if conflict.table_name == "assessment_values":
                row = self._session.get(AssessmentValue, conflict.row_id)
                if row is not None:
                    found.add((row.section, row.field))
            elif conflict.table_name == "people":
                found.add(("person", conflict.field))
        return found

    def settle_confirmations(self, resolved_by: str) -> list[SyncConflict]:
        """Resolve every open conflict on a section's check stamp: the later check is
        kept, with its checker's name. Every laptop decides the same way, so they agree
        whichever settles first (the server takes the first decision)."""
        open_ = [c for c in self.open() if c.table_name == CONFIRMATIONS]
        settled: list[SyncConflict] = []
        for row_id, group in groupby(sorted(open_, key=lambda c: c.row_id),
                                     key=lambda c: c.row_id):
            conflicts = {c.field: c for c in group}
            row = self._session.get(SectionConfirmation, row_id)
            if row is None:
                continue  # the row has not arrived yet: settled at a later sync
            theirs = conflicts.get("confirmed_at")
            take = theirs is not None and _later(json.loads(theirs.other_value),
                                                 row.confirmed_at)
            for field, conflict in conflicts.items():
                value = json.loads(conflict.other_value) if take else getattr(row, field)
                settled.append(self.resolve(conflict.id, value, resolved_by))
        return settled

    def current_value(self, conflict: SyncConflict) -> Any:
        row = self._session.get(TABLES[conflict.table_name].model, conflict.row_id)
        return getattr(row, conflict.field) if row is not None else None

    def resolve(self, conflict_id: str, value: Any, resolved_by: str) -> SyncConflict:
        """Write the chosen value like any edit, and record the resolution for everyone."""
        assert self._ctx is not None
        conflict = self._session.get(SyncConflict, conflict_id)
        if conflict is None:
            raise KeyError(conflict_id)
        row = self._session.get_one(TABLES[conflict.table_name].model, conflict.row_id)
        if getattr(row, conflict.field) != value:
            setattr(row, conflict.field, value)
            stamp_edit(row, self._ctx)
        conflict.resolved_at, conflict.resolved_by = utc_now(), resolved_by
        self._queue_resolution(conflict)
        return conflict

    def _queue_resolution(self, conflict: SyncConflict) -> None:
        """The decision goes to the server as a resolution, never as the conflict row:
        conflicts are the server's own records, which a laptop may not write. The server
        marks its conflict resolved, and every device receives that."""
        assert self._ctx is not None
        fields = {"conflict_id": conflict.id, "resolved_at": conflict.resolved_at,
                  "resolved_by": conflict.resolved_by}
        conflict.revision_id = outbox.queue_command(self._session, self._ctx,
                                                    p.RESOLUTIONS_TABLE, conflict.person_id,
                                                    fields)


def _later(theirs: Any, ours: Any) -> bool:
    """Whether their check time is after ours (ISO times; equal is not later)."""
    try:
        return datetime.fromisoformat(str(theirs)) > datetime.fromisoformat(str(ours))
    except (TypeError, ValueError):
        return str(theirs) > str(ours)
