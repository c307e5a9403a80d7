"""The feed as the database holds it: the page statement, reads by seq, and each row's
JSON text (what the feed cache keeps and a pull sends). services/sync_pull decides what a
page holds; this reads it."""

from __future__ import annotations

import functools
import json
from typing import Any

from sqlalchemy import bindparam, func, literal, select, true
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect
from sqlalchemy.orm import Session

from sync.server.models import Person, SyncCounter, SyncRow, Worker
from sync.server.models.sync import FEED_COUNTER, SCOPE_COUNTER
from sync.server.services import access, sealing
from sync.server.services import credentials as authorship
from sync.server.services.auth import SyncDevice
from sync.server.storage import bulk
from sync.server.storage.bulk import is_postgres

_text = json.encoder.encode_basestring_ascii  # a JSON string literal, quotes included
_ROW = SyncRow.__table__
# Enough to place a row in the page (scope, parents first); its JSON comes from the
# feed cache, and only rows the cache lacks are read in full.
HEAD = ("seq", "revision_id", "table_name", "person_id")
FULL = (*HEAD, *(c.name for c in _ROW.c if c.name not in HEAD))
# Rows are plain tuples read by position, heads and full rows alike (full rows start
# with the head's columns): core rows, not ORM objects, as a page of 2,000 built as
# mapped instances cost more than reading it; and not named tuples, whose building was
# a tenth of the server's time with 100 devices at once.
SEQ, REVISION, TABLE, PERSON = range(len(HEAD))
_ROW_ID, _HLC, _DEVICE, _WORKER, _APPEND_ONLY, _FIELDS = (
    FULL.index(c) for c in ("row_id", "hlc", "device_id", "worker_id", "append_only",
                            "fields_json"))


def page(session: Session, device: SyncDevice, cursor: int, limit: int,
         columns: tuple[str, ...], check_scope: bool
         ) -> tuple[int, int, list[Any], list[str]]:
    """The committed counter, the scope version, and the rows up to the counter, read
    as ONE snapshot (the scope version only when `check_scope`, on SQLite); and the
    team's switched-off workers, whom the laptop must forget (on PostgreSQL in the same
    statement: no round trip of its own). One row more than `limit`, if there are more:
    the page then has more after it.

    Every seq at or below the counter is committed (pushes hold the counter until they
    commit). But rows are updated in place: read in two statements, a row rewritten in
    between has left its old seq (below the counter) for a new one (above it), and the
    page would silently lack a state it claims to include. On PostgreSQL one statement
    (counter in a CTE, rows in a LATERAL join) is one snapshot. SQLite needs nothing:
    the request's BEGIN IMMEDIATE already keeps writers out."""
    if not is_postgres(session):
        version = (session.scalar(_COUNTER, {"id": SCOPE_COUNTER}) or 0) if check_scope else 0
        scope = access.device_scope(device).with_only_columns(Person.id)
        ceiling = session.scalar(_COUNTER, {"id": FEED_COUNTER}) or 0
        disabled = authorship.disabled_in_team(session, device.team_id) if check_scope else []
        return ceiling, version, list(session.execute(
            select(*(_ROW.c[c] for c in columns))
            .where(_ROW.c.seq > cursor, _ROW.c.seq <= ceiling, _ROW.c.person_id.in_(scope))
            .order_by(_ROW.c.seq).limit(limit + 1))), disabled
    sql, defaults = _page_query(columns)
    raw = session.connection().connection.driver_connection
    with raw.cursor() as found:  # type: ignore[union-attr]
        found.execute(sql, {**defaults, "cursor": cursor, "limit": limit + 1,
                            "team_id": device.team_id, "device_id": device.id})
        rows = found.fetchall()
    # Each row ends with the counter, the scope version and the disabled workers (the
    # page may have no rows: then one row of NULLs but for those three).
    ceiling, version, disabled = rows[0][-3:]
    return (ceiling or 0, version or 0, [row for row in rows if row[SEQ] is not None],
            sorted(disabled.split(",")) if disabled and check_scope else [])


_COUNTER = select(SyncCounter.value).where(SyncCounter.id == bindparam("id"))


