"""A worker who forgot their password signs in with a recovery code, through the real
widgets: the sign-in window's "Forgot your password?" is reached by the keyboard; each
problem shows beside its field (a mistyped group by its number) and changes nothing; the
right code sets the new password and the old one opens nothing any more."""

from __future__ import annotations

import os
import re

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel

from app.services import key_recovery
from app.services.caseload import caseload
from app.services.errors import SignInRefused
from app.services.key_recovery import NOT_KNOWN, WRONG_LAPTOP, RecoveredKey, TeamLaptop
from app.services.key_workers import KnownWorker
from app.services.people import create_person
from app.services.views import PersonInput
from app.store.audit import verify
from app.store.models import AuditEvent
from app.ui.recover_key_dialog import RecoverKeyDialog
from app.ui.recovery_sign_in import RecoverySignInDialog
from app.ui.sign_in import SignInWindow
from sync.protocol.recovery_code import format_code, groups
from tests.conftest import PASSPHRASE

NEW = "river lantern copper seven"


@pytest.fixture
def laptop(device_service, data_paths):
    """A set-up laptop with one person on it, locked; and the code of its store key."""
    session = device_service.set_up_standalone(full_name="Jo Bloggs", username="jo",
                                               passphrase=PASSPHRASE, confirmation=PASSPHRASE)
    create_person(session=session, person=PersonInput(
        given_name="Darren", family_name="Smith", date_of_birth="23/11/1984"))
    code = format_code(session.open_store.key_for_escrow())
    session.close()
    return device_service, code, data_paths.key_wraps


@pytest.fixture
def dialog(qtbot, laptop):
    device, _, _ = laptop
    widget = RecoverySignInDialog(ops=device, username="jo")
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _type(qtbot, dialog, *, code: str, new: str = NEW, again: str = NEW) -> None:
    for edit, text in ((dialog.code, code), (dialog.passphrase, new),
                       (dialog.confirmation, again)):
        edit.clear()
        qtbot.keyClicks(edit, text)
    qtbot.keyClick(dialog.confirmation, Qt.Key.Key_Return)  # Enter presses the default


def _still_as_it_was(device, wraps_path, before: bytes) -> None:
    assert wraps_path.read_bytes() == before  # not a byte of the key wraps changed
    session = device.sign_in(username="jo", passphrase=PASSPHRASE)  # the old one works
    session.close()


def test_a_mistyped_group_is_named_beside_the_code_and_changes_nothing(qtbot, laptop, dialog):
    device, code, wraps = laptop
    before = wraps.read_bytes()
    parts = code.split(" ")
    parts[6] = parts[6][:2] + ("Q" if parts[6][2] != "Q" else "R") + parts[6][3:]

    _type(qtbot, dialog, code=" ".join(parts).lower())

    assert "group 7" in dialog.errors["code"].text()
    assert dialog.recovered is None and dialog.isVisible()
    assert dialog.code.hasFocus()  # straight back to the field to fix
    assert dialog.errors["passphrase"].text() == ""
    _still_as_it_was(device, wraps, before)


def test_another_laptops_code_says_so_plainly_and_changes_nothing(qtbot, laptop, dialog,
                                                                   data_paths):
    device, _, wraps = laptop
    before, database = wraps.read_bytes(), data_paths.database.read_bytes()

    _type(qtbot, dialog, code=format_code(os.urandom(32)))

    assert dialog.errors["code"].text() == WRONG_LAPTOP
    assert data_paths.database.read_bytes() == database  # the store was not touched
    assert dialog.recovered is None
    _still_as_it_was(device, wraps, before)


def test_the_new_password_is_checked_as_the_first_run_checks_it(qtbot, laptop, dialog):
    device, code, wraps = laptop
    before = wraps.read_bytes()

    _type(qtbot, dialog, code=code, new="short", again="short")
    assert "12 characters" in dialog.errors["passphrase"].text()

    _type(qtbot, dialog, code=code, new=NEW, again=NEW + "x")
    assert "different" in dialog.errors["confirmation"].text()
    assert dialog.errors["passphrase"].text() == ""

    _type(qtbot, dialog, code=code, new="jo bloggs river lantern", again="jo bloggs river "
          "lantern")  # the name is known only inside the store: still refused
    assert "name" in dialog.errors["passphrase"].text()
    _still_as_it_was(device, wraps, before)


def test_a_username_never_used_here_is_told_how_to_sign_in(qtbot, laptop, dialog):
    _, code, _ = laptop
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, "cal")

    _type(qtbot, dialog, code=code)

    assert dialog.errors["username"].text() == NOT_KNOWN


def test_a_worker_kept_waiting_by_wrong_passwords_is_let_in_and_they_are_audited(
        qtbot, laptop, dialog):
    device, code, _ = laptop
    for _ in range(3):  # the third makes them wait
        with pytest.raises(SignInRefused):
            device.sign_in(username="jo", passphrase="what was it again")
    assert device.seconds_to_wait("jo") > 0

    _type(qtbot, dialog, code=code)

    assert dialog.recovered == ("jo", NEW)
    assert device.seconds_to_wait("jo") == 0
    session = device.sign_in(username="jo", passphrase=NEW)
    try:
        with session.transaction(read_only=True) as db:
            failed = db.query(AuditEvent).filter(AuditEvent.action == "failed-sign-in")
            assert failed.count() == 3
    finally:
        session.close()


def test_the_code_counts_its_groups_as_it_is_typed(qtbot, laptop, dialog):
    _, code, _ = laptop
    qtbot.keyClicks(dialog.code, " ".join(groups(bytes(32))[:3]))
    assert dialog.progress.text().startswith("3 of 13 groups")
    dialog.code.setText(code)
    assert dialog.progress.text().startswith("13 of 13 groups")


