"""A conflict decision queued before this version (an outbox entry for the server's own
`_conflicts` table, which the server now refuses from any laptop) goes up as the
resolution the server takes, under its own change id, so its answer settles it."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import insert

from app.store.sync.models import OutboxEntry
from app.store.sync.store import EncryptedSyncStore
from sync import protocol as p
from sync.protocol.tables import row_problem


def test_a_queued_legacy_decision_is_sent_as_a_resolution(signed_in):
    conflict, person, revision = (str(uuid.uuid4()) for _ in range(3))
    legacy = {"change_id": str(uuid.uuid4()), "table": p.CONFLICTS_TABLE, "row_id": conflict,
              "person_id": person, "revision_id": revision, "base_revision_id": "r0",
              "hlc": "x", "worker_id": signed_in.worker.id, "append_only": False,
              "fields": {"table_name": "people", "row_id": person, "field": "town",
                         "kept_value": '"A"', "other_value": '"B"', "other_worker": "w",
                         "other_device": "d", "other_hlc": "h",
                         "resolved_at": "2026-12-05T00:00:00+00:00", "resolved_by": "Ann"},
              "linkage_key": None}
    with signed_in.transaction() as db:
        db.execute(insert(OutboxEntry.__table__).values(
            change_id=legacy["change_id"], table_name=p.CONFLICTS_TABLE, row_id=conflict,
            revision_id=revision, base_revision_id="r0", hlc="x", payload=json.dumps(legacy),
            changed_fields="[]", content_hash=p.content_hash(legacy), state="pending",
            error=None))
    [sent] = EncryptedSyncStore(signed_in.open_store).pending_changes(10)
    assert sent["change_id"] == legacy["change_id"]
    assert (sent["table"], sent["append_only"], sent["base_revision_id"]) == (
        p.RESOLUTIONS_TABLE, True, None)
    assert sent["fields"] == {"conflict_id": conflict, "resolved_at":
                              "2026-12-05T00:00:00+00:00", "resolved_by": "Ann"}
    assert sent["content_hash"] == p.content_hash(sent)
    assert row_problem(sent["table"], sent["row_id"], person, sent["fields"],
                       append_only=True) is None
