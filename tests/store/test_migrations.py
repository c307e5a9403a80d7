import pytest
from sqlalchemy import text

from app.store import migrate
from app.store.device import DeviceFiles, DeviceStore
from app.store.engine import open_encrypted_engine
from app.store.errors import NewerDatabaseError
from app.store.keys import KdfParams, KeyWrapFile, new_database_key, wrap_key

FAST = KdfParams.fast_for_tests()


def _device_at_first_migration(tmp_path):
    """A device as the very first release left it: schema 0001, one worker, one entry."""
    files = DeviceFiles(tmp_path / "db", tmp_path / "wraps.json")
    key = new_database_key()
    engine = open_encrypted_engine(files.database, key)
    assert migrate.upgrade(engine, target="0001") == "0001"
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO device_meta VALUES ('device_id', 'dev-1')"))
        conn.execute(text("INSERT INTO workers VALUES ('w1', 'jo', 'Jo Bloggs', 'worker', 'x')"))
    engine.dispose()
    KeyWrapFile(files.key_wraps).put(wrap_key(key, username="jo", passphrase="pass phrase 1",
                                              kdf=FAST))
    return files


def test_a_database_from_the_first_migration_opens_with_todays_code(tmp_path):
    files = _device_at_first_migration(tmp_path)
    store = DeviceStore(files).unlock(username="jo", passphrase="pass phrase 1")
    try:
        assert migrate.current_revision(store.engine) == migrate.head_revision() != "0001"
        with store.transaction() as session:
            names = session.execute(text("SELECT full_name FROM workers")).scalars().all()
            people = session.execute(text("SELECT count(*) FROM people")).scalar()
        assert names == ["Jo Bloggs"]
        assert people == 0  # the table added later exists and is empty
        assert store.device_id == "dev-1"
    finally:
        store.close()


def test_a_database_from_a_newer_version_is_refused_untouched(tmp_path):
    files = DeviceFiles(tmp_path / "db", tmp_path / "wraps.json")
    DeviceStore(files).create(username="jo", passphrase="pass phrase 1", kdf=FAST).close()
    key_store = DeviceStore(files).unlock(username="jo", passphrase="pass phrase 1")
    with key_store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    key_store.close()
    before = files.database.read_bytes()
    with pytest.raises(NewerDatabaseError, match="newer version of InsideOut"):
        DeviceStore(files).unlock(username="jo", passphrase="pass phrase 1")
    assert files.database.read_bytes() == before
