"""Engines, sessions and migrations for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, exc, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from sync.server.private_files import private_file
from sync.server.settings import MAX_REQUESTS_IN_FLIGHT

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any constants work; each only has to be the same in every server process (and differ
# from the others: they share PostgreSQL's one space of advisory lock ids).
_MIGRATION_LOCK_ID = 0x1A51DE0
AUDIT_CHAIN_LOCK_ID = 0x1A51DE1  # services/audit.py: one appender to the chain at a time


class DatabaseMissing(Exception):
    """The database named is not there; str() says where and how to make it."""


def require_database(url: str, *, create: bool) -> None:
    """Refuse to start on a database that is not there, unless asked to make one: a
    mistyped or forgotten --data-dir used to make a new, empty server without a word,
    and laptops then found their accounts gone. PostgreSQL never makes a database by
    itself; a missing one is said in one sentence, not a driver's traceback."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        if create or not path or path == ":memory:" or Path(path).exists():
            return
        raise DatabaseMissing(
            f"there is no server database at {path}. Check --data-dir (or "
            "INSIDEOUT_SERVER_DATA_DIR, or --database-url). To make a new, empty one there, "
            "run `insideout-server admin init` with the same options (or give --create).")
    _require_postgres(url)


def _require_postgres(url: str) -> None:
    parsed = make_url(url)
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    probe = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 10})
    try:
        with probe.connect():
            pass
    except exc.OperationalError as error:
        first = str(error.orig or error).strip().splitlines()[0]
        if "does not exist" in first and "database" in first:
            raise DatabaseMissing(
                f"the PostgreSQL database {parsed.database!r} does not exist on {where}. "
                f"Create it (createdb -h {parsed.host or 'localhost'} -U "
                f"{parsed.username or 'postgres'} {parsed.database}), then run "
                "`insideout-server admin init --database-url ...` (docs/SERVER.md, "
                "PostgreSQL).") from None
        raise DatabaseMissing(f"cannot connect to PostgreSQL at {where} as "
                              f"{parsed.username!r}: {first}") from None
    finally:
        probe.dispose()


def make_engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        private_file(make_url(url).database)
        return _sqlite_engine(url)
    # 32 connections at most per process: more than the app's request threads (see
    # app.REQUEST_THREADS), and two processes stay within PostgreSQL's default 100.
    # A database host that drops packets would otherwise hold a connect for minutes, and
    # with one request at a time a worker process waits with it (app: requests in flight).
    connect_args = {} if "connect_timeout" in make_url(url).query else {"connect_timeout": 10}
    engine = create_engine(url, pool_size=MAX_REQUESTS_IN_FLIGHT,
                           max_overflow=MAX_REQUESTS_IN_FLIGHT, pool_timeout=10,
                           connect_args=connect_args)
    _ping_after_idle(engine)

    @event.listens_for(engine, "connect")
    def _binary_lists(dbapi_conn: Any, _record: Any) -> None:
        # A list parameter (the key arrays a push looks rows up by) goes over in binary:
        # psycopg's text form runs a quoting regex per element, several times slower.
        from psycopg.types.array import ListBinaryDumper

        dbapi_conn.adapters.register_dumper(list, ListBinaryDumper)

    return engine


# A pooled connection unused for this long is tried before it is handed out.
IDLE_BEFORE_PING_S = 10.0


