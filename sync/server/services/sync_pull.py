"""Pages of the feed after a cursor, limited to what the device may hold."""

from __future__ import annotations

import dataclasses
import functools
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, literal, select, true
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect
from sqlalchemy.orm import Session

from sync.server.models import Person, ScopeChange, SyncCounter, SyncRow, Team, Worker
from sync.server.models.sync import FEED_COUNTER, SCOPE_COUNTER
from sync.server.services import auth, bulk, sealing
from sync.server.services import credentials as authorship
from sync.server.services import people as access
from sync.server.services.auth import SyncDevice
from sync.server.services.bulk import is_postgres
from sync.server.services.feed_cache import FeedCache

_text = json.encoder.encode_basestring_ascii  # a JSON string literal, quotes included
_ROW = SyncRow.__table__
# Enough to place a row in the page (scope, parents first); its JSON comes from the
# feed cache, and only rows the cache lacks are read in full.
_HEAD = ("seq", "revision_id", "table_name", "person_id")
_FULL = (*_HEAD, *(c.name for c in _ROW.c if c.name not in _HEAD))
# Rows are plain tuples read by position, heads and full rows alike (full rows start
# with the head's columns): core rows, not ORM objects, as a page of 2,000 built as
# mapped instances cost more than reading it; and not named tuples, whose building was
# a tenth of the server's time with 100 devices at once.
SEQ, REVISION, TABLE, PERSON = range(len(_HEAD))
_ROW_ID, _HLC, _DEVICE, _WORKER, _APPEND_ONLY, _FIELDS = (
    _FULL.index(c) for c in ("row_id", "hlc", "device_id", "worker_id", "append_only",
                             "fields_json"))


class _Moved(Exception):
    """A row in the page was written again between reading its place and its content."""


@dataclass(frozen=True)
class Page:
    rows: list[str]  # each row as JSON text, in feed order
    next_cursor: int
    has_more: bool
    evicted_people: list[str]
    scope_version: int | None
    disabled_workers: list[str] = dataclasses.field(default_factory=list)

    def as_json(self) -> str:
        """The page as JSON text, the rows spliced in as they are."""
        return (f'{{"rows":[{",".join(self.rows)}],"next_cursor":{self.next_cursor},'
                f'"has_more":{json.dumps(self.has_more)},'
                f'"evicted_people":{json.dumps(self.evicted_people)},'
                f'"scope_version":{json.dumps(self.scope_version)},'
                f'"disabled_workers":{json.dumps(self.disabled_workers)}}}')


def pull(session: Session, device: SyncDevice, cursor: int, limit: int,
         check_scope: bool = True, scope_seen: int | None = None,
         cache: FeedCache | None = None) -> Page:
    """`scope_seen`: the scope version the device saved with the last page it applied
    (the version this server last sent it, for a device too old to say). Without a
    `cache`, every row is read in full.

    Each statement stands alone (the endpoint may commit each as it runs): the page's
    own is one snapshot, and the only write, the scope version sent, comes last."""
    # Taken once, before any attempt: the version a device has seen must not move
    # between a first attempt that gives up (_Moved) and the read that follows.
    seen = device.scope_seen if scope_seen is None else scope_seen
    if cache is not None and not cache.reads_in_full(device.id):
        try:
            return _pull(session, device, cursor, limit, check_scope, seen, cache, _HEAD)
        except _Moved:
            pass  # rare: read again, every row in full, each statement one snapshot
    return _pull(session, device, cursor, limit, check_scope, seen,
                 cache or FeedCache(0), _FULL)


