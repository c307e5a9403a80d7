"""How many times a sync request waits on PostgreSQL. With one request at a time per
server process, every wait is a process standing still.

A push: three times whatever the batch (its locks and reads together, then its writes,
then the feed rows with the COMMIT), and once before them for who is calling, with the
BEGIN sent along. A pull: twice (who is calling, then the page), its statements each
committing as they run, with no BEGIN or COMMIT to wait for."""

from __future__ import annotations

import os
import tempfile
import uuid
from types import SimpleNamespace

import psycopg
import pytest
import sqlalchemy as sa

from sync.server import crypto
from sync.server.api.deps import as_device
from sync.server.models import Device, Person, SyncChange
from sync.server.services import sync_pull, sync_push
from sync.server.storage import push_batch
from sync.server.storage.feed_cache import FeedCache
from tests.server.test_push_races import (
    CREDENTIALS,
    WORKER,
    sessions,  # noqa: F401  (fixture)
)
from tests.server.test_sync import change
from tests.sync_rows import stamped

pytestmark = pytest.mark.postgres


def _round_trips(session, work) -> int:
    """How many times `work` waited for PostgreSQL on the session's connection."""
    raw = session.connection().connection.driver_connection
    return _traced(raw.pgconn, work)


def _traced(pgconn, work) -> int:
    with tempfile.TemporaryFile("w+") as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            work()
        finally:
            pgconn.untrace()
        os.fsync(trace.fileno())
        trace.seek(0)  # each wait ends with the server's ReadyForQuery
        return sum(1 for line in trace if line.startswith("B") and "ReadyForQuery" in line)


@pytest.mark.parametrize("people", [1, 20])
def test_a_push_of_new_people_waits_three_times(sessions, people) -> None:  # noqa: F811
    factory, device_id = sessions
    with factory() as session:
        device = session.get_one(Device, device_id)
        changes = [change(str(uuid.uuid4())) for _ in range(people)]
        replies: list[dict] = []
        trips = _round_trips(session, lambda: replies.append(
            sync_push.push(session, device, stamped(changes, device.id, WORKER), CREDENTIALS)))
    assert [r["status"] for r in replies[0]["results"]] == ["applied"] * people
    assert trips == 3


def test_an_edit_of_a_known_person_adds_only_the_scope_check(sessions) -> None:  # noqa: F811
    factory, device_id = sessions
    person = str(uuid.uuid4())
    first = change(person)
    with factory() as session:
        sync_push.push(session, session.get_one(Device, device_id),
                       stamped([first], device_id, WORKER), CREDENTIALS)
    with factory() as session:
        device = session.get_one(Device, device_id)
        edit = change(person, base=first["revision_id"], fields={"given_name": "Anne"})
        replies: list[dict] = []
        trips = _round_trips(session, lambda: replies.append(
            sync_push.push(session, device, stamped([edit], device.id, WORKER), CREDENTIALS)))
    assert replies[0]["results"][0]["status"] == "applied"
    assert trips == 4  # may this device change this person: its own read, after the first


TOKEN = "a device token for the pull tests"


def _request(factory) -> SimpleNamespace:
    """What as_device reads of a request: the app's session factory."""
    return SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(sessions=factory)))


class _TraceEachUse:
    """Traces every connection the engine hands out, from checkout to checkin."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine, self.waits = engine, 0

    def __enter__(self) -> _TraceEachUse:
        self._file = tempfile.TemporaryFile("w+")  # closed in __exit__
        sa.event.listen(self.engine, "checkout", self._start)
        sa.event.listen(self.engine, "checkin", self._stop)
        return self

    def __exit__(self, *_exc) -> None:
        sa.event.remove(self.engine, "checkout", self._start)
        sa.event.remove(self.engine, "checkin", self._stop)
        os.fsync(self._file.fileno())
        self._file.seek(0)
        self.waits = sum(1 for line in self._file
                         if line.startswith("B") and "ReadyForQuery" in line)
        self._file.close()

    def _start(self, dbapi_conn, _record, _proxy) -> None:
        dbapi_conn.pgconn.trace(self._file.fileno())
        dbapi_conn.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)

    def _stop(self, dbapi_conn, _record) -> None:
        dbapi_conn.pgconn.untrace()


def _pull(factory, cache: FeedCache, statement_by_statement: bool = True):
    return as_device(_request(factory), TOKEN, lambda session, device: sync_pull.pull(
        session, device, 0, 500, True, None, cache),
        statement_by_statement=statement_by_statement)


@pytest.fixture
def puller(sessions):  # noqa: F811
    """The fixture's device, with a token to call by, and one person in the feed."""
    factory, device_id = sessions
    with factory() as session:
        session.execute(sa.update(Device).where(Device.id == device_id)
                        .values(token_hash=crypto.token_hash(TOKEN)))
        session.commit()
        sync_push.push(session, session.get_one(Device, device_id),
                       stamped([change(str(uuid.uuid4()))], device_id, WORKER), CREDENTIALS)
    return factory, device_id


