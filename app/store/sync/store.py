"""The local side of sync: what the sync client reads and writes, nothing more.

Implements sync.client's LocalSyncStore protocol over the encrypted database. A pulled
page and the cursor after it are saved in one transaction.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, exc, func, select
from sqlalchemy.orm import Session

from app.domain.clock import HlcStamp, HybridLogicalClock
from app.store import derived
from app.store.device import OpenStore
from app.store.repositories import utc_now
from app.store.sync import outbox, set_aside
from app.store.sync.conflicts import CONFIRMATIONS
from app.store.sync.models import (
    HandoverRow,
    OutboxEntry,
    SetAsideRow,
    SyncConflict,
    SyncState,
)
from app.store.sync.tables import TABLES, SyncedTable
from sync import protocol as p

CURSOR_KEY = "cursor"
SCOPE_SEEN_KEY = "scope_seen"  # the server's scope version, saved with the page it came on


class EncryptedSyncStore:
    def __init__(self, store: OpenStore) -> None:
        self._store = store

    # ---- push -------------------------------------------------------------------------
    def pending_changes(self, limit: int, skip: int = 0) -> list[p.Change]:
        with self._store.transaction() as db:
            rows = db.scalars(select(OutboxEntry).where(OutboxEntry.state == "pending")
                              .order_by(OutboxEntry.seq).offset(skip).limit(limit))
            return [_change(row) for row in rows]

    def record_results(self, results: list[p.ChangeResult]) -> None:
        """Received changes leave the outbox; refused ones stay, marked, for the worker.
        Two statements whatever the batch size (this is half of every push's local work)."""
        refused = [{"id": r["change_id"], "error": f'{r["code"]}: {r["message"]}'}
                   for r in results if r["status"] == "refused"]
        received = [r["change_id"] for r in results if r["status"] != "refused"]
        table = OutboxEntry.__table__
        with self._store.transaction() as db:
            if received:
                db.execute(delete(OutboxEntry).where(OutboxEntry.change_id.in_(received)))
            if refused:
                db.execute(table.update().where(table.c.change_id == bindparam("id"))
                           .values(state="refused", error=bindparam("error")), refused)
                _forget_refused_handovers(db, [r["id"] for r in refused])

    # ---- pull -------------------------------------------------------------------------
    def position(self) -> tuple[int, int | None]:
        """Where the next pull starts. Rows an earlier app version set aside are tried
        first (position starts every pull; see retry_set_aside)."""
        self.retry_set_aside()
        with self._store.transaction() as db:  # one read: it starts every cycle
            cursor, scope = (db.get(SyncState, key) for key in (CURSOR_KEY, SCOPE_SEEN_KEY))
            return (int(cursor.value) if cursor else 0), (int(scope.value) if scope else None)

    def apply_page(self, page: p.PullResponse) -> int:
        """The page's rows, its evictions and the cursor after it, in one transaction.
        A row this laptop cannot store is set aside in the same transaction, never
        allowed to stop the page (and with it every later sync)."""
        with self._store.transaction() as db:
            db.info[outbox.APPLYING_REMOTE] = True
            applied = _apply_rows(db, page["rows"], self._store.clock)
            for person_id in page["evicted_people"]:
                _evict(db, person_id)
            set_aside.forget_people(db, page["evicted_people"])  # theirs is not ours to keep
            db.flush()
            evicted = set(page["evicted_people"])
            derived.refresh_for_rows(db, {(t, p) for t, p in applied.touched
                                          if p not in evicted}, new=applied.new_people)
            db.merge(SyncState(key=CURSOR_KEY, value=str(page["next_cursor"])))
            if page.get("scope_version") is not None:  # with the evictions it came with
                db.merge(SyncState(key=SCOPE_SEEN_KEY, value=str(page["scope_version"])))
            db.merge(SyncState(key="last_pull_at", value=utc_now()))
            return len(page["rows"])

    def retry_set_aside(self, *, everything: bool = False) -> int:
        """Try set-aside rows again, oldest first; returns how many are now stored.

        By default only rows an earlier app version set aside: this version would fail
        the others the same way. `everything`: a worker asked (a fix on the server, or
        the record they hang off arrived since). What fails again stays set aside."""
        with self._store.transaction() as db:
            if not everything and not set_aside.waiting_from_earlier_versions(db):
                return 0
            db.info[outbox.APPLYING_REMOTE] = True
            rows = set_aside.take_for_retry(db, everything=everything)
            applied = _apply_rows(db, rows, self._store.clock)
            db.flush()
            derived.refresh_for_rows(db, applied.touched)
            return applied.stored

    def set_aside_rows(self) -> list[SetAsideRow]:
        """Rows received but not stored, oldest first (detached: read-only)."""
        with self._store.transaction() as db:
            rows = set_aside.listed(db)
            db.expunge_all()
            return rows

    def refused(self) -> list[RefusedChange]:
        """Changes the server would not take, oldest first: kept here with its reason."""
        with self._store.transaction() as db:
            return [RefusedChange(entry.change_id, entry.table_name,
                                  json.loads(entry.payload)["person_id"], entry.error or "",
                                  entry.hlc)
                    for entry in db.scalars(select(OutboxEntry).where(
                        OutboxEntry.state == "refused").order_by(OutboxEntry.seq))]

    # ---- what the status bar shows ----------------------------------------------------
    def counts(self) -> dict[str, int]:
        with self._store.transaction() as db:
            def count(query: Any) -> int:
                return db.scalar(select(func.count()).select_from(query.subquery())) or 0
            return {
                "pending": count(select(OutboxEntry).where(OutboxEntry.state == "pending")),
                "refused": count(select(OutboxEntry).where(OutboxEntry.state == "refused")),
                # As the list counts them: a section's check stamp is settled by itself
                # after each sync, never shown, so never counted (the status bar said 2
                # beside a list of 1 when a sync ended before settling).
                "conflicts": count(select(SyncConflict).where(
                    SyncConflict.resolved_at.is_(None),
                    SyncConflict.table_name != CONFIRMATIONS)),
                "set_aside": set_aside.count(db),
            }


@dataclass(frozen=True)
class RefusedChange:
    change_id: str
    table_name: str
    person_id: str
    reason: str  # "<status>: <the server's message>"
    hlc: str  # when it was written, by the laptop's clock


def _change(entry: OutboxEntry) -> p.Change:
    change: p.Change = json.loads(entry.payload)
    change["content_hash"] = entry.content_hash
    if change["table"] == p.CONFLICTS_TABLE:  # queued before the server refused those
        return _as_resolution(change)
    return change


def _as_resolution(change: p.Change) -> p.Change:
    """A conflict decision queued as the conflict row itself (before this version): sent
    as the resolution the server now takes, under the same change id, so the outbox entry
    is settled by its answer. Only the decision travels, never the row."""
    fields = change["fields"]
    resolution: p.Change = {
        **change, "table": p.RESOLUTIONS_TABLE, "row_id": change["revision_id"],
        "base_revision_id": None, "append_only": True,
        "fields": {"conflict_id": change["row_id"], "resolved_at": fields.get("resolved_at"),
                   "resolved_by": fields.get("resolved_by")}}
    resolution["content_hash"] = p.content_hash(resolution)
    return resolution


@dataclass
class _Applied:
    """What applying some pulled rows did: for the derived indexes and the caller."""

    touched: set[tuple[str, str]] = field(default_factory=set)  # (table, person_id)
    new_people: Collection[str] = ()  # stored here for the first time, set-based
    stored: int = 0


def _apply_rows(db: Session, rows: list[Any], clock: HybridLogicalClock) -> _Applied:
    """Store what can be stored; set the rest aside with the reason.

    Rows that fail the table rules never reach the database. The rest go in fast (a
    first sync is one set-based insert per table and shape) inside a savepoint; only
    if the database refuses one of them (a unique or foreign key) is the savepoint
    rolled back and the rows applied again one by one, each in its own savepoint, so
    the database names the rows it will not take."""
    checked, refused = _check(rows)
    for _, row in checked:
        clock.observe(HlcStamp.decode(row["hlc"]))
    try:
        with db.begin_nested():
            state = _apply_fast(db, [row for _, row in checked])
        failed: list[tuple[int, set_aside.Refusal]] = []
    except _row_errors(db):
        state, failed = _apply_one_by_one(db, checked)
    refused += failed
    failed_at = {at for at, _ in refused}
    stored = [(at, row) for at, row in checked if at not in failed_at]
    set_aside.drop(db, ((row["table"], row["row_id"]) for _, row in stored))
    set_aside.keep(db, _not_superseded(refused, stored))
    return _Applied({(row["table"], row["person_id"]) for _, row in stored},
                    state.new.get("people", {}).keys(), len(stored))


def _check(rows: list[Any]) -> tuple[list[tuple[int, p.PulledRow]],
                                     list[tuple[int, set_aside.Refusal]]]:
    """(rows to apply, rows refused), each with its place in the page."""
    checked, refused = [], []
    for at, row in enumerate(rows):
        reason = set_aside.problem(row)
        if reason is None:
            checked.append((at, row))
        else:
            refused.append((at, set_aside.Refusal(row, reason)))
    return checked, refused


def _row_errors(db: Session) -> tuple[type[BaseException], ...]:
    """What the database raises for one row it will not take: through SQLAlchemy, or
    straight from the driver (the set-based insert runs on the driver's cursor). Not
    OperationalError: a locked or full disk is no fault of the row, and the whole sync
    fails and is tried again, with nothing set aside."""
    dbapi = db.get_bind().dialect.loaded_dbapi
    return (exc.IntegrityError, exc.DataError, exc.InterfaceError, exc.ProgrammingError,
            dbapi.IntegrityError, dbapi.DataError, dbapi.InterfaceError,
            dbapi.ProgrammingError, OverflowError)


def _apply_fast(db: Session, rows: list[p.PulledRow]) -> _PageState:
    state = _PageState.load(db, rows)
    with db.no_autoflush:  # one flush for the page, not one per row looked up
        for row in rows:
            if not state.take_if_new(row):
                _apply_row(db, row, state)
        state.insert_new(db)
    db.flush()  # here, inside the savepoint: a refused update surfaces now
    return state


def _apply_one_by_one(db: Session, rows: list[tuple[int, p.PulledRow]]
                      ) -> tuple[_PageState, list[tuple[int, set_aside.Refusal]]]:
    """In page order (the server sends a person before their rows), each row in its own
    savepoint: a refused row leaves nothing behind, and its reason is the database's."""
    state = _PageState.load(db, [row for _, row in rows])  # read again: rolled back
    refused: list[tuple[int, set_aside.Refusal]] = []
    errors = _row_errors(db)
    for at, row in rows:
        try:
            with db.begin_nested(), db.no_autoflush:
                _apply_row(db, row, state)
                db.flush()
        except errors as error:
            state.created.pop((row["table"], row["row_id"]), None)  # rolled back with it
            refused.append((at, set_aside.Refusal(row, set_aside.in_words(error))))
    return state, refused


def _not_superseded(refused: list[tuple[int, set_aside.Refusal]],
                    stored: list[tuple[int, p.PulledRow]]) -> list[set_aside.Refusal]:
    """Refused rows, in page order, but for any whose row was stored later in the same
    page: a newer state of it is here, and retrying the older one would undo it."""
    last_stored: dict[tuple[str, str], int] = {}
    for at, row in stored:
        last_stored[(row["table"], row["row_id"])] = at
    kept = []
    for at, refusal in sorted(refused, key=lambda pair: pair[0]):
        row = refusal.row
        key = (row.get("table"), row.get("row_id")) if isinstance(row, dict) else None
        if key not in last_stored or last_stored[key] < at:
            kept.append(refusal)
    return kept


@dataclass
class _PageState:
    """What a page's rows already have here, read in a few queries instead of two per row."""

    # Held here, not only in the session's identity map: that map keeps objects weakly,
    # and a row loaded below but garbage-collected by the time it is applied would be
    # read again, one query per row.
    existing: dict[tuple[str, str], Any]
    pending: dict[tuple[str, str], list[OutboxEntry]]
    # Rows added by this page are not in the identity map until the flush at its end.
    created: dict[tuple[str, str], Any] = field(default_factory=dict)

    @classmethod
    def load(cls, db: Session, rows: list[p.PulledRow]) -> _PageState:
        by_table: dict[str, list[str]] = {}
        for row in rows:
            if row["table"] in TABLES:
                by_table.setdefault(row["table"], []).append(row["row_id"])
        existing: dict[tuple[str, str], Any] = {}
        for name, ids in by_table.items():
            model = TABLES[name].model
            for start in range(0, len(ids), 500):
                found = db.scalars(select(model).where(model.id.in_(ids[start:start + 500])))
                existing.update(((name, obj.id), obj) for obj in found)
        pending: dict[tuple[str, str], list[OutboxEntry]] = {}
        for entry in db.scalars(select(OutboxEntry).where(OutboxEntry.state == "pending")
                                .order_by(OutboxEntry.seq)):
            pending.setdefault((entry.table_name, entry.row_id), []).append(entry)
        return cls(existing, pending)

    # Rows this laptop has never had and holds no unsent edit of (nearly every row of a
    # first sync): inserted set-based at the end of the page, not as mapped objects.
    new: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def take_if_new(self, row: p.PulledRow) -> bool:
        """Keep `row` for insert_new if it is simply new here; False: apply it one by one."""
        table = TABLES.get(row["table"])
        if table is None:
            return False
        key = (table.name, row["row_id"])
        if key in self.existing or key in self.created or key in self.pending:
            return False
        # The same row twice in a page (a parent sent ahead of its children): the later
        # state is the newer one, exactly as applying both in order would leave it.
        self.new.setdefault(table.name, {})[row["row_id"]] = _column_values(table, row)
        return True

    def insert_new(self, db: Session) -> None:
        """Parents before children (TABLES order), rows of one shape per statement."""
        for name, table in TABLES.items():
            shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for values in self.new.get(name, {}).values():
                shapes.setdefault(tuple(values), []).append(values)
            for columns, rows in shapes.items():
                _insert_plain(db, table.name, columns, rows)

    def find(self, key: tuple[str, str]) -> Any:
        return self.created.get(key) or self.existing.get(key)


def _apply_row(db: Session, row: p.PulledRow, state: _PageState) -> None:
    if row["table"] == p.CONFLICTS_TABLE:
        db.merge(SyncConflict(id=row["row_id"], created_at=utc_now(),
                              person_id=row["person_id"], revision_id=row["revision_id"], **{
            k: row["fields"].get(k) for k in ("table_name", "row_id", "field", "kept_value",
                                              "other_value", "other_worker", "other_device",
                                              "other_hlc", "resolved_at", "resolved_by")}))
        return
    if row["table"] == p.HANDOVERS_TABLE:
        _store_handover(db, row)
        return
    table = TABLES.get(row["table"])
    if table is None:
        return  # a table from a newer version of the app: it arrives again after upgrading
    key = (table.name, row["row_id"])
    obj = state.find(key)
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


def _insert_plain(db: Session, table: str, columns: tuple[str, ...],
                  rows: list[dict[str, Any]]) -> None:
    """One executemany on the driver's cursor, inside the session's transaction.

    The values are JSON scalars already (synced columns are text, numbers and flags),
    so SQLAlchemy's per-row parameter processing, most of the cost of a first sync's
    inserts, has nothing to do. Every column the model gives a default and the row does
    not carry is filled from that default first, as an ORM insert would."""
    defaults = {c.key: c.default.arg for c in TABLES[table].model.__table__.columns  # type: ignore[attr-defined]
                if c.key not in columns and c.default is not None and c.default.is_scalar}
    names = (*columns, *defaults)
    sql = (f"INSERT INTO {table} ({', '.join(names)}) "
           f"VALUES ({', '.join('?' for _ in names)})")
    fill = tuple(defaults.values())
    cursor = db.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, [(*(row[c] for c in columns), *fill) for row in rows])
    finally:
        cursor.close()


