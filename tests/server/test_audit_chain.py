"""The server's audit trail as a hash chain: it verifies as written, and each way the
security review removed or edited events (triggers dropped first) is found, at the
right event. Runs on SQLite and PostgreSQL (conftest's `sessions`)."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from sync.server import db as server_db
from sync.server.models import AuditEvent
from sync.server.services import audit
from tests.server.conftest import MASTER_KEY

# As migration 0001 named them.
DROP_TRIGGERS = {
    "sqlite": ["DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete"],
    "postgresql": ["DROP TRIGGER audit_events_no_update_delete ON audit_events"],
}


def _record_five(sessions: sessionmaker[Session]) -> list[int]:
    """Five events over two transactions, with every content field used somewhere."""
    with sessions.begin() as s:
        ids = [audit.record(s, "team.created", actor="cli:it", name="Custody Nörth").id,
               audit.record(s, "worker.created", actor="cli:it", worker_id="w" * 36).id]
    with sessions.begin() as s:
        ids += [audit.record(s, "device.enrolled", actor="device:d", device_id="d" * 36).id,
                audit.record(s, "person.break_glass", actor="worker:w", worker_id="w" * 36,
                             person_id="p" * 36, reason="collapsed in cell").id,
                audit.record(s, "device.revoked", actor="cli:it", reason="stolen").id]
    return ids


def _without_triggers(connection: sa.Connection) -> None:
    """As the reviewer did. Inside the test's transaction: rolled back with it."""
    for statement in DROP_TRIGGERS[connection.dialect.name]:
        connection.exec_driver_sql(statement)


def _row(connection: sa.Connection, event_id: int) -> sa.Row:
    return connection.execute(sa.select(AuditEvent.__table__)
                              .where(AuditEvent.id == event_id)).one()


def _rehash(connection: sa.Connection, event_id: int, key: bytes, prev_hash: str) -> str:
    """What an attacker with database access but another key writes: a fresh hash."""
    row = _row(connection, event_id)
    entry = audit.keyed_hash(audit.chain_key(key), prev_hash, audit.content_of(row))
    connection.execute(sa.update(AuditEvent).where(AuditEvent.id == event_id)
                       .values(prev_hash=prev_hash, entry_hash=entry))
    return entry


def test_a_series_of_events_is_one_chain_that_verifies(sessions):
    before = audit.verify_chain(sessions)
    ids = _record_five(sessions)
    report = audit.verify_chain(sessions)
    with sessions() as s:
        events = s.scalars(sa.select(AuditEvent).where(AuditEvent.id.in_(ids))
                           .order_by(AuditEvent.id)).all()
    assert report.ok, report.problem
    assert report.events == before.events + 5
    assert (report.head_id, report.head_hash) == (ids[-1], events[-1].entry_hash)
    assert events[0].prev_hash == before.head_hash
    assert [e.prev_hash for e in events[1:]] == [e.entry_hash for e in events[:-1]]
    assert all(e.keyed for e in events)


def test_verification_pages_through_the_log(sessions):
    _record_five(sessions)
    whole, paged = audit.verify_chain(sessions), audit.verify_chain(sessions, page=2)
    assert paged == whole and whole.ok


def test_a_gap_in_ids_is_not_a_break(sessions, connection):
    with sessions.begin() as s:
        first = audit.record(s, "team.created", actor="test").id
        with s.begin_nested() as nested:  # a transaction that rolled back
            audit.record(s, "team.created", actor="test")
            nested.rollback()
        last = audit.record(s, "team.created", actor="test").id
    if connection.dialect.name == "postgresql":
        assert last > first + 1  # the sequence skipped the rolled-back id
    assert audit.verify_chain(sessions).ok


def test_a_middle_event_deleted_behind_the_triggers_is_found(sessions, connection):
    ids = _record_five(sessions)
    _without_triggers(connection)
    connection.execute(sa.delete(AuditEvent).where(AuditEvent.id == ids[2]))
    report = audit.verify_chain(sessions)
    assert (report.ok, report.broken_at, report.head_id) == (False, ids[3], ids[1])
    assert f"event {ids[1]}" in report.problem and "removed" in report.problem


def test_an_edited_detail_is_found(sessions, connection):
    ids = _record_five(sessions)
    _without_triggers(connection)
    connection.execute(sa.update(AuditEvent).where(AuditEvent.id == ids[3])
                       .values(detail=json.dumps({"reason": "routine"})))
    report = audit.verify_chain(sessions)
    assert (report.broken_at, "altered" in report.problem) == (ids[3], True)


def test_an_event_rehashed_with_another_key_is_found(sessions, connection):
    """The attacker edits an event and makes every link after it whole again, but with
    a key of their own: the first event they touched does not verify."""
    ids = _record_five(sessions)
    _without_triggers(connection)
    connection.execute(sa.update(AuditEvent).where(AuditEvent.id == ids[1])
                       .values(worker_id="x" * 36))
    prev = _row(connection, ids[0]).entry_hash
    for event_id in ids[1:]:
        prev = _rehash(connection, event_id, bytes(32), prev)
    report = audit.verify_chain(sessions)
    assert (report.broken_at, "another key" in report.problem) == (ids[1], True)


def test_an_unkeyed_event_after_keyed_ones_is_found(sessions, connection):
    """Only events older than the chain (migration 0008) may lack the key's HMAC."""
    ids = _record_five(sessions)
    _without_triggers(connection)
    row = _row(connection, ids[4])
    connection.execute(sa.update(AuditEvent).where(AuditEvent.id == ids[4]).values(
        keyed=False, entry_hash=audit.unkeyed_hash(row.prev_hash, audit.content_of(row))))
    assert audit.verify_chain(sessions).broken_at == ids[4]


def test_a_session_without_the_master_key_records_nothing_and_says_why(connection):
    keyless = server_db.session_factory(connection)
    with keyless() as s, pytest.raises(RuntimeError, match="without the master key"):
        audit.record(s, "team.created", actor="test")
    with keyless() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                        .where(AuditEvent.action == "team.created")) == 0


@pytest.mark.postgres
def test_a_session_whose_statements_commit_one_by_one_cannot_record(engine):
    """The advisory lock would end with its own statement: the chain could fork."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's every transaction holds the write lock")
    with server_db.session_factory(engine, master_key=MASTER_KEY)() as s:
        s.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        with pytest.raises(RuntimeError, match="commit one by one"):
            audit.record(s, "team.created", actor="test")


def test_the_first_keyed_event_seals_only_a_log_of_unkeyed_events(sessions):
    """seal_unkeyed_events writes nothing on a chain that is already keyed (or empty)."""
    with sessions.begin() as s:
        audit.record(s, "team.created", actor="test")
        assert audit.seal_unkeyed_events(s, actor="test") is None
