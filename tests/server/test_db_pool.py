"""Pooled PostgreSQL connections: tried before use only after sitting idle, and a
connection cut meanwhile (a database restart) is replaced without the request seeing it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from sync.server import db

pytestmark = pytest.mark.postgres


def _backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


def test_a_connection_cut_while_idle_is_replaced_unseen(fresh_postgres_database,
                                                        postgres_admin_url, monkeypatch) -> None:
    engine = db.make_engine(fresh_postgres_database)
    try:
        cut = _backend_pid(engine)  # back in the pool now
        admin = sa.create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": cut})
        admin.dispose()
        monkeypatch.setattr(db, "IDLE_BEFORE_PING_S", 0.0)  # as if it sat idle a while
        assert _backend_pid(engine) != cut  # no error: a new connection took its place
    finally:
        engine.dispose()


def test_a_connection_used_a_moment_ago_is_not_tried_again(fresh_postgres_database,
                                                           monkeypatch) -> None:
    engine = db.make_engine(fresh_postgres_database)
    pings: list[object] = []
    real_ping = engine.dialect.do_ping

    def counting_ping(dbapi_conn: object) -> bool:
        pings.append(dbapi_conn)
        return real_ping(dbapi_conn)

    monkeypatch.setattr(engine.dialect, "do_ping", counting_ping)
    try:
        for _ in range(5):
            _backend_pid(engine)
        assert pings == []  # a round trip saved on every request under load
        monkeypatch.setattr(db, "IDLE_BEFORE_PING_S", 0.0)
        _backend_pid(engine)
        assert len(pings) == 1
    finally:
        engine.dispose()
