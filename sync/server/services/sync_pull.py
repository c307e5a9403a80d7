"""Pages of the feed after a cursor, limited to what the device may hold.

What a page holds is decided here (scope, backfill, parents first, the cursor); the
statements that read it and the rows' text are storage/feed's, kept in storage/feed_cache."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.models import Person, ScopeChange
from sync.server.services import access, auth
from sync.server.services.auth import SyncDevice
from sync.server.storage import feed
from sync.server.storage.feed import FULL, HEAD, PERSON, REVISION, SEQ, TABLE
from sync.server.storage.feed_cache import FeedCache


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
            return _pull(session, device, cursor, limit, check_scope, seen, cache, HEAD)
        except _Moved:
            pass  # rare: read again, every row in full, each statement one snapshot
    return _pull(session, device, cursor, limit, check_scope, seen,
                 cache or FeedCache(0), FULL)


def _pull(session: Session, device: SyncDevice, cursor: int, limit: int, check_scope: bool,
          seen: int | None, cache: FeedCache, columns: tuple[str, ...]) -> Page:
    # Scope changes (a fetch, a team move) are looked for on a cycle's first page only,
    # and only if one happened anywhere since this device last looked: they are rare.
    # The version is read with the page (in its statement on PostgreSQL, before it on
    # SQLite): every change up to it is then visible to the page's own read, so a person
    # who came into scope is either in the page or (older rows) in the backfill; a change
    # after it is looked at on the next cycle.
    ceiling, scope_version, rows, disabled = feed.page(session, device, cursor, limit,
                                                       columns, check_scope)
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
    texts, held = _texts(session, cache, rows, full=columns == FULL)
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
    for row, text in zip(found, feed.row_texts(session, found), strict=True):
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
    found = feed.by_seq(session, list(missing))
    if any(row[REVISION] != expected[row[SEQ]] for row in found):
        raise _Moved
    return found


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
    return feed.history(session, people, cursor, columns)


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
    parents = feed.own_rows(session, wanted, columns)
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