def _pull(session: Session, device: SyncDevice, cursor: int, limit: int, check_scope: bool,
          seen: int | None, cache: FeedCache, columns: tuple[str, ...]) -> Page:
    # Scope changes (a fetch, a team move) are looked for on a cycle's first page only,
    # and only if one happened anywhere since this device last looked: they are rare.
    # The version is read with the page (in its statement on PostgreSQL, before it on
    # SQLite): every change up to it is then visible to the page's own read, so a person
    # who came into scope is either in the page or (older rows) in the backfill; a change
    # after it is looked at on the next cycle.
    ceiling, scope_version, rows, disabled = _page(session, device, cursor, limit, columns,
                                                   check_scope)
    version = scope_version if check_scope else None
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = rows[-1][SEQ] if has_more else ceiling
    evicted: list[str] = []
    if version is not None and version != seen and cursor > 0:
        # At cursor 0 the device holds nothing and is sent all it may hold anyway.
        came, evicted = _scope_changes(session, device, min(seen or 0, version), version)
        rows = _backfill(session, cursor, came, columns) + rows
    rows = _parents_first(session, rows, columns)
    texts, held = _texts(session, cache, rows, full=columns == _FULL)
    cache.note_page(device.id, held, len(rows))
    if version is not None and device.scope_seen != version:
        # What is sent (a push reads it). Last: the endpoint commits each statement as it
        # runs, and a page that fails on the way must not be recorded as sent.
        auth.record_scope_seen(session, device, version)
    return Page(texts, max(next_cursor, cursor), has_more, evicted, version, disabled)


def _texts(session: Session, cache: FeedCache, rows: list[Any], *,
           full: bool) -> tuple[list[str], int]:
    """Each row's JSON, and how many of the rows the cache held already: encoded from a
    full row, or the cache's text for a head, with the heads the cache lacks read in
    full by seq. A seq no longer there (or holding another revision) was written again
    since the head was read: _Moved."""
    texts: list[str] = []
    encode: dict[int, list[int]] = {}  # seq -> places, of full rows the cache lacks
    held = 0
    for row in rows:
        text = cache.get(row[SEQ], row[REVISION])
        if text is not None:
            held += 1
        else:
            encode.setdefault(row[SEQ], []).append(len(texts))
            text = ""
        texts.append(text)
    if not encode:
        return texts, held
    if full:
        found = list({row[SEQ]: row for row in rows if row[SEQ] in encode}.values())
    else:
        found = _read_missing(session, rows, encode)
    for row, text in zip(found, _row_jsons(session, found), strict=True):
        cache.put(row[SEQ], row[REVISION], text)
        for place in encode.pop(row[SEQ]):
            texts[place] = text
    if encode:
        raise _Moved
    return texts, held


def _read_missing(session: Session, rows: list[Any], missing: dict[int, list[int]]
                  ) -> list[Any]:
    """The heads the cache lacks, read in full by seq; _Moved if one was written again."""
    expected = {row[SEQ]: row[REVISION] for row in rows}
    found = bulk.by_keys(session, _ROW, _FULL, ("seq",), [(seq,) for seq in missing])
    if any(row[REVISION] != expected[row[SEQ]] for row in found):
        raise _Moved
    return found


def _row_jsons(session: Session, rows: list[Any]) -> list[str]:
    """Full rows as JSON, their record text opened (sealed at rest: services/sealing)."""
    fields = sealing.open_records(session, [
        (row[TABLE], row[_ROW_ID], row[REVISION], row[_FIELDS]) for row in rows])
    return [_row_json(row, text) for row, text in zip(rows, fields, strict=True)]


def committed_text(row: dict[str, Any], fields: str) -> str:
    """A row a push has just committed (`row`: its sync_rows values, its seq taken;
    `fields`: its record text before sealing), as `_row_jsons` would make it when read
    back: the push keeps it in the feed cache, and the team's pulls need not open it."""
    return _row_json(tuple(row.get(c) for c in _FULL), fields)


def _row_json(row: Any, fields: str) -> str:
    # One C-level string escape per text value instead of json.dumps of a dict per row:
    # encoding rows was most of a pull's CPU time before the feed cache.
    return (f'{{"seq":{int(row[SEQ])},"table":{_text(row[TABLE])},'
            f'"row_id":{_text(row[_ROW_ID])},"person_id":{_text(row[PERSON])},'
            f'"revision_id":{_text(row[REVISION])},"hlc":{_text(row[_HLC])},'
            f'"device_id":{_text(row[_DEVICE])},"worker_id":{_text(row[_WORKER])},'
            f'"append_only":{"true" if row[_APPEND_ONLY] else "false"},'
            f'"fields":{fields}}}')