def test_forgot_your_password_by_keyboard_sets_the_new_one_and_signs_in(qtbot, laptop):
    device, code, wraps = laptop
    before = wraps.read_bytes()
    window = SignInWindow(usernames=device.usernames(), recovery=device)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    assert window.forgot is not None and "&Forgot" in window.forgot.text()
    window.button.setFocus()
    qtbot.keyClick(window.button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is window.forgot  # next after Sign in

    seen: dict[str, object] = {}

    def fill_in() -> None:
        dialog = window.findChild(RecoverySignInDialog)
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, fill_in)  # not shown yet
            return
        seen["username"], seen["focus"] = dialog.username.text(), dialog.focusWidget()
        try:
            _type(qtbot, dialog, code=code)
        finally:
            dialog.reject()  # a no-op once accepted; never leaves a modal loop running

    QTimer.singleShot(0, fill_in)
    with qtbot.waitSignal(window.sign_in_requested, timeout=10_000) as asked:
        qtbot.keyClick(window.forgot, Qt.Key.Key_Space)

    assert seen["username"] == "jo"  # carried over from the sign-in window
    assert seen["focus"] is window.findChild(RecoverySignInDialog).code  # the code next
    assert asked.args == ["jo", NEW]
    assert window.busy  # the usual sign-in is under way
    assert wraps.read_bytes() != before and device.usernames() == ["jo"]  # replaced
    session = device.sign_in(username="jo", passphrase=NEW)
    try:
        with session.transaction(read_only=True) as db:
            assert verify(db).ok
            actions = [(e.action, e.record_type) for e in db.query(AuditEvent)]
        assert ("edit", "key-wrap") in actions  # the recovery is in the audit trail
        assert [p.display_name for p in caseload(session=session)] == ["SMITH, Darren"]
    finally:
        session.close()
    with pytest.raises(SignInRefused, match=re.escape("do not match")):
        device.sign_in(username="jo", passphrase=PASSPHRASE)


def test_without_a_recovery_service_nothing_is_offered(qtbot):
    window = SignInWindow(usernames=["jo"])
    qtbot.addWidget(window)
    assert window.forgot is None


# ---- the lead's dialog, with the service's own checks and a server that answers --------
class _LeadOps:
    def __init__(self) -> None:
        self.key = os.urandom(32)
        self.asked: list[str] = []
        self.laptop = TeamLaptop("d-1", "Custody North laptop 3", "06/12/2026 07:58 UTC",
                                 False, ("w-ann",), ("Ann Jones",))

    def known_workers(self) -> list[KnownWorker]:
        return [KnownWorker("w-ann", "Ann Jones"), KnownWorker("w-cal", "Cal Reid")]

    def signed_in(self) -> bool:
        return False

    def team_laptops(self, password: str) -> list[TeamLaptop]:
        self.asked.append(password)
        return [TeamLaptop("d-0", "Custody North laptop 1", "never", False, (), ()),
                self.laptop]

    def recover_key(self, password: str, laptop: TeamLaptop | None, worker_id: str,
                    worker_name: str, reason: str) -> RecoveredKey:
        key_recovery._check_request(laptop, worker_id, " ".join(reason.split()))
        assert laptop is not None
        return RecoveredKey(tuple(groups(self.key)), laptop.name, worker_name)


@pytest.fixture
def lead_dialog(qtbot):
    ops = _LeadOps()
    widget = RecoverKeyDialog(ops=ops)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget, ops


def test_the_lead_is_told_beside_each_field_what_is_missing(qtbot, lead_dialog):
    dialog, _ = lead_dialog
    qtbot.keyClicks(dialog.reason, "forgot")
    qtbot.mouseClick(dialog.recover_button, Qt.MouseButton.LeftButton)

    assert "Choose the worker" in dialog.errors["worker"].text()
    assert "Choose the laptop" in dialog.errors["laptop"].text()
    assert "at least 10 characters" in dialog.errors["reason"].text()
    assert dialog.recovered is None and not dialog.code_box.isVisible()


def test_the_code_is_shown_once_in_numbered_groups_with_what_to_say(qtbot, lead_dialog):
    dialog, ops = lead_dialog
    dialog.workers.setCurrentIndex(dialog.workers.findText("Ann Jones"))
    qtbot.keyClicks(dialog.password, "my own password")
    qtbot.keyClick(dialog.find_button, Qt.Key.Key_Space)
    assert ops.asked == ["my own password"]
    assert dialog.chosen_laptop() == ops.laptop  # the only laptop Ann has used
    qtbot.keyClicks(dialog.reason, "Ann forgot her password, phoned at 8:05")
    qtbot.mouseClick(dialog.recover_button, Qt.MouseButton.LeftButton)

    shown = [label.text() for label in dialog.code_box.findChildren(QLabel)]
    for number, group in enumerate(groups(ops.key), start=1):
        assert any(text.endswith(f"{number}</span>&nbsp;{group}") for text in shown), group
    said = " ".join(shown)
    assert "Forgot your password?" in said and "Ann Jones" in said
    assert "set-password" in said  # the server password is IT's to reset
    assert not dialog.recover_button.isEnabled()  # once: a stray Enter cannot ask again
    assert dialog.password.text() == ""


def test_both_dialogs_fit_a_1280x720_screen(lead_dialog, dialog):
    for widget in (lead_dialog[0], dialog):
        hint = widget.minimumSizeHint()
        assert hint.width() <= 1280 and hint.height() <= 680, (widget, hint)
