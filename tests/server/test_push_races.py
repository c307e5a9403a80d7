"""Pushes that race on real PostgreSQL, each in its own transaction and thread."""

from __future__ import annotations

import threading
import uuid

import pytest
import sqlalchemy as sa

from sync.server import crypto
from sync.server import db as server_db
from sync.server.models import Device, Person
from sync.server.services import sync_push
from sync.server.storage import bulk
from tests.server.conftest import MASTER_KEY
from tests.server.test_sync import change
from tests.sync_rows import stamped

pytestmark = pytest.mark.postgres
WAIT_S = 10.0
WORKER = str(uuid.UUID(int=7))  # the fixture's one worker, with a sync credential
CREDENTIAL = "a worker credential for the push tests"
CREDENTIALS = {WORKER: CREDENTIAL}


@pytest.fixture
def sessions(fresh_postgres_database):
    engine = server_db.make_engine(fresh_postgres_database)
    server_db.migrate(engine)
    team, device = str(uuid.uuid4()), str(uuid.uuid4())
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO teams (id, name, agency, created_at) "
                             "VALUES (:t, 'north', 'police', now())"), {"t": team})
        conn.execute(sa.text("INSERT INTO devices (id, team_id, name, token_hash, enrolled_at)"
                             " VALUES (:d, :t, 'laptop', :d, now())"), {"d": device, "t": team})
        conn.execute(sa.text("INSERT INTO workers (id, username, display_name, role, team_id, "
                             "password_hash, created_at) VALUES (:w, 'ann', 'Ann', 'worker', "
                             ":t, 'x', now())"), {"w": WORKER, "t": team})
        conn.execute(sa.text("INSERT INTO worker_credentials (token_hash, worker_id, device_id,"
                             " created_at) VALUES (:h, :w, :d, now())"),
                     {"h": crypto.token_hash(CREDENTIAL), "w": WORKER, "d": device})
    yield server_db.session_factory(engine, master_key=MASTER_KEY), device
    engine.dispose()


@pytest.mark.parametrize("fields", [
    {"given_name": "Ann", "family_name": "Smith"},
    # With identifiers: the second push must read the first's, or insert them again.
    {"given_name": "Ann", "family_name": "Smith", "nhs_number": "9434765919"},
])
def test_a_person_created_by_two_pushes_at_once_is_one_person_and_no_error(
        sessions, monkeypatch, fields):
    """The same person's row pushed by two laptops at once (a person's row id is their
    id: a second `people` row for them is refused). The second push waits on the
    first's row lock, then reads the person as the first left them and merges; it must
    not fail the batch with a duplicate key on the person or their identifiers."""
    factory, device_id = sessions
    person = str(uuid.uuid4())
    first_written, let_first_commit = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}
    write_and_commit = bulk.run_binary_and_commit

    def held(session, sql, params):
        """The first push waits with everything written but its feed rows and COMMIT."""
        if threading.current_thread().name == "first":
            first_written.set()
            assert let_first_commit.wait(WAIT_S)
        return write_and_commit(session, sql, params)  # the first seq it took

    monkeypatch.setattr(bulk, "run_binary_and_commit", held)

    def push(row_id: str) -> None:
        name = threading.current_thread().name
        with factory() as session:
            try:
                pushed = stamped([change(person, row_id=row_id, fields=fields)], device_id,
                                 WORKER)
                reply = sync_push.push(session, session.get(Device, device_id), pushed,
                                       CREDENTIALS)
                outcome[name] = [r["status"] for r in reply["results"]]
            except Exception as error:  # what the endpoint would turn into a 500
                outcome[name] = type(error).__name__

    first = threading.Thread(target=push, args=(person,), name="first")
    first.start()
    assert first_written.wait(WAIT_S)
    second = threading.Thread(target=push, args=(person,), name="second")
    second.start()
    second.join(0.5)  # it waits on the first's lock on the person's row
    assert second.is_alive()  # really waiting on the first, not done already
    let_first_commit.set()
    first.join(WAIT_S)
    second.join(WAIT_S)
    assert outcome == {"first": ["applied"], "second": ["merged"]}
    with factory() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Person)) == 1


def test_two_answers_to_one_question_at_once_make_one_row(sessions, monkeypatch):
    """Two laptops answer one person's question at once under the two ids a laptop may
    make for it (with and without the person's salt): the second push waits on the
    first's lock on the question's unique key, then finds it taken (409), never a
    duplicate-key 500 and never two rows."""
    from sync.protocol.tables import answer_id
    from sync.server.models import SyncRow

    factory, device_id = sessions
    person, salt = str(uuid.uuid4()), uuid.uuid4().hex
    with factory() as session:
        created = stamped([change(person, fields={"id_salt": salt})], device_id, WORKER)
        reply = sync_push.push(session, session.get(Device, device_id), created, CREDENTIALS)
        assert reply["results"][0]["status"] == "applied"
    ids = {"first": None, "second": answer_id(person, salt, "substance", "main")}
    first_written, let_first_commit = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}
    write_and_commit = bulk.run_binary_and_commit

    def held(session, sql, params):
        if threading.current_thread().name == "first":
            first_written.set()
            assert let_first_commit.wait(WAIT_S)
        return write_and_commit(session, sql, params)  # the first seq it took

    monkeypatch.setattr(bulk, "run_binary_and_commit", held)

    def push() -> None:
        name = threading.current_thread().name
        with factory() as session:
            try:
                body = stamped([change(person, row_id=ids[name], table="assessment_values",
                                       exact_id=ids[name] is not None)], device_id, WORKER)
                reply = sync_push.push(session, session.get(Device, device_id), body,
                                       CREDENTIALS)
                outcome[name] = [(r["status"], r["code"]) for r in reply["results"]]
            except Exception as error:  # what the endpoint would turn into a 500
                outcome[name] = type(error).__name__

    first = threading.Thread(target=push, name="first")
    first.start()
    assert first_written.wait(WAIT_S)
    second = threading.Thread(target=push, name="second")
    second.start()
    second.join(0.5)
    assert second.is_alive()  # really waiting on the first's lock
    let_first_commit.set()
    first.join(WAIT_S)
    second.join(WAIT_S)
    assert outcome == {"first": [("applied", 201)], "second": [("refused", 409)]}
    with factory() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(SyncRow).where(
            SyncRow.table_name == "assessment_values")) == 1