def test_a_pull_waits_twice_with_no_begin_or_commit(puller) -> None:
    factory, _ = puller
    cache = FeedCache()
    # The first reads the row's text in full and records the scope version it sends.
    _pull(factory, cache)
    with _TraceEachUse(factory.kw["bind"]) as trace:
        page = _pull(factory, cache)
    assert len(page.rows) == 1
    assert trace.waits == 2  # who is calling, then the page
    with _TraceEachUse(factory.kw["bind"]) as in_a_transaction:
        _pull(factory, cache, statement_by_statement=False)
    # BEGIN goes with who is calling (db.begin_with_first_statement); COMMIT waits alone
    assert in_a_transaction.waits == 3


def test_a_pull_that_fails_after_its_page_is_read_records_nothing_as_sent(
        puller, monkeypatch) -> None:
    """Each statement commits as it runs: the scope version must be written last, or a
    page that never left would be recorded as sent (and its evictions never sent)."""
    factory, device_id = puller

    def broken(*_args, **_kwargs):
        raise RuntimeError("the rows could not be encoded")

    monkeypatch.setattr(sync_pull, "_texts", broken)
    with pytest.raises(RuntimeError):
        _pull(factory, FeedCache())
    with factory() as session:
        assert session.get_one(Device, device_id).scope_seen is None
    monkeypatch.undo()
    _pull(factory, FeedCache())
    with factory() as session:
        assert session.get_one(Device, device_id).scope_seen is not None


def _statements(session, work) -> int:
    """How many statements `work` sent on the session's connection (each is CPU on both
    sides, round trip or not: 100 devices at once queue for it)."""
    raw = session.connection().connection.driver_connection
    with tempfile.TemporaryFile("w+") as trace:
        raw.pgconn.trace(trace.fileno())
        raw.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            work()
        finally:
            raw.pgconn.untrace()
        os.fsync(trace.fileno())
        trace.seek(0)
        return sum(1 for line in trace if line.startswith("F")
                   and line.split("\t")[2].split(" ")[0] in ("Execute", "Query"))


def test_a_push_of_new_people_sends_nine_statements(sessions) -> None:  # noqa: F811
    """Locks, the ledger, the people, the rows, the credentials joined with their
    workers; the people, revisions and ledger inserted as one; the identifiers; the
    feed rows with the counter; COMMIT. The credentials and their workers were two
    statements, and the three inserts two (eleven in all)."""
    factory, device_id = sessions
    with factory() as session:  # the team's key is made by its first push: not counted
        device = session.get_one(Device, device_id)
        sync_push.push(session, device, stamped([change(str(uuid.uuid4()))], device.id,
                                                WORKER), CREDENTIALS)
    with factory() as session:
        device = session.get_one(Device, device_id)
        changes = stamped([change(str(uuid.uuid4())) for _ in range(5)], device.id, WORKER)
        replies: list[dict] = []
        sent = _statements(session, lambda: replies.append(
            sync_push.push(session, device, changes, CREDENTIALS)))
    assert [r["status"] for r in replies[0]["results"]] == ["applied"] * 5
    assert sent == 9


def _push(factory, changes):
    """A push as the endpoint makes it: who is calling, then the push, one transaction."""
    return as_device(_request(factory), TOKEN, lambda session, device: sync_push.push(
        session, device, changes, CREDENTIALS))


def test_a_push_through_the_endpoint_sends_begin_with_the_callers_lookup(puller) -> None:
    """Four waits in all: BEGIN and who is calling, together (psycopg's own BEGIN is a
    wait of its own, before the first statement is even sent); then the push's three."""
    factory, device_id = puller
    _push(factory, stamped([change(str(uuid.uuid4()))], device_id, WORKER))  # last seen now
    changes = stamped([change(str(uuid.uuid4()))], device_id, WORKER)
    with _TraceEachUse(factory.kw["bind"]) as trace:
        reply = _push(factory, changes)
    assert [r["status"] for r in reply["results"]] == ["applied"]
    assert trace.waits == 4
    with factory() as session:  # committed, and the pooled connection is left clean
        assert session.scalar(sa.select(sa.func.count()).select_from(SyncChange).where(
            SyncChange.change_id == changes[0]["change_id"])) == 1
        assert session.connection().connection.driver_connection.autocommit is False


def test_a_push_that_fails_after_its_begin_leaves_nothing(puller, monkeypatch) -> None:
    """BEGIN is the push's own: a failure before its COMMIT rolls back every write."""
    factory, device_id = puller
    changes = stamped([change(str(uuid.uuid4()))], device_id, WORKER)

    def fails(*_args, **_kwargs):
        raise RuntimeError("the feed rows could not be written")

    monkeypatch.setattr(push_batch, "write_rows_and_commit", fails)
    with pytest.raises(RuntimeError):
        _push(factory, changes)
    monkeypatch.undo()
    with factory() as session:
        assert session.get(Person, changes[0]["person_id"]) is None
        assert session.get(SyncChange, changes[0]["change_id"]) is None
    assert _push(factory, changes)["results"][0]["status"] == "applied"  # as if never sent
