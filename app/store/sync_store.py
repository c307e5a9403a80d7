"""The local side of sync: what the sync client reads and writes, nothing more.

Implements sync.client's LocalSyncStore protocol over the encrypted database. A pulled
page and the cursor after it are saved in one transaction.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.domain.clock import HlcStamp
from app.store import derived
from app.store.device import OpenStore
from app.store.outbox import APPLYING_REMOTE
from app.store.repositories import utc_now
from app.store.sync_models import OutboxEntry, SyncConflict, SyncState
from app.store.sync_tables import TABLES, SyncedTable
from sync import protocol as p

CURSOR_KEY = "cursor"


class EncryptedSyncStore:
    def __init__(self, store: OpenStore) -> None:
        self._store = store

    # ---- push -------------------------------------------------------------------------
    def pending_changes(self, limit: int) -> list[p.Change]:
        with self._store.transaction() as db:
            rows = db.scalars(select(OutboxEntry).where(OutboxEntry.state == "pending")
                              .order_by(OutboxEntry.seq).limit(limit))
            return [_change(row) for row in rows]

    def record_results(self, results: list[p.ChangeResult]) -> None:
        with self._store.transaction() as db:
            for result in results:
                entry = db.scalar(select(OutboxEntry).where(
                    OutboxEntry.change_id == result["change_id"]))
                if entry is None:
                    continue
                if result["status"] == "refused":
                    entry.state, entry.error = "refused", f'{result["code"]}: {result["message"]}'
                else:
                    db.delete(entry)

    # ---- pull -------------------------------------------------------------------------
    def cursor(self) -> int:
        with self._store.transaction() as db:
            row = db.get(SyncState, CURSOR_KEY)
            return int(row.value) if row else 0

    def apply_page(self, page: p.PullResponse) -> int:
        with self._store.transaction() as db:
            db.info[APPLYING_REMOTE] = True
            touched: set[str] = set()
            page_state = _PageState.load(db, page["rows"])
            with db.no_autoflush:  # one flush for the page, not one per row looked up
                for row in page["rows"]:
                    self._store.clock.observe(HlcStamp.decode(row["hlc"]))
                    touched.add(row["person_id"])
                    _apply_row(db, row, page_state)
            for person_id in page["evicted_people"]:
                _evict(db, person_id)
            db.flush()
            derived.refresh(db, touched - set(page["evicted_people"]))
            db.merge(SyncState(key=CURSOR_KEY, value=str(page["next_cursor"])))
            db.merge(SyncState(key="last_pull_at", value=utc_now()))
            return len(page["rows"])

    # ---- what the status bar shows ----------------------------------------------------
    def counts(self) -> dict[str, int]:
        with self._store.transaction() as db:
            def count(query: Any) -> int:
                return db.scalar(select(func.count()).select_from(query.subquery())) or 0
            return {
                "pending": count(select(OutboxEntry).where(OutboxEntry.state == "pending")),
                "refused": count(select(OutboxEntry).where(OutboxEntry.state == "refused")),
                "conflicts": count(select(SyncConflict).where(
                    SyncConflict.resolved_at.is_(None))),
            }


def _change(entry: OutboxEntry) -> p.Change:
    change: p.Change = json.loads(entry.payload)
    change["content_hash"] = entry.content_hash
    return change


@dataclass
class _PageState:
    """What a page's rows already have here, read in a few queries instead of two per row."""

    existing: set[tuple[str, str]]
    pending: dict[tuple[str, str], list[OutboxEntry]]
    # Rows added by this page are not in the identity map until the flush at its end.
    created: dict[tuple[str, str], Any] = field(default_factory=dict)

    @classmethod
    def load(cls, db: Session, rows: list[p.PulledRow]) -> _PageState:
        by_table: dict[str, list[str]] = {}
        for row in rows:
            if row["table"] in TABLES:
                by_table.setdefault(row["table"], []).append(row["row_id"])
        existing: set[tuple[str, str]] = set()
        for name, ids in by_table.items():
            model = TABLES[name].model
            for start in range(0, len(ids), 500):  # loads them into the identity map too
                found = db.scalars(select(model).where(model.id.in_(ids[start:start + 500])))
                existing |= {(name, obj.id) for obj in found}
        pending: dict[tuple[str, str], list[OutboxEntry]] = {}
        for entry in db.scalars(select(OutboxEntry).where(OutboxEntry.state == "pending")
                                .order_by(OutboxEntry.seq)):
            pending.setdefault((entry.table_name, entry.row_id), []).append(entry)
        return cls(existing, pending)

    def find(self, db: Session, model: type, key: tuple[str, str]) -> Any:
        if key in self.created:
            return self.created[key]
        return db.get(model, key[1]) if key in self.existing else None


