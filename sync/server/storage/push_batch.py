"""Set-based reads and writes for a push batch: a handful of statements, not one per row.

Concurrency rules (see services/sync_push): rows are serialised per key by transaction-scoped
advisory locks taken in sorted order before anything is read; the feed counter is taken
last, in the statement sent with the COMMIT, so the counter lock is held for as long as
PostgreSQL takes to run the two, and seq order stays commit order.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from sync.server.models import (
    Person,
    SyncChange,
    SyncRevision,
    SyncRow,
    Worker,
    WorkerCredential,
)
from sync.server.models.sync import FEED_COUNTER
from sync.server.services import sealing
from sync.server.storage import bulk, counters
from sync.server.storage.bulk import is_postgres

Key = tuple[str, str]  # (table, row_id)


def lock_keys(session: Session, keys: Iterable[Key]) -> None:
    """Serialise pushes that touch the same rows, whether or not the rows exist yet.
    SQLite needs nothing: BEGIN IMMEDIATE already serialises writers."""
    if not is_postgres(session):
        return
    hashes = sorted({zlib.crc32(f"{t}\0{r}".encode()) - 2**31 for t, r in keys})
    if hashes:  # one array parameter, not one parameter per key; taken in array order
        bulk.run_binary(session, "SELECT pg_advisory_xact_lock(unnest(%b::integer[]))",
                        [hashes])


@dataclass
class Held:
    """What the server holds already of the rows, people and changes a batch names."""

    ledger: dict[str, Any]  # change id -> (content_hash, result_json) of changes received
    linkage: dict[str, str]  # person id -> linkage hash ("" if legacy), of people known
    current: dict[Key, Current]  # (table, row id) -> the row now, opened
    bases: dict[tuple[str, str, str], str]  # (table, row id, revision id) -> its JSON
    # worker_credentials rows found, each with its worker's (credentials_later)
    credentials: list[Any] = field(default_factory=list)
    unique: dict[tuple[str, str], str] = field(default_factory=dict)  # -> row id holding it


def lock_and_read(session: Session, changes: list[dict[str, Any]], *,
                  people: set[str], salted: set[Key],
                  credential_hashes: dict[str, str] | None = None,
                  unique_keys: Iterable[Key] = (), also_locked: Iterable[Key] = ()) -> Held:
    """Lock every row key of the batch, then read what it needs: sent together, one
    round trip on PostgreSQL. Still in order: each read runs, and takes its snapshot,
    only once the locks are held (a row read before its lock may be stale).
    `people`: every person the batch names (in fields too: merges), whose registry
    linkage is read. `salted`: further rows read but not locked (the person's own row,
    for the salt an answer's id is made from: sync_checks.made_id).
    `credential_hashes`: token hash -> claimed worker, of the credentials the push
    carries (sync_push decides the authors from what is read of them). `unique_keys`:
    (table, unique key) of the batch's rows, locked like rows and read for who holds
    them (two pushes making one person's answer under two ids serialise there).
    `also_locked`: further keys locked with the rows, read nothing for (a handover's
    person: services/handovers.lock)."""
    if not changes:  # an empty pipeline still waits for the server's reply
        return Held({}, {}, {}, {})
    claimed = credential_hashes or {}
    keys = {(c["table"], c["row_id"]) for c in changes}
    uniques = set(unique_keys)
    with bulk.pipelined(session):
        lock_keys(session, keys | {(f"unique {t}", k) for t, k in uniques} | set(also_locked))
        ledger = bulk.by_keys_later(
            session, SyncChange.__table__, ("change_id", "content_hash", "result_json"),
            ("change_id",), [(c["change_id"],) for c in changes])
        linkage = bulk.by_keys_later(session, Person.__table__, ("id", "linkage_key"),
                                     ("id",), [(i,) for i in people])
        current = bulk.by_keys_later(
            session, SyncRow.__table__,
            ("table_name", "row_id", "person_id", "revision_id", "append_only", "fields_json",
             "unique_key"), ("table_name", "row_id"), keys | salted)
        # Only when a change has a unique key; the condition lets the index (partial,
        # migration 0013) serve it.
        holders = bulk.by_keys_later(session, SyncRow.__table__,
                                     ("table_name", "unique_key", "row_id"),
                                     ("table_name", "unique_key"), uniques,
                                     where="unique_key IS NOT NULL")
        base_key = ("table_name", "row_id", "revision_id")
        bases = bulk.by_keys_later(
            session, SyncRevision.__table__, (*base_key, "fields_json"), base_key,
            {(c["table"], c["row_id"], c["base_revision_id"]) for c in changes
             if c["base_revision_id"]})
        held_credentials = credentials_later(session, claimed)
    return Held(ledger={row.change_id: row for row in ledger()},
                linkage=_linkage_held(linkage()),
                current=_opened_current(session, current()),
                bases=_opened_bases(session, bases()),
                credentials=held_credentials(),
                unique={(t, k): row_id for t, k, row_id in holders()})


_C, _W = WorkerCredential.__table__.c, Worker.__table__.c
# A credential and its worker's row, joined: one statement in a push's read pipeline,
# where they were two (each statement is CPU on both sides, with 100 devices at once).
_HELD = (_C.token_hash, _C.worker_id, _C.device_id, _C.revoked_at,
         _W.id.label("worker_found"), _W.team_id, _W.role, _W.disabled_at, _W.display_name)
_HELD_SQL = ("SELECT c.token_hash, c.worker_id, c.device_id, c.revoked_at, "
             "w.id AS worker_found, w.team_id, w.role, w.disabled_at, w.display_name "
             "FROM worker_credentials AS c LEFT JOIN workers AS w ON w.id = c.worker_id "
             "WHERE c.token_hash = ANY(%s::text[])")


def credentials_later(session: Session, claimed: dict[str, str]) -> Callable[[], list[Any]]:
    """The credentials presented (`claimed`: token hash -> claimed worker) that exist,
    each with its worker's row (`worker_found` None if the worker is gone): sent now (on
    PostgreSQL inside the push's read pipeline, after its locks), read when called.
    services/credentials judges them."""
    if not claimed:
        return list
    if not is_postgres(session):
        rows = list(session.execute(
            select(*_HELD).outerjoin(Worker.__table__, _W.id == _C.worker_id)
            .where(_C.token_hash.in_(sorted(claimed)))))
        return lambda: rows
    return bulk.sql_later(session, _HELD_SQL, [sorted(claimed)])


@dataclass(frozen=True)
class Current:
    """A row as the database holds it, its record text opened: `fields_json` is the
    JSON, `sealed` the stored form (None for a row from before migration 0009), which
    moves into sync_revisions as it is when the row is superseded."""

    person_id: str
    revision_id: str
    append_only: bool
    fields_json: str
    sealed: str | None
    unique_key: str | None = None


def _opened_current(session: Session, rows: list[Any]) -> dict[Key, Current]:
    texts = sealing.open_records(session, [
        (r.table_name, r.row_id, r.revision_id, r.fields_json) for r in rows])
    return {(r.table_name, r.row_id): Current(
        r.person_id, r.revision_id, r.append_only, text,
        r.fields_json if sealing.is_sealed(r.fields_json) else None, r.unique_key)
        for r, text in zip(rows, texts, strict=True)}


def _opened_bases(session: Session, rows: list[Any]) -> dict[tuple[str, str, str], str]:
    texts = sealing.open_records(session, [tuple(row) for row in rows])
    return {(t, r, v): text for (t, r, v, _stored), text in zip(rows, texts, strict=True)}


def _linkage_held(rows: list[Any]) -> dict[str, str]:
    """Person id -> linkage hash. A key from before migration 0009 (plaintext) is held
    as "", so that the person's next pushed row writes its hash (services/registry)."""
    return {person_id: key if key.startswith(sealing.HASH_PREFIX) else ""
            for person_id, key in rows}


def insert_ignoring_duplicates(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    bulk.insert(session, model.__table__, rows, ignore_duplicates=True)  # type: ignore[attr-defined]


_ROW_VALUES = ("person_id", "seq", "revision_id", "hlc", "device_id", "worker_id",
               "append_only", "fields_json")


def write_rows_and_commit(session: Session, new: list[dict[str, Any]],
                          changed: list[dict[str, Any]]) -> int | None:
    """Insert new rows and update existing ones, numbering them from the feed counter,
    and commit the transaction. Returns the first seq taken (a row's seq is that plus
    its offset), known only once the commit succeeded; None if there were no rows.

    Each row's "seq" is its offset within the batch (the caller's dicts keep it so);
    the counter is taken here, last.
    On PostgreSQL the counter, the inserts and the updates are ONE statement, sent with
    the COMMIT in one round trip: the counter row is locked for as long as PostgreSQL
    takes to run the two. Taken before the writes (statements and Python between them,
    in a process whose threads share one interpreter lock), every concurrent push
    queued behind it for tens of ms each: with 100 devices at once, pushes waited
    seconds and the pool ran dry. Committed in a second round trip, every push still
    waited, at each push ahead of it, for that push's thread to be woken and get the
    interpreter lock (a third longer at the 95th percentile than in one trip)."""
    count = len(new) + len(changed)
    if not count:
        session.commit()
        return None
    table = SyncRow.__table__
    changed = [{"table_name": r["table_name"], "row_id": r["row_id"],
                **{name: r[name] for name in _ROW_VALUES}} for r in changed]
    if not is_postgres(session):  # one writer at a time already (BEGIN IMMEDIATE)
        first = counters.take_seqs(session, count)
        bulk.insert(session, table, [{**row, "seq": row["seq"] + first} for row in new])
        bulk.update(session, table, ("table_name", "row_id"),
                    [{**row, "seq": row["seq"] + first} for row in changed])
        session.commit()
        return first
    parts, arrays = [], []
    if new:
        columns = list(new[0])
        source, values = bulk.unnest_arrays(session, table, columns, new)
        picked = ", ".join("c.first + v.seq" if c == "seq" else f"v.{c}" for c in columns)
        parts.append(f"new AS (INSERT INTO sync_rows ({', '.join(columns)}) "
                     f"SELECT {picked} FROM c, {source} AS v({', '.join(columns)}))")
        arrays += values
    if changed:
        columns = list(changed[0])
        source, values = bulk.unnest_arrays(session, table, columns, changed)
        sets = ", ".join("seq = c.first + v.seq" if c == "seq" else f"{c} = v.{c}"
                         for c in _ROW_VALUES)
        parts.append(f"changed AS (UPDATE sync_rows SET {sets} FROM c, {source} AS "
                     f"v({', '.join(columns)}) WHERE sync_rows.table_name = v.table_name "
                     f"AND sync_rows.row_id = v.row_id)")
        arrays += values
    (first,) = bulk.run_binary_and_commit(session, (
        f"WITH c AS (UPDATE sync_counter SET value = value + {count:d} WHERE id = {FEED_COUNTER} "
        f"RETURNING value - {count:d} + 1 AS first), {', '.join(parts)} SELECT first FROM c"),
        arrays)
    return int(first)


def write_row_now(session: Session, row: dict[str, Any]) -> int:
    """One new feed row written outside a push (a handover opened online or by IT), its
    seq taken from the counter as it is written; returns the seq. The counter stays
    locked until the caller's transaction commits, so seq order is still commit order:
    call it last, just before the commit."""
    seq = counters.take_seqs(session, 1)
    session.execute(insert(SyncRow.__table__).values({**row, "seq": seq}))
    return seq