def _column_values(table: SyncedTable, row: p.PulledRow) -> dict[str, Any]:
    """The row's columns as this laptop stores them: for an INSERT, or set on an object."""
    values = {name: row["fields"][name] for name in table.field_names()
              if name in row["fields"]}
    values.update(id=row["row_id"], device_id=row["device_id"], worker_id=row["worker_id"])
    if "updated_hlc" in table.columns():  # every syncable row, append-only ones included
        values.update(revision_id=row["revision_id"], base_revision_id=None,
                      updated_hlc=row["hlc"])
    return values


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
    for name, value in _column_values(table, row).items():
        if name != "id":  # found or made by this id already
            setattr(obj, name, value)


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
    db.add(OutboxEntry(**outbox.entry_values(change, local)))


_HANDOVER_FIELDS = ("from_team_id", "from_team_name", "to_team_id", "to_team_name", "reason",
                    "note", "requested_by", "opened_at", "accept_by", "accepted_at",
                    "accepted_by")


def _forget_refused_handovers(db: Session, change_ids: list[str]) -> None:
    """A handover the server refused for good (the person already moved, say) never
    happens: the person is not left read-only here waiting for it. The refusal stays
    among the refused changes, where the worker reads why."""
    asked = select(OutboxEntry.row_id).where(
        OutboxEntry.change_id.in_(change_ids),
        OutboxEntry.table_name == p.HANDOVER_REQUESTS_TABLE)
    db.execute(delete(HandoverRow).where(HandoverRow.id.in_(asked),
                                         HandoverRow.state == "requested"))


def _store_handover(db: Session, row: p.PulledRow) -> None:
    """The server's word on a handover replaces what this laptop asked for."""
    fields = {name: row["fields"].get(name) for name in _HANDOVER_FIELDS}
    fields["note"] = fields["note"] or ""
    db.merge(HandoverRow(id=row["row_id"], person_id=row["person_id"],
                         state="accepted" if fields["accepted_at"] else "open", **fields))


def _evict(db: Session, person_id: str) -> None:
    """The person now belongs to another team: remove their rows from this laptop."""
    db.merge(SyncState(key="evicting", value=person_id))  # lets the history trigger allow it
    db.flush()
    for table in reversed(list(TABLES.values())):  # children before the person row
        column = "id" if table.name == "people" else (
            "survivor_id" if table.name == "person_merges" else "person_id")
        db.execute(delete(table.model).where(getattr(table.model, column) == person_id))
    derived.forget(db, person_id)
    db.execute(delete(HandoverRow).where(HandoverRow.person_id == person_id))
    db.execute(delete(SyncState).where(SyncState.key == "evicting"))