def _apply_row(db: Session, row: p.PulledRow, state: _PageState) -> None:
    if row["table"] == p.CONFLICTS_TABLE:
        db.merge(SyncConflict(id=row["row_id"], created_at=utc_now(),
                              person_id=row["person_id"], revision_id=row["revision_id"], **{
            k: row["fields"][k] for k in ("table_name", "row_id", "field", "kept_value",
                                          "other_value", "other_worker", "other_device",
                                          "other_hlc", "resolved_at", "resolved_by")}))
        return
    table = TABLES.get(row["table"])
    if table is None:
        return  # a table from a newer version of the app: it arrives again after upgrading
    key = (table.name, row["row_id"])
    obj = state.find(db, table.model, key)
    if obj is not None and (table.append_only or _already_has(obj, table, row)):
        _acknowledge(db, table, row)
        return  # nothing to change (and a signed plan must not even be touched)
    pending = [e for e in state.pending.pop(key, []) if e.state == "pending"]
    pending = _unacknowledged(db, pending, row["revision_id"])
    local = {f: getattr(obj, f) for f in _changed_fields(pending)} if obj and pending else {}
    if obj is None:
        obj = table.model(id=row["row_id"])
        db.add(obj)
        state.created[key] = obj  # the same row twice in a page: the second finds this one
    _set_fields(obj, table, row)
    if pending:
        _rebase(db, obj, table, row, pending, local)


def _already_has(obj: Any, table: SyncedTable, row: p.PulledRow) -> bool:
    """This exact revision with these exact values is here already (our own edit coming
    back). A merged row keeps the pusher's revision id with other values: not 'already'."""
    return obj.revision_id == row["revision_id"] and all(
        getattr(obj, name) == row["fields"][name] for name in table.field_names()
        if name in row["fields"])


def _acknowledge(db: Session, table: SyncedTable, row: p.PulledRow) -> None:
    db.execute(delete(OutboxEntry).where(
        OutboxEntry.table_name == table.name, OutboxEntry.row_id == row["row_id"],
        OutboxEntry.revision_id == row["revision_id"], OutboxEntry.state == "pending"))


def _unacknowledged(db: Session, pending: list[OutboxEntry],
                    server_revision: str) -> list[OutboxEntry]:
    """If the server's row is one of our revisions, that entry and those before it were
    received (their reply was lost); only later ones are still ours to send."""
    revisions = [entry.revision_id for entry in pending]
    if server_revision not in revisions:
        return pending
    done = revisions.index(server_revision) + 1
    for entry in pending[:done]:
        db.delete(entry)
    return pending[done:]


def _changed_fields(pending: list[OutboxEntry]) -> set[str]:
    return {name for entry in pending for name in json.loads(entry.changed_fields)}


def _set_fields(obj: Any, table: SyncedTable, row: p.PulledRow) -> None:
    for name in table.field_names():
        if name in row["fields"]:
            setattr(obj, name, row["fields"][name])
    obj.device_id, obj.worker_id = row["device_id"], row["worker_id"]
    if hasattr(obj, "updated_hlc"):  # every syncable row, append-only ones included
        obj.revision_id, obj.base_revision_id = row["revision_id"], None
        obj.updated_hlc = row["hlc"]


def _rebase(db: Session, obj: Any, table: SyncedTable, row: p.PulledRow,
            pending: list[OutboxEntry], local: dict[str, Any]) -> None:
    """Someone else's edit arrived while ours waited: put ours on top of theirs, as one
    new change (new ids, so a lost reply cannot turn a resend into a reused-id refusal).

    The new change keeps the base our edit was made from, not the server's revision:
    where both sides changed a field, the server's three-way merge then keeps theirs and
    records ours in a conflict. Based on their revision it would look like a plain edit
    of theirs, and their value would be overwritten without a trace (found by
    tests/e2e/test_convergence_stateful.py, edit_while_syncing)."""
    base = pending[0].base_revision_id
    for entry in pending:
        db.delete(entry)
    if not local:
        return  # nothing of ours left on top of theirs
    for name, value in local.items():
        setattr(obj, name, value)
    obj.base_revision_id, obj.revision_id = base, str(uuid.uuid4())
    first = json.loads(pending[0].payload)
    change = {**first, "change_id": str(uuid.uuid4()), "revision_id": obj.revision_id,
              "base_revision_id": base,
              "fields": {f: getattr(obj, f) for f in table.field_names()}}
    db.add(OutboxEntry(change_id=change["change_id"], table_name=table.name, row_id=obj.id,
                       revision_id=obj.revision_id, base_revision_id=base,
                       hlc=change["hlc"], payload=json.dumps(change),
                       changed_fields=json.dumps(sorted(local)),
                       content_hash=p.content_hash(change), state="pending"))


def _evict(db: Session, person_id: str) -> None:
    """The person now belongs to another team: remove their rows from this laptop."""
    db.merge(SyncState(key="evicting", value=person_id))  # lets the history trigger allow it
    db.flush()
    for table in reversed(list(TABLES.values())):  # children before the person row
        column = "id" if table.name == "people" else (
            "survivor_id" if table.name == "person_merges" else "person_id")
        db.execute(delete(table.model).where(getattr(table.model, column) == person_id))
    derived.forget(db, person_id)
    db.execute(delete(SyncState).where(SyncState.key == "evicting"))
