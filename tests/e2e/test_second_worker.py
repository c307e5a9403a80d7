"""A colleague who has never used an enrolled laptop signs in on it: first with the server,
then offline like everyone else. The laptop's sign-in key lives beside the key wraps.

The server's default policy (`approval`) gives a worker new to a laptop its key only once
approved for it: IT approves cal ahead here (`admin allow-worker`), as these tests are
about what follows; asking and approving is tests/e2e/test_stolen_laptop.py."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.services import people
from app.services.caseload import caseload
from app.services.errors import SignInRefused
from app.services.sync import sync_now
from app.services.views import PersonInput
from app.store.models import AuditEvent
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_stolen_laptop import allow_worker


def _names(session) -> list[str]:
    return sorted(f"{r.given_name} {r.family_name}" for r in caseload(session=session))


def _laptop_with_lee(enrol, server):
    laptop = enrol("ann", "Custody North")  # "laptop 0" on the server
    people.create_person(session=laptop.session,
                         person=PersonInput(given_name="Lee", family_name="Walker"))
    sync_now(session=laptop.session)
    laptop.session.close()
    allow_worker(server, "laptop 0", "cal")  # IT approves cal for it ahead
    return laptop


def test_a_colleague_new_to_the_laptop_signs_in_then_works_offline(enrol, server):
    laptop = _laptop_with_lee(enrol, server)
    assert laptop.device.takes_new_workers()
    assert laptop.device.usernames() == ["ann"]

    cal = laptop.device.sign_in(username="cal", passphrase=PASSWORD)
    assert cal.worker.username == "cal" and cal.worker.full_name == "Cal"
    assert cal.server_token  # signed in on the server too: lookups need no second password
    assert laptop.device.takes_new_workers()  # adding cal's wrap kept the sign-in key
    assert _names(cal) == ["Lee Walker"]  # the same store ann used
    with cal.transaction() as db:
        last = db.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert last.action == "sign-in" and json.loads(last.detail)["first_on_device"]
    people.create_person(session=cal, person=PersonInput(given_name="Mo", family_name="Ali"))
    assert sync_now(session=cal).pushed > 0  # the device token was in the store all along
    cal.close()
    assert laptop.device.usernames() == ["ann", "cal"]

    server.stop()  # from now on, cal is like anyone who has used this laptop before
    again = laptop.device.sign_in(username="cal", passphrase=PASSWORD)
    assert _names(again) == ["Lee Walker", "Mo Ali"]
    again.close()


def test_a_first_sign_in_without_the_network_says_so(enrol, server):
    laptop = _laptop_with_lee(enrol, server)
    server.stop()
    with pytest.raises(SignInRefused, match=r"first sign-in on this laptop.*network"):
        laptop.device.sign_in(username="cal", passphrase=PASSWORD)
    assert laptop.device.usernames() == ["ann"]
    laptop.device.sign_in(username="ann", passphrase=PASSWORD).close()  # ann is unaffected


def test_wrong_password_and_wrong_team_are_refused_and_leave_no_wrap(enrol, server):
    laptop = _laptop_with_lee(enrol, server)
    with pytest.raises(SignInRefused, match="do not match"):
        laptop.device.sign_in(username="cal", passphrase="not cal's password")
    with pytest.raises(SignInRefused, match="do not match"):
        laptop.device.sign_in(username="nobody", passphrase=PASSWORD)
    # The same answer as a wrong password: a guesser must not learn the password was right.
    with pytest.raises(SignInRefused, match="do not match"):
        laptop.device.sign_in(username="bob", passphrase=PASSWORD)
    assert laptop.device.usernames() == ["ann"]


def test_a_laptop_enrolled_before_sign_in_keys_gets_one_at_its_next_sync(enrol, tmp_path):
    laptop = enrol("ann", "Custody North")
    wraps_file = next(tmp_path.glob("laptop-0-ann/**/keywraps.json"))
    body = json.loads(wraps_file.read_text())
    del body["sign_in_server"]  # as an older version wrote it
    wraps_file.write_text(json.dumps(body))
    assert not laptop.device.takes_new_workers()
    sync_now(session=laptop.session)
    assert laptop.device.takes_new_workers()
    assert laptop.device.usernames() == ["ann"]  # the wraps came through untouched


def test_the_sign_in_window_invites_a_colleague_and_lets_them_in(qtbot, enrol, server):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    from app.config import Settings
    from app.ui.controller import AppController

    laptop = _laptop_with_lee(enrol, server)
    ctrl = AppController(device=laptop.device, settings=Settings(), version="t")
    try:
        ctrl.start()
        window = ctrl.sign_in_window
        hint = window.findChild(QLabel, "hint")
        assert hint is not None and "New to this laptop" in hint.text()
        window.username.clear()
        qtbot.keyClicks(window.username, "cal")
        qtbot.keyClicks(window.passphrase, PASSWORD)
        qtbot.keyClick(window.passphrase, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: ctrl.main_window is not None, timeout=10_000)
        assert "Cal" in ctrl.main_window.worker_label.text()
        assert ctrl.main_window.caseload.rowCount() == 1  # Lee, whom ann added
    finally:
        ctrl.shutdown()


def test_a_withdrawn_sign_in_key_is_said_plainly_and_restored_by_a_sync(enrol, server):
    laptop = _laptop_with_lee(enrol, server)
    _withdraw_sign_in_keys(server)
    with pytest.raises(SignInRefused, match="no longer lets new colleagues"):
        laptop.device.sign_in(username="cal", passphrase=PASSWORD)
    assert not laptop.device.takes_new_workers()  # the sign-in window stops offering it
    ann = laptop.device.sign_in(username="ann", passphrase=PASSWORD)
    sync_now(session=ann)
    ann.close()
    assert laptop.device.takes_new_workers()
    laptop.device.sign_in(username="cal", passphrase=PASSWORD).close()


def test_the_sign_in_window_stops_inviting_colleagues_once_the_key_is_withdrawn(
        qtbot, enrol, server):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    from app.config import Settings
    from app.ui.controller import AppController

    laptop = _laptop_with_lee(enrol, server)
    _withdraw_sign_in_keys(server)
    ctrl = AppController(device=laptop.device, settings=Settings(), version="t")
    try:
        ctrl.start()
        window = ctrl.sign_in_window
        hint = window.findChild(QLabel, "hint")
        assert hint.isVisible()  # the laptop does not know yet
        window.username.clear()
        qtbot.keyClicks(window.username, "cal")
        qtbot.keyClicks(window.passphrase, PASSWORD)
        qtbot.keyClick(window.passphrase, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "no longer lets new colleagues" in window.message.text(),
                        timeout=10_000)
        assert not hint.isVisible()
    finally:
        ctrl.shutdown()


def _withdraw_sign_in_keys(server) -> None:
    """As ten wrong guesses through a laptop's sign-in key do."""
    from sync.server import db as server_db
    from sync.server.models import Device

    engine = server_db.make_engine(server.database_url)
    with server_db.session_factory(engine).begin() as session:
        for device in session.query(Device):
            device.sign_in_key_hash = None
    engine.dispose()


def test_a_disk_failure_while_wrapping_leaves_nothing_half_done(enrol, server, monkeypatch):
    from app.store.device import DeviceStore

    laptop = _laptop_with_lee(enrol, server)
    opened = []
    real_open = DeviceStore.open_with_escrowed_key

    def spy_open(self, key):
        opened.append(real_open(self, key))
        return opened[-1]

    def disk_full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(DeviceStore, "open_with_escrowed_key", spy_open)
    monkeypatch.setattr(DeviceStore, "add_worker_wrap", disk_full)
    with pytest.raises(OSError, match="No space"):
        laptop.device.sign_in(username="cal", passphrase=PASSWORD)
    assert not opened[0].is_open  # closed, key wiped
    assert laptop.device.usernames() == ["ann"]
    monkeypatch.undo()
    laptop.device.sign_in(username="cal", passphrase=PASSWORD).close()  # a retry works
    assert laptop.device.usernames() == ["ann", "cal"]
