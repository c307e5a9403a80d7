"""A push's last statement and its COMMIT go to PostgreSQL together (bulk.run_binary_and_commit):
the feed counter it locks is released without waiting for the server's thread to run again."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sync.server import db
from sync.server.storage import bulk

pytestmark = pytest.mark.postgres
INSERT = "INSERT INTO numbers SELECT unnest(%b::integer[])"


@pytest.fixture
def engine(fresh_postgres_database: str) -> Iterator[sa.Engine]:
    engine = db.make_engine(fresh_postgres_database)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE numbers (n integer NOT NULL)")
    yield engine
    engine.dispose()


def _numbers(engine: sa.Engine) -> list[int]:
    with engine.connect() as conn:  # another connection: sees only what was committed
        return sorted(conn.exec_driver_sql("SELECT n FROM numbers").scalars())


def _traced(session: Session, sql: str, params: list[list[object]]) -> list[str]:
    """The protocol messages of one run_binary_and_commit, as libpq traces them."""
    raw = session.connection().connection.driver_connection
    with tempfile.TemporaryFile("w+") as trace:
        raw.pgconn.trace(trace.fileno())
        raw.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            bulk.run_binary_and_commit(session, sql, params)
        finally:
            raw.pgconn.untrace()
        trace.flush()
        os.fsync(trace.fileno())
        trace.seek(0)
        return trace.read().splitlines()


def test_the_commit_is_sent_before_any_reply_comes_back(engine) -> None:
    with Session(engine) as session:
        session.execute(sa.text("SELECT 1"))  # a transaction is open, as in a push
        lines = _traced(session, INSERT, [[1, 2]])
    sent = [line for line in lines if line.startswith("F")]
    first_reply = next(i for i, line in enumerate(lines) if line.startswith("B"))
    commit = next(i for i, line in enumerate(lines) if line.startswith("F") and '"COMMIT"' in line)
    assert commit < first_reply, "\n".join(lines)  # one round trip, not two
    assert any("INSERT INTO numbers" in line for line in sent)
    assert _numbers(engine) == [1, 2]


class _Base(DeclarativeBase):
    pass


class _Note(_Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)


def test_what_the_orm_holds_unwritten_commits_in_the_same_transaction(engine) -> None:
    """A push registers a consent through the ORM (registry.put_consent), held until a
    flush: sent after the raw COMMIT, it would land in a transaction of its own."""
    _Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(_Note(id=1))
        bulk.run_binary_and_commit(session, INSERT, [[1]])
    with engine.connect() as conn:
        note, number = (conn.exec_driver_sql(f"SELECT xmin::text FROM {table}").scalar_one()
                        for table in ("notes", "numbers"))
    assert note == number  # one transaction id: written and committed together


def test_a_failed_statement_commits_nothing_and_the_connection_serves_again(engine) -> None:
    with Session(engine) as session:
        bulk.run_binary(session, INSERT, [[7]])  # earlier work in the same transaction
        with pytest.raises(psycopg.errors.NotNullViolation):
            bulk.run_binary_and_commit(session, INSERT, [[1, None]])
        session.rollback()
        assert _numbers(engine) == []  # neither the failed statement nor the work before it
        raw = session.connection().connection.driver_connection
        assert raw.pgconn.pipeline_status == psycopg.pq.PipelineStatus.OFF
        bulk.run_binary_and_commit(session, INSERT, [[3]])
    assert _numbers(engine) == [3]


def test_a_session_inside_an_outer_transaction_leaves_the_outer_one_open(engine) -> None:
    """The test suite's sessions join a transaction it rolls back: a raw COMMIT there
    would end that transaction, and write into the database for good."""
    with engine.connect() as conn:
        outer = conn.begin()
        with db.session_factory(conn)() as session:
            bulk.run_binary_and_commit(session, INSERT, [[5]])
        assert outer.is_active
        outer.rollback()
    assert _numbers(engine) == []
