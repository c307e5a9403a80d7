import pytest

import main
from app.domain.audit import AuditAction
from app.services import people
from app.services.caseload import caseload
from app.services.errors import InvalidInput, SessionLocked, SignInRefused
from app.services.session import lock, verify_audit_trail
from app.services.views import PersonInput
from app.store.keys import KdfParams
from app.store.models import AuditEvent
from tests.conftest import PASSPHRASE


def test_set_up_says_what_is_wrong_with_each_field(device_service):
    with pytest.raises(InvalidInput) as caught:
        device_service.set_up_standalone(full_name="J", username="9bad name",
                                         passphrase="short", confirmation="short")
    assert set(caught.value.problems) == {"full_name", "username", "passphrase"}
    assert "12 characters" in caught.value.problems["passphrase"]
    assert not device_service.is_set_up()


def test_set_up_refuses_mismatched_confirmation(device_service):
    with pytest.raises(InvalidInput) as caught:
        device_service.set_up_standalone(full_name="Jo Bloggs", username="jo",
                                         passphrase=PASSPHRASE, confirmation=PASSPHRASE + "x")
    assert "confirmation" in caught.value.problems


def test_sign_in_after_lock_reads_the_same_data(device_service, signed_in):
    people.create_person(session=signed_in,
                         person=PersonInput(given_name="Ann", family_name="Other"))
    lock(session=signed_in)
    with pytest.raises(SessionLocked):
        caseload(session=signed_in)
    again = device_service.sign_in(username="JO ", passphrase=PASSPHRASE)
    assert [p.family_name for p in caseload(session=again)] == ["Other"]
    assert again.worker.full_name == "Jo Bloggs"
    again.close()


def test_wrong_passphrase_is_refused_clearly_and_then_delayed(device_service, signed_in):
    lock(session=signed_in)
    messages = []
    for _ in range(4):
        with pytest.raises(SignInRefused) as caught:
            device_service.sign_in(username="jo", passphrase="not the passphrase")
        messages.append(caught.value)
    assert "do not match" in str(messages[0]) and messages[0].wait_seconds == 0
    assert messages[-1].wait_seconds > 0 and "wait" in str(messages[-1])
    with pytest.raises(SignInRefused, match="wait"):
        device_service.sign_in(username="jo", passphrase=PASSPHRASE)


def test_the_delay_is_still_there_after_a_restart(data_paths, signed_in):
    lock(session=signed_in)
    first = main.build_device_service(data_paths, kdf=KdfParams.fast_for_tests())
    for _ in range(4):
        with pytest.raises(SignInRefused):
            first.sign_in(username="jo", passphrase="not the passphrase")
    restarted = main.build_device_service(data_paths, kdf=KdfParams.fast_for_tests())
    assert restarted.seconds_to_wait("jo") > 0
    with pytest.raises(SignInRefused, match="wait"):
        restarted.sign_in(username="jo", passphrase=PASSPHRASE)


def test_failed_attempts_are_written_to_the_audit_trail_at_next_sign_in(device_service,
                                                                         signed_in):
    lock(session=signed_in)
    for _ in range(2):
        with pytest.raises(SignInRefused):
            device_service.sign_in(username="jo", passphrase="not the passphrase")
    session = device_service.sign_in(username="jo", passphrase=PASSPHRASE)
    with session.transaction() as db:
        actions = [e.action for e in db.query(AuditEvent).order_by(AuditEvent.seq)]
    assert actions[-3:] == [AuditAction.SIGN_IN_FAILED] * 2 + [AuditAction.SIGN_IN]
    assert AuditAction.LOCK in actions and AuditAction.DEVICE_SET_UP in actions
    assert verify_audit_trail(session=session).ok
    session.close()


def test_an_unknown_username_gets_the_same_answer_as_a_wrong_passphrase(device_service,
                                                                         signed_in):
    lock(session=signed_in)
    with pytest.raises(SignInRefused) as unknown:
        device_service.sign_in(username="nobody", passphrase=PASSPHRASE)
    with pytest.raises(SignInRefused) as wrong:
        device_service.sign_in(username="jo", passphrase="not the passphrase")
    assert str(unknown.value) == str(wrong.value)
