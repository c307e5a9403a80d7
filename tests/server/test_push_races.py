"""Pushes that race on real PostgreSQL, each in its own transaction and thread."""

from __future__ import annotations

import threading
import uuid

import pytest
import sqlalchemy as sa

from sync.server import db as server_db
from sync.server.models import Device, Person
from sync.server.services import sync_push
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


def test_a_person_created_by_two_pushes_at_once_is_one_person_and_no_error(sessions):
    """The same person in two `people` rows with different row ids: the second push's
    read finds the person new while the first has not committed; its insert must wait
    and then let the first stand, not fail the whole batch with a duplicate key."""
    factory, device_id = sessions
    person = str(uuid.uuid4())
    first_written, let_first_commit = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def push(name: str, row_id: str, hold: bool) -> None:
        with factory() as session:
            if hold:
                commit = session.commit

                def held_commit() -> None:
                    first_written.set()
                    assert let_first_commit.wait(WAIT_S)
                    commit()

                session.commit = held_commit  # type: ignore[method-assign]
            try:
                reply = sync_push.push(session, session.get(Device, device_id),
                                       [change(person, row_id=row_id)])
                outcome[name] = [r["status"] for r in reply["results"]]
            except Exception as error:  # what the endpoint would turn into a 500
                outcome[name] = type(error).__name__

    first = threading.Thread(target=push, args=("first", person, True))
    first.start()
    assert first_written.wait(WAIT_S)
    second = threading.Thread(target=push, args=("second", str(uuid.uuid4()), False))
    second.start()
    second.join(0.5)  # it reads the person as new, then waits on the first's insert
    let_first_commit.set()
    first.join(WAIT_S)
    second.join(WAIT_S)
    assert outcome == {"first": ["applied"], "second": ["applied"]}
    with factory() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Person)) == 1
