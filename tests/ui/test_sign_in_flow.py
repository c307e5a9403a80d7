"""First run -> sign in -> lock -> unlock, driven through the real widgets."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

import main
from app.config import Settings
from app.store.keys import KdfParams
from app.store.throttle import FREE_ATTEMPTS
from app.ui.controller import AppController
from app.ui.first_run import PAGE_DONE
from app.ui.main_window import EMPTY_CASELOAD
from tests.conftest import PASSPHRASE


@pytest.fixture
def controller(qtbot, data_paths):
    device = main.build_device_service(data_paths, kdf=KdfParams.fast_for_tests())
    ctrl = AppController(device=device, settings=Settings(idle_lock_minutes=5), version="9.9.9")
    yield ctrl
    ctrl.shutdown()


def _complete_first_run(qtbot, ctrl):
    ctrl.start()
    wizard = ctrl.first_run
    assert wizard is not None and wizard.isVisible()
    assert wizard.mode_page.enrol.isChecked()  # enrolling is the recommended default
    wizard.mode_page.standalone.setChecked(True)
    wizard.next()
    page = wizard.worker_page
    qtbot.keyClicks(page.full_name, "Jo Bloggs")
    qtbot.keyClicks(page.username, "jo")
    qtbot.keyClicks(page.passphrase, "short")
    qtbot.keyClicks(page.confirmation, "short")
    wizard.next()
    assert wizard.currentPage() is page  # refused, with the reason beside the field
    assert "12 characters" in page.errors["passphrase"].text()
    for edit in (page.passphrase, page.confirmation):
        edit.clear()
        qtbot.keyClicks(edit, PASSPHRASE)
    wizard.next()
    assert wizard.currentPage() is not page
    wizard.accept()
    qtbot.waitUntil(lambda: ctrl.main_window is not None and ctrl.main_window.isVisible())


def _sign_in(qtbot, ctrl, passphrase):
    window = ctrl.sign_in_window
    window.passphrase.clear()
    qtbot.keyClicks(window.passphrase, passphrase)
    qtbot.keyClick(window.passphrase, Qt.Key.Key_Return)


def test_first_run_then_lock_then_unlock(qtbot, controller):
    _complete_first_run(qtbot, controller)
    window = controller.main_window
    assert window.empty_state.text() == EMPTY_CASELOAD
    assert window.list_stack.currentWidget() is window.empty_state
    assert "Jo Bloggs" in window.worker_label.text()
    assert "standalone" in window.sync_label.text()
    assert "9.9.9" in window.about_text()

    assert window.lock_action.shortcut().toString() == "Ctrl+L"
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window.search, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: controller.sign_in_window is not None)
    assert controller.main_window is None and controller.session is None
    assert controller.sign_in_window.username.text() == "jo"

    _sign_in(qtbot, controller, "not my passphrase")
    qtbot.waitUntil(lambda: "do not match" in controller.sign_in_window.message.text())
    assert controller.main_window is None

    _sign_in(qtbot, controller, PASSPHRASE)
    qtbot.waitUntil(lambda: controller.main_window is not None)
    assert controller.session.worker.username == "jo"


def test_repeated_failures_disable_the_button_with_a_countdown(qtbot, controller):
    _complete_first_run(qtbot, controller)
    controller.lock_now()
    window = controller.sign_in_window
    for attempt in range(FREE_ATTEMPTS):
        _sign_in(qtbot, controller, f"wrong guess number {attempt}")
        qtbot.waitUntil(lambda: window.message.text() != "" and window.button.text() != "Checking…")
    assert window.button.text().startswith("Wait") and not window.button.isEnabled()
    assert "wait" in window.message.text()
    _sign_in(qtbot, controller, PASSPHRASE)  # ignored while the countdown runs
    qtbot.wait(200)
    assert controller.main_window is None
    qtbot.waitUntil(lambda: window.button.isEnabled(), timeout=5000)
    _sign_in(qtbot, controller, PASSPHRASE)
    qtbot.waitUntil(lambda: controller.main_window is not None)


def test_a_long_refusal_is_shown_whole(qtbot):
    from app.services.first_sign_in import KEY_WITHDRAWN
    from app.ui.sign_in import SignInWindow

    window = SignInWindow(usernames=["ann"], takes_new_workers=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_refusal(" ".join([KEY_WITHDRAWN] * 3))  # longer than any real one
    qtbot.wait(50)
    label = window.message
    assert label.height() >= label.heightForWidth(label.width())  # no line cut off
    assert label.geometry().bottom() < window.button.geometry().top()  # nor overlapped


def test_back_from_ready_is_not_offered_and_next_again_does_not_set_up_twice(qtbot, controller):
    """Back from "This laptop is ready" then Next threw FileExistsError."""
    controller.start()
    wizard = controller.first_run
    wizard.mode_page.standalone.setChecked(True)
    wizard.next()
    page = wizard.worker_page
    for edit, text in ((page.full_name, "Jo Bloggs"), (page.username, "jo"),
                       (page.passphrase, PASSPHRASE), (page.confirmation, PASSPHRASE)):
        qtbot.keyClicks(edit, text)
    assert page.isCommitPage()  # the worker is made here: the wizard says so on the button
    wizard.next()
    assert wizard.currentPage() is not page
    back = wizard.button(QWizard.WizardButton.BackButton)
    assert not (back.isVisible() and back.isEnabled())  # no going back past the commit
    wizard.back()  # and even from code, Next again does not make the worker twice
    wizard.next()
    assert wizard.currentId() == PAGE_DONE
    wizard.accept()
    qtbot.waitUntil(lambda: controller.main_window is not None)
