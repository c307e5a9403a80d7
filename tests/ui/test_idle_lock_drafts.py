"""Idle auto-lock closes the store; what was being typed comes back after unlock."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.config import Settings
from app.services.caseload import caseload
from app.ui.controller import AppController
from tests.conftest import PASSPHRASE


def test_typed_form_survives_an_idle_lock(qtbot, device_service):
    device_service.set_up_standalone(full_name="Jo Bloggs", username="jo",
                                     passphrase=PASSPHRASE, confirmation=PASSPHRASE).close()
    settings = Settings(idle_lock_minutes=0.5 / 60)  # half a second
    ctrl = AppController(device=device_service, settings=settings, version="t")
    try:
        ctrl.start()
        qtbot.keyClicks(ctrl.sign_in_window.passphrase, PASSPHRASE)
        qtbot.keyClick(ctrl.sign_in_window.passphrase, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: ctrl.main_window is not None)
        window = ctrl.main_window
        window.show_new_person()
        qtbot.keyClicks(window.new_person_form.edits["given_name"], "Darren")
        qtbot.keyClicks(window.new_person_form.edits["family_name"], "Half-Typed")
        session = ctrl.session

        qtbot.waitUntil(lambda: ctrl.sign_in_window is not None, timeout=5000)
        assert ctrl.main_window is None
        assert not session.is_open  # the database is closed and the key wiped
        # The rest checks the drafts, not the timer: a slow machine must not lock again
        # between the unlock and the next step.
        ctrl.idle.set_timeout_ms(10 * 60_000)

        qtbot.keyClicks(ctrl.sign_in_window.passphrase, PASSPHRASE)
        qtbot.keyClick(ctrl.sign_in_window.passphrase, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: ctrl.main_window is not None)
        form = ctrl.main_window.new_person_form
        assert form.edits["given_name"].text() == "Darren"
        assert form.edits["family_name"].text() == "Half-Typed"
        assert ctrl.main_window.work_area.currentWidget() is form

        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
        ctrl.runner.wait_for_idle()  # written on the database lane
        assert [p.family_name for p in caseload(session=ctrl.session)] == ["Half-Typed"]
        ctrl.lock_now()
        qtbot.keyClicks(ctrl.sign_in_window.passphrase, PASSPHRASE)
        qtbot.keyClick(ctrl.sign_in_window.passphrase, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: ctrl.main_window is not None)
        assert not ctrl.main_window.new_person_form.has_content()  # saved drafts are gone
    finally:
        ctrl.shutdown()


def test_activity_postpones_the_idle_lock(qtbot):
    from app.ui.idle import IdleWatcher

    watcher = IdleWatcher(300)
    QApplication.instance().installEventFilter(watcher)
    fired = []
    watcher.idle.connect(lambda: fired.append(True))
    watcher.start()
    try:
        from PySide6.QtWidgets import QLineEdit

        edit = QLineEdit()
        qtbot.addWidget(edit)
        edit.show()
        for _ in range(6):
            qtbot.wait(100)
            qtbot.keyClick(edit, Qt.Key.Key_A)
        assert fired == []
        qtbot.waitUntil(lambda: fired == [True], timeout=2000)
    finally:
        QApplication.instance().removeEventFilter(watcher)


def _signed_in_controller(qtbot, device_service, idle_minutes=5.0):
    device_service.set_up_standalone(full_name="Jo Bloggs", username="jo",
                                     passphrase=PASSPHRASE, confirmation=PASSPHRASE).close()
    ctrl = AppController(device=device_service, settings=Settings(idle_lock_minutes=idle_minutes),
                         version="t")
    ctrl.start()
    qtbot.keyClicks(ctrl.sign_in_window.passphrase, PASSPHRASE)
    qtbot.keyClick(ctrl.sign_in_window.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ctrl.main_window is not None)
    return ctrl


def test_a_half_typed_assessment_section_survives_a_lock(qtbot, device_service):
    from app.services import people
    from app.services.views import PersonInput

    ctrl = _signed_in_controller(qtbot, device_service)
    try:
        person = people.create_person(session=ctrl.session, person=PersonInput(
            given_name="Lee", family_name="Walker"))
        panel = ctrl.main_window.open_person(person.id).open_section("housing")
        qtbot.keyClicks(panel.form.editors[("housing", "housing_notes")], "Sofa at his sister's")
        ctrl.lock_now()
        qtbot.keyClicks(ctrl.sign_in_window.passphrase, PASSPHRASE)
        qtbot.keyClick(ctrl.sign_in_window.passphrase, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: ctrl.main_window is not None)
        view = ctrl.main_window.person_view
        assert view is not None and view.person_id == person.id
        notes = view.panels["housing"].form.editors[("housing", "housing_notes")]
        assert notes.toPlainText() == "Sofa at his sister's"
        assert view.section_stack.currentWidget() is view.panels["housing"]
    finally:
        ctrl.shutdown()


def test_autosaved_drafts_survive_a_crash(qtbot, device_service):
    ctrl = _signed_in_controller(qtbot, device_service)
    try:
        ctrl.main_window.show_new_person()
        qtbot.keyClicks(ctrl.main_window.new_person_form.edits["family_name"], "Crashworthy")
        ctrl.save_drafts_now()  # what the autosave timer does every few seconds
        ctrl.runner.wait_for_idle()  # written on the database lane
        assert ctrl.autosave.isActive()
        # A crash: the process dies without locking. Another process signs in.
        after_crash = device_service.sign_in(username="jo", passphrase=PASSPHRASE)
        from app.services import drafts

        saved = drafts.load_drafts(session=after_crash)
        assert saved["new-person"]["family_name"] == "Crashworthy"
        after_crash.close()
    finally:
        ctrl.shutdown()
