"""The status bar's conflict count is the list's: a section's check stamp, settled by
itself after each sync and never shown, is never counted (seen: "2 conflicts" beside a
list of one, when a sync ended before the automatic settling ran)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from app.services import conflicts
from app.services.sync import sync_status
from app.store.sync.models import SyncConflict
from tests.careplan.helpers import add_person


def _conflict(session, person_id: str, table: str, field: str) -> None:
    with session.transaction() as db:
        db.add(SyncConflict(
            id=str(uuid.uuid4()), table_name=table, row_id=str(uuid.uuid4()),
            person_id=person_id, revision_id=str(uuid.uuid4()), field=field,
            kept_value='"a"', other_value='"b"', other_worker="Cal",
            other_device=str(uuid.uuid4()), other_hlc=f"{1:015d}-00000-{uuid.uuid4()}",
            created_at=datetime.now(UTC).isoformat()))


def test_a_check_stamp_conflict_is_neither_listed_nor_counted(signed_in) -> None:
    person = add_person(signed_in)
    _conflict(signed_in, person, "section_confirmations", "confirmed_at")
    assert conflicts.list_conflicts(session=signed_in) == []
    assert sync_status(session=signed_in).conflicts == 0
    _conflict(signed_in, person, "assessment_values", "value_json")
    assert sync_status(session=signed_in).conflicts == 1