def _page(session: Session, device: SyncDevice, cursor: int, limit: int,
          columns: tuple[str, ...], check_scope: bool
          ) -> tuple[int, int, list[Any], list[str]]:
    """The committed counter, the scope version, and the rows up to the counter, read
    as ONE snapshot (the scope version only when `check_scope`, on SQLite); and the
    team's switched-off workers, whom the laptop must forget (on PostgreSQL in the same
    statement: no round trip of its own).

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
    if columns != _FULL:
        # Heads: from the cache for a device near the head of the feed, a few rows past
        # its cursor. Each row's person is looked up by primary key, kept a per-row test
        # by OFFSET 0 (which stops the planner from making it a join): as a join, on
        # tables too new to have statistics, the prepared plan compared every row with
        # every person (19 ms for a page of 500 among 1,500 people, against 5 ms).
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
        statement = (select(*(rows.c[c] for c in _FULL), counter.c.ceiling, counter.c.scope,
                            counter.c.disabled)
                     .select_from(counter)
                     .outerjoin(seqs, true()).outerjoin(rows, rows.c.seq == seqs.c.seq)
                     .order_by(seqs.c.seq))
    compiled = statement.compile(dialect=psycopg_dialect())
    return str(compiled), dict(compiled.params)


def _scope_changes(session: Session, device: SyncDevice, seen: int,
                   version: int) -> tuple[set[str], list[str]]:
    """(people who came into this device's scope, people who left it) by the scope
    changes after `seen` up to `version`, judged by the scope as it is now: a person
    moved away and back again stays, one fetched and then moved elsewhere stays."""
    came: set[str] = set()
    went: set[str] = set()
    for change in session.scalars(select(ScopeChange).where(
            ScopeChange.version > seen, ScopeChange.version <= version)):
        if change.device_id == device.id or change.to_team_id == device.team_id:
            came.add(change.person_id)
        if change.from_team_id == device.team_id:
            went.add(change.person_id)
    if not came and not went:
        return set(), []
    in_scope = set(session.scalars(access.device_scope(device).with_only_columns(Person.id)
                                   .where(Person.id.in_(came | went))))
    return came & in_scope, sorted(went - in_scope)


def _backfill(session: Session, cursor: int, people: set[str],
              columns: tuple[str, ...]) -> list[Any]:
    """The history of people who came into scope after the cursor passed their rows
    (fetched from another team, or moved to ours): sent once, before the page."""
    if not people:
        return []
    return list(session.execute(
        select(*(_ROW.c[c] for c in columns))
        .where(_ROW.c.person_id.in_(sorted(people)), _ROW.c.seq <= cursor)
        .order_by(_ROW.c.seq)))


def _parents_first(session: Session, rows: list[Any], columns: tuple[str, ...]) -> list[Any]:
    """A row's seq is its latest write, so a person edited after their assessment comes
    later in the feed than the assessment: a device that never had them would get the
    children first, on this page or an earlier one, and could not store them (the local
    foreign key to the person). Send the person's row before the first row that hangs
    off it whenever the person's row is further on; it arrives again at its own place,
    and applying a row twice changes nothing (tests/e2e/test_convergence_stateful.py)."""
    wanted = {row[PERSON] for row in rows if row[TABLE] != "people"}
    if not wanted:
        return rows
    parents = {r.row_id: r for r in bulk.by_keys(
        session, _ROW, (*columns, "row_id") if "row_id" not in columns else columns,
        ("row_id",), [(person_id,) for person_id in wanted],
        # The person's own row: its row id is its person id (a row claiming another
        # person's id as its own must never be sent as that person).
        where="table_name = 'people' AND person_id = row_id")}
    out: list[Any] = []
    seen: set[str] = set()
    for row in rows:
        if row[PERSON] not in seen and row[TABLE] != "people":
            person = parents.get(row[PERSON])
            if person is not None and person[SEQ] > row[SEQ]:
                out.append(person)
        seen.add(row[PERSON])
        out.append(row)
    return out


def move_person(session: Session, person_id: str, team_id: str) -> None:
    """Hand a person to another team; the old team's devices drop them at their next pull.
    Raises NoResultFound for an unknown person or team (people.owning_team_id is not a
    foreign key: see migration 0007)."""
    session.get_one(Team, team_id)
    person = session.get_one(Person, person_id)
    if person.owning_team_id != team_id:
        access.scope_changed(session, person_id, from_team_id=person.owning_team_id,
                             to_team_id=team_id)
        person.owning_team_id = team_id
