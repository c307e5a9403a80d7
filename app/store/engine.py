"""Open the SQLCipher database through SQLAlchemy, safely or not at all."""

from __future__ import annotations

from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError

from app.store.errors import PlaintextDatabaseError, WrongKeyError

PLAINTEXT_HEADER = b"SQLite format 3\x00"

# Pragmas applied to every connection, and why:
# - journal_mode=WAL: the sync thread reads while the UI thread writes, and WAL lets them
#   do so without "database is locked". SQLCipher encrypts WAL frames like main-file pages;
#   the -shm index holds no record content. We checkpoint with TRUNCATE on close so no
#   WAL file is left behind on a locked laptop.
# - synchronous=FULL: a laptop lid closing or a killed process must not lose the last save.
# - secure_delete=ON: freed pages are zeroed, so deleted content is not recoverable even
#   by someone who later obtains the key.
# - temp_store=MEMORY: sorts and temp tables never touch the disk.
# - foreign_keys=ON: SQLite leaves them off by default.
# A connection execution option: this transaction only reads (OpenStore.transaction).
READ_ONLY = "insideout_read_only"
_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA secure_delete = ON",
    "PRAGMA temp_store = MEMORY",
    # 64 MiB of page cache (the default is 8): a pulled page of 2,000 rows touches many
    # index pages, and evicting them mid-transaction means encrypting them twice.
    "PRAGMA cache_size = -65536",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
)


def is_plaintext_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(PLAINTEXT_HEADER)) == PLAINTEXT_HEADER


def assert_encrypted(path: Path) -> None:
    if path.exists() and path.stat().st_size > 0 and is_plaintext_sqlite(path):
        raise PlaintextDatabaseError(path)


def open_encrypted_engine(path: Path, key: bytes | bytearray) -> Engine:
    """An engine whose every connection is keyed; fails fast on a wrong key or plaintext."""
    assert_encrypted(path)
    key_pragma = f"PRAGMA key = \"x'{bytes(key).hex()}'\""
    engine = create_engine(f"sqlite:///{path}", module=sqlcipher)

    # insert=True: the key must be the very first statement on a new connection,
    # before SQLAlchemy's own dialect set-up reads anything.
    @event.listens_for(engine, "connect", insert=True)
    def _key_and_configure(dbapi_conn: sqlcipher.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, see below
        cursor = dbapi_conn.cursor()
        cursor.execute(key_pragma)
        cursor.execute("SELECT count(*) FROM sqlite_master")  # raises on a wrong key
        for pragma in _PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    # pysqlite's implicit transactions start late and skip DDL; an explicit BEGIN makes
    # "the edit and its outbox entry in one transaction" actually true. IMMEDIATE takes
    # the write lock at the start: a transaction that read first and wrote after another
    # thread (the sync, the runner) committed would fail at once with "database is
    # locked", which busy_timeout does not wait out; taken at BEGIN, the lock is waited for.
    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    _check_key(engine)
    return engine


def _check_key(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DatabaseError as exc:
        engine.dispose()
        raise WrongKeyError() from exc


def close_engine(engine: Engine) -> None:
    """Fold the WAL back into the encrypted file and drop every pooled connection."""
    try:
        # On the driver's own connection: a checkpoint cannot run inside a transaction,
        # and SQLAlchemy's connection would begin one (taking the write lock) first.
        raw = engine.raw_connection()
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
        finally:
            raw.close()
    finally:
        engine.dispose()
