import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from app.domain.audit import AuditAction
from app.store import audit
from app.store.device import DeviceFiles, DeviceStore
from app.store.keys import KdfParams


@pytest.fixture
def store(tmp_path):
    device = DeviceStore(DeviceFiles(tmp_path / "db", tmp_path / "wraps.json"))
    opened = device.create(username="jo", passphrase="kettle kettle 9",
                           kdf=KdfParams.fast_for_tests())
    with opened.transaction() as session:
        for n, action in enumerate([AuditAction.SIGN_IN, AuditAction.CREATE, AuditAction.VIEW,
                                    AuditAction.EDIT, AuditAction.PRINT]):
            audit.append(session, action=action, device_id=opened.device_id, hlc=f"h{n}",
                         worker_id="w1", record_type="person", record_id=f"p{n}")
    yield opened
    opened.close()


def _verify(store):
    with store.transaction() as session:
        return audit.verify(session)


def _tamper(store, *statements):
    """What an attacker holding the key would do: drop the guards, then edit rows."""
    with store.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(text("DROP TRIGGER audit_events_no_delete"))
        for statement in statements:
            conn.execute(text(statement))


def test_an_untouched_trail_verifies(store):
    result = _verify(store)
    assert result.ok, result.problems
    assert result.entries_checked == 5


def test_updates_and_deletes_are_refused_by_the_database(store):
    with pytest.raises(DatabaseError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET action = 'view' WHERE seq = 2"))
    with pytest.raises(DatabaseError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq = 2"))
    assert _verify(store).ok


def test_an_altered_entry_is_detected(store):
    _tamper(store, "UPDATE audit_events SET record_id = 'someone-else' WHERE seq = 3")
    result = _verify(store)
    assert not result.ok
    assert any("entry 3 was altered" in p for p in result.problems)


def test_a_removed_entry_in_the_middle_is_detected(store):
    _tamper(store, "DELETE FROM audit_events WHERE seq = 2")
    result = _verify(store)
    assert not result.ok
    assert any("missing" in p for p in result.problems)


def test_a_removed_last_entry_is_detected(store):
    _tamper(store, "DELETE FROM audit_events WHERE seq = 5")
    result = _verify(store)
    assert not result.ok
    assert any("should end at entry 5" in p for p in result.problems)


def test_a_rehashed_forgery_still_breaks_the_chain(store):
    # Changing an entry and recomputing only its own hash leaves the next link broken.
    with store.transaction() as session:
        event = session.get(audit.AuditEvent, 2)
        session.expunge(event)
        event.record_id = "forged"
        forged_hash = audit._entry_hash(event)
    _tamper(store, f"UPDATE audit_events SET record_id='forged', entry_hash='{forged_hash}' "
                   "WHERE seq = 2")
    result = _verify(store)
    assert any("entry 3 does not follow" in p for p in result.problems)
