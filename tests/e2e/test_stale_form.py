"""A stale screen wrote old answers back over newer ones.

A record left open on laptop 2 while laptop 1 changed the main substance: the worker on
laptop 2 typed only 'age first used' and saved, and the save wrote the old main
substance back. Real server process, real encrypted laptops, the real app on laptop 2.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.services import assessment, conflicts, people
from app.services.sync import sync_now
from app.services.views import PersonInput
from app.ui.controller import AppController
from app.ui.fields import editor_text, set_editor_text
from app.ui.main_window import MainWindow
from app.ui.operations import SyncOperations
from app.ui.sync_scheduler import SyncScheduler
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_app_sync_ui import app_controller

pytestmark = pytest.mark.slow
__all__ = ["app_controller"]  # the app-on-a-laptop fixture, shared with the sync UI tests

DRUG1, AGE = ("substances", "drug1"), ("substances", "drug1_age_first_used")
NOTES = ("housing", "housing_notes")


def _enrol_in_the_app(qtbot, ctrl: AppController, server, username: str) -> MainWindow:
    ctrl.start()
    ctrl.first_run.next()
    page = ctrl.first_run.enrol_page
    page.code.setText(server.enrolment_code("Custody North"))
    page.username.setText(username)
    page.password.setText(PASSWORD)
    ctrl.first_run.next()
    ctrl.first_run.accept()
    qtbot.waitUntil(lambda: ctrl.main_window is not None)
    window = ctrl.main_window
    qtbot.waitUntil(lambda: "last" in window.sync_label.text(), timeout=20_000)
    return window


def _lee_on_laptop_1(enrol, **answers: dict[str, str]):
    ann = enrol("ann", "Custody North")
    lee = people.create_person(session=ann.session, person=PersonInput(
        given_name="Lee", family_name="Walker", date_of_birth="02/03/1990", sex="1"))
    for section, typed in answers.items():
        assessment.save_section(session=ann.session, person_id=lee.id, section=section,
                                typed=typed)
    sync_now(session=ann.session)
    return ann, lee


def test_a_stale_open_section_does_not_write_the_old_main_substance_back(
        qtbot, app_controller, server, enrol):
    ann, lee = _lee_on_laptop_1(enrol, substances={"drug1": "alcohol"})
    ctrl = app_controller
    window = _enrol_in_the_app(qtbot, ctrl, server, "cal")  # laptop 2, the real app

    # Laptop 2 opens the substance section: it shows Alcohol.
    view = window.open_person(lee.id)
    panel = view.open_section("substances")
    assert editor_text(panel.form.editors[DRUG1]) == "alcohol"

    # Laptop 1 changes the main substance and syncs.
    assessment.save_section(session=ann.session, person_id=lee.id, section="substances",
                            typed={"drug1": "crack"})
    sync_now(session=ann.session)

    # Laptop 2's background sync runs; the record stays open.
    with qtbot.waitSignal(ctrl.scheduler.synced, timeout=20_000):
        ctrl.scheduler.sync_now()
    assert window.person_view is view
    # The open form catches up: read on the database lane, shown when it comes back.
    qtbot.waitUntil(lambda: editor_text(panel.form.editors[DRUG1]) == "crack")

    # The worker types only 'age first used = 19' and presses Save substance use.
    age = panel.form.editors[AGE]
    age.setFocus()
    qtbot.keyClicks(age, "19")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy, timeout=10_000)
    assert "Saved" in panel.feedback.text(), panel.feedback.text()

    with qtbot.waitSignal(ctrl.scheduler.synced, timeout=20_000):
        ctrl.scheduler.sync_now()
    sync_now(session=ann.session)
    for session in (ann.session, ctrl.session):
        values = assessment.load_assessment(session=session, person_id=lee.id).values
        assert values["substances"]["drug1"] == "crack"
        assert values["substances"]["drug1_age_first_used"] == 19
        history = assessment.field_history(session=session, person_id=lee.id,
                                           section="substances", field="drug1")
        assert [(h.old, h.new) for h in history] == [(None, "alcohol"), ("alcohol", "crack")]
        assert conflicts.list_conflicts(session=session) == []


def test_an_open_record_follows_a_sync_and_typed_answers_are_never_lost(qtbot, enrol):
    """The window wired as the app wires it (each background sync -> after_sync)."""
    ann, lee = _lee_on_laptop_1(enrol, substances={"drug1": "alcohol"},
                                housing={"housing_notes": "tent"})
    cal = enrol("cal", "Custody North")
    sync_now(session=cal.session)
    window = MainWindow(session=cal.session, version="t", idle_minutes=30)
    qtbot.addWidget(window)
    scheduler = SyncScheduler(SyncOperations(cal.session), window)
    scheduler.synced.connect(lambda _report: window.after_sync())
    view = window.open_person(lee.id)
    housing = view.open_section("housing")
    set_editor_text(housing.form.editors[NOTES], "hostel on North Hill")  # typed, not saved
    substances = view.open_section("substances")  # the worker looks at another section

    assessment.save_section(session=ann.session, person_id=lee.id, section="substances",
                            typed={"drug1": "crack"})
    assessment.save_section(session=ann.session, person_id=lee.id, section="housing",
                            typed={"housing_notes": "sofa at his sister's"})
    sync_now(session=ann.session)
    with qtbot.waitSignal(scheduler.synced, timeout=20_000):
        scheduler.sync_now()

    # Untouched: brought up to date in place, on the same tab and section.
    assert window.person_view is view and view.section_stack.currentWidget() is substances
    assert editor_text(substances.form.editors[DRUG1]) == "crack"
    assert not substances.form.is_dirty()
    # Typed: kept, and marked with who changed it underneath.
    assert editor_text(housing.form.editors[NOTES]) == "hostel on North Hill"
    note = housing.form.notes[NOTES]
    assert not note.isHidden()
    assert "Changed by Ann" in note.text.text() and "sofa at his sister's" in note.text.text()

    # Saving asks; writing theirs over it is the deliberate second step, in the history.
    view.open_section("housing")
    qtbot.mouseClick(housing.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not housing.busy, timeout=10_000)
    assert "NOT saved" in housing.feedback.text()
    assert assessment.load_assessment(session=cal.session, person_id=lee.id).values[
        "housing"]["housing_notes"] == "sofa at his sister's"
    qtbot.mouseClick(note.write_mine, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not housing.busy, timeout=10_000)
    assert note.isHidden()
    with qtbot.waitSignal(scheduler.synced, timeout=20_000):
        scheduler.sync_now()
    sync_now(session=ann.session)
    scheduler.stop()
    for session in (ann.session, cal.session):
        values = assessment.load_assessment(session=session, person_id=lee.id).values
        assert values["housing"]["housing_notes"] == "hostel on North Hill"
        assert values["substances"]["drug1"] == "crack"
        history = assessment.field_history(session=session, person_id=lee.id,
                                           section="housing", field="housing_notes")
        assert (history[-1].old, history[-1].new, history[-1].worker_name) == (
            "sofa at his sister's", "hostel on North Hill", "Cal")
        assert conflicts.list_conflicts(session=session) == []
