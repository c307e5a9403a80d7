"""The outbox has one writer: what a change carries is decided in one place."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date
from pathlib import Path

from app.domain.journey.kinds import Kind
from app.store.sync import outbox
from app.store.sync.models import OutboxEntry
from sync import protocol as p

APP = Path(__file__).resolve().parents[2] / "app"
# Building an entry row by hand: the model called, or its table inserted into.
_HAND_MADE = re.compile(r"(?<!class )OutboxEntry\(|insert\(OutboxEntry")


def _change() -> dict[str, object]:
    row = str(uuid.uuid4())
    return {"change_id": str(uuid.uuid4()), "table": "consents", "row_id": row,
            "person_id": str(uuid.uuid4()), "revision_id": row, "base_revision_id": None,
            "hlc": "1700000000000-0-laptop", "worker_id": "w1", "append_only": False,
            "fields": {"scope": "treatment"}, "linkage_key": None}


def test_an_entry_fills_every_column_but_the_queue_position() -> None:
    columns = {c.key for c in OutboxEntry.__table__.columns} - {"seq"}

    assert set(outbox.entry_values(_change(), ["scope"])) == columns


def test_an_entry_carries_the_change_its_hash_names() -> None:
    change = _change()
    values = outbox.entry_values(change, {"scope", "given_on"})

    assert json.loads(values["payload"]) == change
    assert values["content_hash"] == p.content_hash(change)
    assert json.loads(values["changed_fields"]) == ["given_on", "scope"]
    assert values["state"] == "pending"


def test_no_other_module_builds_an_outbox_entry_by_hand() -> None:
    writers = {path.relative_to(APP).as_posix() for path in APP.rglob("*.py")
               if _HAND_MADE.search(path.read_text(encoding="utf-8"))}

    # The flush hook is the writer; the rebase and a conflict's resolution hand the
    # model the writer's values.
    assert writers <= {"store/sync/outbox.py", "store/sync/store.py", "store/sync/conflicts.py"}
    for name in writers - {"store/sync/outbox.py"}:
        text = (APP / name).read_text(encoding="utf-8")
        assert all("outbox.entry_values(" in text[m.start():m.start() + 80]
                   for m in _HAND_MADE.finditer(text)), name


def test_a_row_never_edited_keeps_the_revision_every_other_laptop_stores(signed_in) -> None:
    """The outbox sends an append-only row under its own id as its revision; the laptop
    that wrote it must hold the same, or laptops differ after a sync."""
    from app.services.journey import EventInput, record_event
    from app.store.sync.store import EncryptedSyncStore
    from app.store.sync.tables import TABLES
    from tests.careplan.helpers import add_person

    person = add_person(signed_in)  # its key worker's allocation is append-only too
    record_event(session=signed_in, person_id=person,
                 typed=EventInput(Kind.PRISON_TRIAGE, date.today(), "HMP Chelmsford"))

    sent = [c for c in EncryptedSyncStore(signed_in.open_store).pending_changes(100)
            if c["append_only"]]
    assert {c["table"] for c in sent} == {"journey_events", "key_worker_allocations"}
    with signed_in.transaction() as db:
        for change in sent:
            row = db.get(TABLES[change["table"]].model, change["row_id"])
            assert row.revision_id == change["revision_id"] == row.id, change["table"]
