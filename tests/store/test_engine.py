import sqlite3

import pytest
from sqlalchemy import text

from app.store.device import DeviceFiles, DeviceStore
from app.store.engine import open_encrypted_engine
from app.store.errors import PlaintextDatabaseError, WrongKeyError
from app.store.keys import KdfParams, new_database_key


def test_a_database_opens_with_its_key_and_not_with_another(tmp_path):
    path, key = tmp_path / "a.db", new_database_key()
    engine = open_encrypted_engine(path, key)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (v TEXT)"))
        conn.execute(text("INSERT INTO t VALUES ('hello')"))
    engine.dispose()
    with pytest.raises(WrongKeyError):
        open_encrypted_engine(path, new_database_key())
    engine = open_encrypted_engine(path, key)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT v FROM t")).scalar() == "hello"
    engine.dispose()


def test_the_file_on_disk_is_not_sqlite_plaintext(tmp_path):
    path = tmp_path / "a.db"
    engine = open_encrypted_engine(path, new_database_key())
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (v TEXT)"))
    engine.dispose()
    assert not path.read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("SELECT * FROM sqlite_master").fetchall()


def test_a_plaintext_database_is_refused(tmp_path):
    path = tmp_path / "plain.db"
    plain = sqlite3.connect(path)
    plain.execute("CREATE TABLE t (v TEXT)")
    plain.commit()
    plain.close()
    with pytest.raises(PlaintextDatabaseError, match="not encrypted"):
        open_encrypted_engine(path, new_database_key())


def test_the_device_refuses_a_plaintext_database_swapped_in(tmp_path):
    files = DeviceFiles(tmp_path / "db", tmp_path / "wraps.json")
    store = DeviceStore(files)
    fast = KdfParams.fast_for_tests()
    store.create(username="jo", passphrase="kettle kettle 9", kdf=fast).close()
    files.database.unlink()
    plain = sqlite3.connect(files.database)
    plain.execute("CREATE TABLE people (given_name TEXT)")
    plain.commit()
    plain.close()
    with pytest.raises(PlaintextDatabaseError):
        store.unlock(username="jo", passphrase="kettle kettle 9")


def test_pragmas_for_safety_are_set_on_every_connection(tmp_path):
    engine = open_encrypted_engine(tmp_path / "a.db", new_database_key())
    with engine.connect() as conn:
        values = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                  for name in ("secure_delete", "temp_store", "foreign_keys", "journal_mode")}
    engine.dispose()
    assert values == {"secure_delete": 1, "temp_store": 2, "foreign_keys": 1, "journal_mode": "wal"}