@functools.cache
def _page_query(columns: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    """The page statement for PostgreSQL, compiled once per column list: the counter in
    a CTE, the page's rows picked in a LATERAL join. Run on the driver connection, it
    skips SQLAlchemy's statement building and cache lookup, half of an empty pull's
    time; psycopg prepares it on the server after a few runs."""
    scope_version = (select(SyncCounter.value).where(SyncCounter.id == SCOPE_COUNTER)
                     .scalar_subquery())
    workers = Worker.__table__.c
    disabled = (select(func.string_agg(workers.id, ","))
                .where(workers.team_id == bindparam("team_id"), workers.disabled_at.is_not(None))
                .scalar_subquery())
    counter = (select(SyncCounter.value.label("ceiling"), scope_version.label("scope"),
                      disabled.label("disabled"))
               .where(SyncCounter.id == FEED_COUNTER).cte("c"))
    scope = access.scope_of(bindparam("team_id"), bindparam("device_id"))
    after_cursor = (_ROW.c.seq > bindparam("cursor"), _ROW.c.seq <= counter.c.ceiling)
    if columns != FULL:
        # Heads: from the cache for a device near the head of the feed, a few rows past
        # its cursor. Each row's person is looked up by primary key, kept a per-row test
        # by OFFSET 0 (which stops the planner from making it a join): as a join, on
        # tables too new to have statistics, the prepared plan compared every row with
        # every person, several times slower.
        in_scope = (scope.with_only_columns(literal(1)).where(Person.id == _ROW.c.person_id)
                    .offset(0).exists())
        heads = (select(*(_ROW.c[c] for c in columns)).where(*after_cursor, in_scope)
                 .order_by(_ROW.c.seq).limit(bindparam("limit")).lateral("r"))
        statement = (select(*heads.c, counter.c.ceiling, counter.c.scope, counter.c.disabled)
                     .select_from(counter)
                     .outerjoin(heads, true()).order_by(heads.c.seq))
    else:
        # Full rows: for a device catching up on history, many rows past its cursor,
        # which a hash join with its scope takes best. The seqs are picked and sorted
        # first (sorting whole rows, fields and all, spilled every page's candidates to
        # disk), then the rows fetched by seq.
        seqs = (select(_ROW.c.seq)
                .where(*after_cursor, _ROW.c.person_id.in_(scope.with_only_columns(Person.id)))
                .order_by(_ROW.c.seq).limit(bindparam("limit")).lateral("r"))
        rows = _ROW.alias("rows")
        statement = (select(*(rows.c[c] for c in FULL), counter.c.ceiling, counter.c.scope,
                            counter.c.disabled)
                     .select_from(counter)
                     .outerjoin(seqs, true()).outerjoin(rows, rows.c.seq == seqs.c.seq)
                     .order_by(seqs.c.seq))
    compiled = statement.compile(dialect=psycopg_dialect())
    return str(compiled), dict(compiled.params)


def by_seq(session: Session, seqs: list[int]) -> list[Any]:
    """Full rows at these seqs (those still there)."""
    return bulk.by_keys(session, _ROW, FULL, ("seq",), [(seq,) for seq in seqs])


def history(session: Session, people: set[str], cursor: int,
            columns: tuple[str, ...]) -> list[Any]:
    """These people's rows at or below the cursor, in feed order."""
    return list(session.execute(
        select(*(_ROW.c[c] for c in columns))
        .where(_ROW.c.person_id.in_(sorted(people)), _ROW.c.seq <= cursor)
        .order_by(_ROW.c.seq)))


def own_rows(session: Session, people: set[str], columns: tuple[str, ...]) -> dict[str, Any]:
    """Person id -> that person's own `people` row (with its row id)."""
    return {r.row_id: r for r in bulk.by_keys(
        session, _ROW, (*columns, "row_id") if "row_id" not in columns else columns,
        ("row_id",), [(person_id,) for person_id in people],
        # The person's own row: its row id is its person id (a row claiming another
        # person's id as its own must never be sent as that person).
        where="table_name = 'people' AND person_id = row_id")}


def row_texts(session: Session, rows: list[Any]) -> list[str]:
    """Full rows as JSON, their record text opened (sealed at rest: services/sealing)."""
    fields = sealing.open_records(session, [
        (row[TABLE], row[_ROW_ID], row[REVISION], row[_FIELDS]) for row in rows])
    return [_row_json(row, text) for row, text in zip(rows, fields, strict=True)]


def committed_text(row: dict[str, Any], fields: str) -> str:
    """A row a push has just committed (`row`: its sync_rows values, its seq taken;
    `fields`: its record text before sealing), as `row_texts` would make it when read
    back: the push keeps it in the feed cache, and the team's pulls need not open it."""
    return _row_json(tuple(row.get(c) for c in FULL), fields)


def _row_json(row: Any, fields: str) -> str:
    # One C-level string escape per text value instead of json.dumps of a dict per row:
    # encoding rows was most of a pull's CPU time before the feed cache.
    return (f'{{"seq":{int(row[SEQ])},"table":{_text(row[TABLE])},'
            f'"row_id":{_text(row[_ROW_ID])},"person_id":{_text(row[PERSON])},'
            f'"revision_id":{_text(row[REVISION])},"hlc":{_text(row[_HLC])},'
            f'"device_id":{_text(row[_DEVICE])},"worker_id":{_text(row[_WORKER])},'
            f'"append_only":{"true" if row[_APPEND_ONLY] else "false"},'
            f'"fields":{fields}}}')
