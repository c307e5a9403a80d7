"""Pushes that race on real PostgreSQL, each in its own transaction and thread."""

from __future__ import annotations

import threading
import uuid

import pytest
import sqlalchemy as sa

from sync.server import db as server_db
from sync.server.models import Device, Person
from sync.server.services import bulk, sync_push
from tests.server.test_sync import change

pytestmark = pytest.mark.postgres
WAIT_S = 10.0


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
    yield server_db.session_factory(engine), device
    engine.dispose()


@pytest.mark.parametrize("fields", [
    {"given_name": "Ann", "family_name": "Smith"},
    # With identifiers: the second push must read the first's, or insert them again.
    {"given_name": "Ann", "family_name": "Smith", "nhs_number": "9434765919"},
])
def test_a_person_created_by_two_pushes_at_once_is_one_person_and_no_error(
        sessions, monkeypatch, fields):
    """The same person in two `people` rows with different row ids: the second push's
    read finds the person new while the first has not committed; its insert must wait
    and then let the first stand, not fail the whole batch with a duplicate key."""
    factory, device_id = sessions
    person = str(uuid.uuid4())
    first_written, let_first_commit = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}
    write_and_commit = bulk.run_binary_and_commit

    def held(session, sql, params) -> None:
        """The first push waits with everything written but its feed rows and COMMIT."""
        if threading.current_thread().name == "first":
            first_written.set()
            assert let_first_commit.wait(WAIT_S)
        write_and_commit(session, sql, params)

    monkeypatch.setattr(bulk, "run_binary_and_commit", held)

    def push(row_id: str) -> None:
        name = threading.current_thread().name
        with factory() as session:
            try:
                reply = sync_push.push(session, session.get(Device, device_id),
                                       [change(person, row_id=row_id, fields=fields)])
                outcome[name] = [r["status"] for r in reply["results"]]
            except Exception as error:  # what the endpoint would turn into a 500
                outcome[name] = type(error).__name__

    first = threading.Thread(target=push, args=(person,), name="first")
    first.start()
    assert first_written.wait(WAIT_S)
    second = threading.Thread(target=push, args=(str(uuid.uuid4()),), name="second")
    second.start()
    second.join(0.5)  # it reads the person as new, then waits on the first's insert
    assert second.is_alive()  # really waiting on the first, not done already
    let_first_commit.set()
    first.join(WAIT_S)
    second.join(WAIT_S)
    assert outcome == {"first": ["applied"], "second": ["applied"]}
    with factory() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Person)) == 1
