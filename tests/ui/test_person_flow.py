"""Create, duplicate warning, full assessment, sign out and in: all there. Triage by keyboard."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.config import Settings
from app.services import assessment
from app.services.caseload import caseload
from app.ui.controller import AppController
from app.ui.fields import editor_text
from tests.conftest import PASSPHRASE


@pytest.fixture
def ctrl(qtbot, device_service):
    device_service.set_up_standalone(full_name="Jo Bloggs", username="jo",
                                     passphrase=PASSPHRASE, confirmation=PASSPHRASE).close()
    controller = AppController(device=device_service, settings=Settings(), version="t")
    controller.start()
    _sign_in(qtbot, controller)
    yield controller
    controller.shutdown()


def _sign_in(qtbot, controller):
    qtbot.keyClicks(controller.sign_in_window.passphrase, PASSPHRASE)
    qtbot.keyClick(controller.sign_in_window.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.main_window is not None)
    window = controller.main_window
    with qtbot.waitActive(window):
        window.activateWindow()


def _type_person(qtbot, form, given, family, dob):
    for key, text in (("given_name", given), ("family_name", family), ("date_of_birth", dob)):
        form.edits[key].clear()
        qtbot.keyClicks(form.edits[key], text)
    form.edits["sex"].setCurrentIndex(form.edits["sex"].findData("1"))


def test_create_duplicate_warning_assessment_and_back_after_sign_in(qtbot, ctrl):
    window = ctrl.main_window
    qtbot.keyClick(window.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = window.new_person_form
    assert window.work_area.currentWidget() is form
    _type_person(qtbot, form, "Darren", "Smith", "23/11/1984")
    form.edits["pnc_id"].setText("2001/0000001Q")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.person_view is not None)
    first_id = window.person_view.person_id

    window.show_new_person()
    _type_person(qtbot, form, "Daren", "Smyth", "23/11/1984")
    qtbot.waitUntil(lambda: form.shown_matches != [], timeout=3000)  # shown while typing
    assert form.shown_matches[0].person.id == first_id
    assert "LIKELY" in form.matches.item(0).text()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    # Written on the database lane: the answer comes back as a callback.
    qtbot.waitUntil(lambda: "may be someone we already know" in form.message.text())
    assert len(caseload(session=ctrl.session)) == 1  # not created yet
    form.matches.setCurrentRow(0)
    qtbot.keyClick(form.matches, Qt.Key.Key_Return)  # open the existing record instead
    assert window.person_view.person_id == first_id

    view = window.person_view
    panel = view.open_section("housing")
    panel.form.editors[("housing", "accommodation_need")].setCurrentIndex(1)
    qtbot.keyClicks(panel.form.editors[("housing", "housing_notes")], "Sleeping in a tent")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy)
    panel = window.person_view.open_section("substances")
    drinking = panel.form.editors[("substances", "alcohol_drinking_days")]
    qtbot.keyClicks(drinking, "40")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy)  # saves run on the database thread
    error = panel.form.errors[("substances", "alcohol_drinking_days")]
    assert not error.isHidden() and "28" in error.text()
    assert editor_text(drinking) == "40"  # nothing typed is lost on an error
    drinking.clear()
    qtbot.keyClicks(drinking, "12")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy)
    panel = window.person_view.open_section("housing")
    panel.form.editors[("housing", "housing_notes")].setPlainText("Hostel on North Hill")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy)

    ctrl.sign_out_now()
    _sign_in(qtbot, ctrl)
    window = ctrl.main_window
    assert window.caseload.rowCount() == 1
    window.table.selectRow(0)
    window.open_person(window.caseload.person_at(0).id)
    view = window.person_view
    assert editor_text(view.panels["housing"].form.editors[("housing", "housing_notes")]) \
        == "Hostel on North Hill"
    assert editor_text(view.panels["substances"].form.editors[
        ("substances", "alcohol_drinking_days")]) == "12"
    assert "Jo Bloggs" in view.panels["housing"].confirmed.text()
    history = [view.history.topLevelItem(i).text(4) for i in
               range(view.history.topLevelItemCount())]
    assert "Sleeping in a tent" in history and "Hostel on North Hill" in history


def test_triage_by_keyboard_alone(qtbot, ctrl):
    from app.services import people
    from app.services.views import PersonInput

    person = people.create_person(session=ctrl.session, person=PersonInput(
        given_name="Lee", family_name="Walker", date_of_birth="02/03/1990", sex="1"))
    window = ctrl.main_window
    window.refresh_caseload()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)  # open from the caseload
    assert window.person_view is not None and window.person_view.person_id == person.id
    qtbot.keyClick(window.person_view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    triage = window.triage_view
    assert triage is not None and window.work_area.currentWidget() is triage

    answers = {"drug1": "Crack", "drug1_route": "Smoke", "drug1_frequency": "Daily",
               "alcohol_drinking_days": "3"}
    order = [key for key in triage.form.editors]
    for section, field in order:
        focused = QApplication.focusWidget()
        assert focused is triage.form.editors[(section, field)], field
        if field in answers:
            qtbot.keyClicks(focused, answers[field])
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.person_view is not None
                    and window.work_area.currentWidget() is window.person_view)
    saved = assessment.load_assessment(session=ctrl.session, person_id=person.id).values
    assert saved["substances"]["drug1"] == "crack"
    assert saved["substances"]["alcohol_drinking_days"] == 3
    assert saved["substances"]["drug1_route"] == "3"  # Smoke / inhale
    assert saved["substances"]["drug1_frequency"] == "1"  # Daily
