"""Set-based reads and writes for a push batch: a handful of statements, not one per row.

Concurrency rules (see sync_push): rows are serialised per key by transaction-scoped
advisory locks taken in sorted order before anything is read; the feed counter is taken
last and the transaction commits at once, so the counter lock is held for milliseconds
and seq order stays commit order.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, func, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from sync.server.models import DeviceHolding, Person, SyncChange, SyncCounter, SyncRevision, SyncRow
from sync.server.services import people as access

Key = tuple[str, str]  # (table, row_id)


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def lock_keys(session: Session, keys: Iterable[Key]) -> None:
    """Serialise pushes that touch the same rows, whether or not the rows exist yet.
    SQLite needs nothing: BEGIN IMMEDIATE already serialises writers."""
    if not is_postgres(session):
        return
    hashes = sorted({zlib.crc32(f"{t}\0{r}".encode()) - 2**31 for t, r in keys})
    if hashes:
        session.execute(select(func.pg_advisory_xact_lock(
            func.unnest(postgresql.array(hashes)))))


def ledger(session: Session, change_ids: list[str]) -> dict[str, SyncChange]:
    if not change_ids:
        return {}
    return {c.change_id: c for c in session.scalars(
        select(SyncChange).where(SyncChange.change_id.in_(change_ids)))}


def people(session: Session, person_ids: set[str]) -> dict[str, Person]:
    if not person_ids:
        return {}
    return {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))}


def allowed_people(session: Session, device_scope_of: Any, person_ids: set[str]) -> set[str]:
    """Of these people, those the device may change: in scope, or held by it already."""
    if not person_ids:
        return set()
    in_scope = set(session.scalars(access.device_scope(device_scope_of)
                                   .with_only_columns(Person.id)
                                   .where(Person.id.in_(person_ids))))
    held = set(session.scalars(select(DeviceHolding.person_id).where(
        DeviceHolding.device_id == device_scope_of.id, DeviceHolding.person_id.in_(person_ids))))
    return in_scope | held


def current_rows(session: Session, keys: set[Key]) -> dict[Key, SyncRow]:
    if not keys:
        return {}
    rows = session.scalars(select(SyncRow).where(
        tuple_(SyncRow.table_name, SyncRow.row_id).in_(sorted(keys))))
    return {(r.table_name, r.row_id): r for r in rows}


def revisions(session: Session, wanted: set[tuple[str, str, str]]) -> dict[tuple, str]:
    if not wanted:
        return {}
    rows = session.execute(select(SyncRevision.table_name, SyncRevision.row_id,
                                  SyncRevision.revision_id, SyncRevision.fields_json).where(
        tuple_(SyncRevision.table_name, SyncRevision.row_id, SyncRevision.revision_id)
        .in_(sorted(wanted))))
    return {(t, r, v): fields for t, r, v, fields in rows}


def take_seqs(session: Session, count: int) -> int:
    """Reserve `count` seqs; returns the first. Holds the counter's lock until commit."""
    last = session.execute(update(SyncCounter).where(SyncCounter.id == 1)
                           .values(value=SyncCounter.value + count)
                           .returning(SyncCounter.value)).scalar_one()
    return last - count + 1


def insert_ignoring_duplicates(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    dialect = postgresql if is_postgres(session) else sqlite
    session.execute(dialect.insert(model).on_conflict_do_nothing(), rows)


_ROW_VALUES = ("person_id", "seq", "revision_id", "hlc", "device_id", "worker_id",
               "append_only", "fields_json")


def write_rows(session: Session, new: list[dict[str, Any]], changed: list[dict[str, Any]]) -> None:
    """Insert new rows and update existing ones, each in one executemany."""
    table = SyncRow.__table__
    if new:
        session.execute(table.insert(), new)
    if changed:
        session.execute(
            table.update().where(table.c.table_name == bindparam("k_table"),
                                 table.c.row_id == bindparam("k_row"))
            .values({name: bindparam(name) for name in _ROW_VALUES}),
            [{"k_table": r["table_name"], "k_row": r["row_id"],
              **{name: r[name] for name in _ROW_VALUES}} for r in changed])
