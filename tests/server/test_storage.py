"""Storage facts that must hold on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from sync.server import db as server_db
from sync.server.models import AuditEvent, Team
from sync.server.services import audit
from sync.server.storage.counts import hit


def test_schema_is_at_head(engine):
    assert server_db.current_revision(engine) == server_db.head_revision()


def test_migrate_twice_is_a_no_op(engine):
    server_db.migrate(engine)
    assert server_db.current_revision(engine) == server_db.head_revision()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET action = 'rewritten'",
    "DELETE FROM audit_events",
])
def test_audit_log_refuses_update_and_delete(db, statement):
    audit.record(db, "test.event", actor="test")
    db.flush()
    with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
        db.execute(sa.text(statement))
    assert db.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) >= 1


def test_audit_log_refuses_truncate_on_postgres(db):
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; its DELETE trigger covers the same ground")
    audit.record(db, "test.event", actor="test")
    with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
        db.execute(sa.text("TRUNCATE audit_events CASCADE"))


def test_datetimes_come_back_aware_utc(db):
    team = Team(name="Clock team")
    db.add(team)
    db.flush()
    db.expire(team)
    assert team.created_at.tzinfo is UTC
    assert abs((datetime.now(UTC) - team.created_at).total_seconds()) < 60


def test_rate_limit_counts_per_window_and_drops_old_windows(db):
    assert hit(db, "k", window_s=60, now=120.0) == (1, 60)
    assert hit(db, "k", window_s=60, now=150.0) == (2, 30)
    assert hit(db, "other", window_s=60, now=150.0)[0] == 1
    assert hit(db, "k", window_s=60, now=185.0) == (1, 55)  # new window starts afresh
    old = db.execute(sa.text("SELECT count(*) FROM rate_limit_buckets WHERE key = 'k'"))
    assert old.scalar() == 1
