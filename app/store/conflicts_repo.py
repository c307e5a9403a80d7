"""Conflicts held on this laptop, and resolving one: an edit plus a synced resolution."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.store.identity import WriteContext, stamp_edit
from app.store.person_models import AssessmentHistory, AssessmentValue
from app.store.repositories import utc_now
from app.store.sync_models import OutboxEntry, SyncConflict
from app.store.sync_tables import TABLES
from sync import protocol as p


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
        """The other writer's name, from the field history their laptop synced (if any)."""
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
        return "another worker"

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
        revision = str(uuid.uuid4())
        change: dict[str, Any] = {
            "change_id": str(uuid.uuid4()), "table": p.RESOLUTIONS_TABLE, "row_id": revision,
            "person_id": conflict.person_id, "revision_id": revision,
            "base_revision_id": None, "hlc": self._ctx.hlc(),
            "worker_id": self._ctx.worker_id, "append_only": True,
            "fields": {"conflict_id": conflict.id, "resolved_at": conflict.resolved_at,
                       "resolved_by": conflict.resolved_by},
            "linkage_key": None}
        conflict.revision_id = revision
        self._session.execute(insert(OutboxEntry.__table__).values(
            change_id=change["change_id"], table_name=p.RESOLUTIONS_TABLE, row_id=revision,
            revision_id=revision, base_revision_id=None,
            hlc=change["hlc"], payload=json.dumps(change),
            changed_fields=json.dumps(["resolved_at", "resolved_by"]),
            content_hash=p.content_hash(change), state="pending", error=None))