def _ping_after_idle(engine: Engine) -> None:
    """Try a connection before use only if it sat idle: one that has, may have been cut
    (a database restart, a firewall's idle timeout) and is replaced unseen. Trying every
    connection (pool_pre_ping) cost each request a round trip, a tenth of a small sync
    request's time. One cut while busy fails one request with a 500, which laptops
    retry; SQLAlchemy then drops every connection older than the failure."""

    @event.listens_for(engine, "checkin")
    def _idle_from_now(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_BEFORE_PING_S:
            return  # new, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool discards this connection and checks out another (or a new one).
            raise exc.DisconnectionError(f"a pooled connection was cut: {error}") from error


def _sqlite_engine(url: str) -> Engine:
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy: pysqlite's own BEGIN handling breaks
        # SAVEPOINTs, which the test suite relies on.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")  # readers do not block the writer
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # IMMEDIATE takes the write lock up front: with several uvicorn workers a
        # deferred BEGIN can fail with "database is locked" when it later upgrades.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def owns_its_transaction(session: Session) -> bool:
    """Whether `session` began its transaction itself, so may end it by other means than
    SQLAlchemy's (a raw COMMIT, statements that commit themselves). One joined to an
    outer transaction (the test suite binds sessions so, and rolls back) must not: it
    ends with a SAVEPOINT release that only SQLAlchemy knows to send."""
    return isinstance(session.get_bind(), Engine)


def commit_each_statement(session: Session) -> None:
    """On PostgreSQL, let each statement of `session` commit by itself: no BEGIN and no
    COMMIT, each a round trip of its own (psycopg waits for both). For work whose every
    statement stands alone; under READ COMMITTED each one reads its own snapshot anyway.
    Call it before the session's first statement."""
    if owns_its_transaction(session) and session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def begin_with_first_statement(session: Session) -> bool:
    """On PostgreSQL, for a session that owns its transaction: psycopg's own BEGIN is a
    round trip of its own, waited for before the first statement is even sent. Instead
    the caller sends "BEGIN" itself, in one pipeline with its first statement (see
    auth.sync_device), and everything after runs in that transaction, ended by a COMMIT
    or ROLLBACK as ever (psycopg ends the server's transaction whatever its own mode).
    Call it before the session's first statement; True if the caller must send BEGIN."""
    if not owns_its_transaction(session) or session.get_bind().dialect.name != "postgresql":
        return False
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return True


# The session.info key: what the data keys and the audit chain derive from.
MASTER_KEY_INFO = "master_key"


def session_factory(bind: Engine | Connection, *,
                    master_key: bytes | None = None) -> sessionmaker[Session]:
    """Sessions for the app and the CLI. With `master_key`, every session carries it in
    `session.info[MASTER_KEY_INFO]` (never in the database): what writes sealed data
    or audit events needs it."""
    # create_savepoint lets tests bind to a connection whose outer transaction they roll back.
    factory = sessionmaker(bind=bind, expire_on_commit=False,
                           join_transaction_mode="create_savepoint")
    if master_key is not None:
        with_master_key(factory, master_key)
    return factory


def with_master_key(factory: sessionmaker[Session], master_key: bytes) -> None:
    factory.configure(info={MASTER_KEY_INFO: master_key})


def master_key_of(session: Session) -> bytes:
    try:
        return session.info[MASTER_KEY_INFO]
    except KeyError:
        raise RuntimeError("this session was made without the master key "
                           "(db.session_factory(..., master_key=...))") from None


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine, target: str = "head") -> None:
    """Bring the schema to `target` (head). Safe when several server processes start at once."""
    if target == "head" and current_revision(engine) == head_revision():
        return  # the usual start: no Alembic run, no write lock
    with _schema_change(engine) as (conn, config):
        if conn.dialect.name == "postgresql":
            # Held until this transaction ends, so a second process waits, then finds
            # the schema already at head and does nothing.
            conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID})
        command.upgrade(config, target)


def downgrade(engine: Engine, target: str) -> None:
    """Back to `target`: for testing that a migration can be undone."""
    with _schema_change(engine) as (_conn, config):
        command.downgrade(config, target)


@contextmanager
def _schema_change(engine: Engine) -> Iterator[tuple[Connection, Config]]:
    """One transaction for Alembic to work in.

    SQLite alters a table by copying it and dropping the original, and with foreign keys
    on, dropping `people` counts as deleting every person their identifiers and consents
    point at: the migration fails. So, as SQLite prescribes for schema changes, foreign
    keys go off for the transaction (a PRAGMA that only works outside one), every
    reference is checked before the commit, and they come back on whatever happens."""
    config = _alembic_config()
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
        try:
            with conn.begin():
                config.attributes["connection"] = conn
                yield conn, config
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise RuntimeError("the migration left rows pointing at rows that are "
                                       "gone; nothing was changed")
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]
