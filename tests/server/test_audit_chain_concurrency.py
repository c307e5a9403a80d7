"""Several appenders at once, each on its own connection, as several server processes
are: the chain stays one line. Each appender is held just after it has read the chain's
head, until every other has read it too or a moment has passed: without the lock all of
them link to the same event (the twin test shows that it would be caught)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from sync.server import db as server_db
from sync.server.services import audit
from tests.server.conftest import MASTER_KEY

APPENDERS, EVENTS_EACH = 4, 3
HELD_S = 0.5  # how long the first appender waits for the others to read the head


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def sessions(request, tmp_path) -> Iterator[sessionmaker[Session]]:
    """A database of its own, committed to for real: the appenders' connections must
    see each other's commits."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'chain.sqlite3'}"
    else:
        url = request.getfixturevalue("fresh_postgres_database")
    engine = server_db.make_engine(url)
    server_db.migrate(engine)
    yield server_db.session_factory(engine, master_key=MASTER_KEY)
    engine.dispose()


@pytest.fixture
def held_after_reading_the_head(monkeypatch) -> None:
    everyone_read = threading.Barrier(APPENDERS)
    read_head = audit._next_id_and_head

    def held(session: Session) -> tuple[int, str]:
        head = read_head(session)
        # Broken when the lock kept the others out: go on (the barrier stays broken).
        with contextlib.suppress(threading.BrokenBarrierError):
            everyone_read.wait(HELD_S)
        return head

    monkeypatch.setattr(audit, "_next_id_and_head", held)


def _append_at_once(sessions: sessionmaker[Session]) -> list[BaseException]:
    errors: list[BaseException] = []

    def append(n: int) -> None:
        try:
            for i in range(EVENTS_EACH):
                with sessions.begin() as s:
                    audit.record(s, "worker.sign_in", actor=f"test:{n}", attempt=i)
        except BaseException as error:  # reported by the test
            errors.append(error)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(APPENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


@pytest.mark.usefixtures("held_after_reading_the_head")
def test_appenders_at_once_make_one_linear_chain(sessions):
    assert _append_at_once(sessions) == []
    report = audit.verify_chain(sessions)
    assert report.ok, f"event {report.broken_at}: {report.problem}"
    assert report.events == APPENDERS * EVENTS_EACH


# On SQLite BEGIN IMMEDIATE serialises the appenders, not this lock.
@pytest.mark.postgres
@pytest.mark.parametrize("sessions", ["postgresql"], indirect=True)
@pytest.mark.usefixtures("held_after_reading_the_head")
def test_without_the_lock_appenders_fork_the_chain_and_verify_says_so(sessions, monkeypatch):
    """The test above could fail: with the advisory lock gone it does."""
    monkeypatch.setattr(audit, "_lock_chain", lambda session: None)
    assert _append_at_once(sessions) == []
    report = audit.verify_chain(sessions)
    assert not report.ok and "prev_hash" in report.problem
