"""Key-work sessions through the real widgets on a real encrypted store: recorded by
keyboard with the care-plan goals it worked on, listed newest first with the whole notes on
selection, and the domain's problems beside their field with the typing kept."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain.journey.kinds import Setting
from app.domain.keywork import SessionType
from app.services import careplan
from app.services.keywork import SessionInput
from app.ui.keywork_goals import NO_PLAN
from app.ui.keywork_list import COLUMNS
from app.ui.keywork_panel import KeyWorkPanel
from app.ui.operations import WorkOperations
from tests.careplan.helpers import GOALS, add_person, plan_input

GOALS_COLUMN, NOTES_COLUMN = COLUMNS.index("Goals worked on"), COLUMNS.index("Notes")


@pytest.fixture
def ops(signed_in) -> WorkOperations:
    return WorkOperations(signed_in)


@pytest.fixture
def person(signed_in) -> str:
    return add_person(signed_in)


@pytest.fixture
def with_plan(signed_in, person) -> str:
    careplan.save_plan(session=signed_in, person_id=person, plan=plan_input())
    return person


@pytest.fixture
def panel(qtbot, ops, person) -> KeyWorkPanel:
    shown = KeyWorkPanel(ops=ops, person_id=person)
    qtbot.addWidget(shown)
    shown.resize(800, 500)
    shown.show()
    with qtbot.waitActive(shown):
        shown.activateWindow()  # Alt letters and the keyboard reach only the active window
    shown.refresh()
    return shown


def _press(qtbot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def _type(qtbot, text: str) -> None:
    qtbot.keyClicks(QApplication.focusWidget(), text)


def _open_dialog(qtbot, panel: KeyWorkPanel):
    panel.list.setFocus()
    _press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # Record a session…
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.isActiveWindow())
    return panel.dialog


def _opened(qtbot, panel: KeyWorkPanel):
    panel.record_new()
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.isActiveWindow())
    return panel.dialog


def test_a_session_recorded_by_keyboard_with_two_goals_shows_them(qtbot, with_plan, panel,
                                                                  ops):
    assert "No sessions recorded yet" in panel.list.topLevelItem(0).text(0)
    dialog = _open_dialog(qtbot, panel)
    assert [box.toolTip() for box in dialog.goals.boxes] == list(GOALS)
    assert QApplication.focusWidget() is dialog.editors["held_on"]  # today already
    _press(qtbot, Qt.Key.Key_Tab)
    _type(qtbot, "p")  # Prison
    _press(qtbot, Qt.Key.Key_Tab)
    _type(qtbot, "o")  # One-to-one
    _press(qtbot, Qt.Key.Key_Tab)
    _type(qtbot, "45")
    _press(qtbot, Qt.Key.Key_Tab)
    _type(qtbot, "Talked about Kayla and Saturdays.")
    _press(qtbot, Qt.Key.Key_Return)  # a second line of notes, not Save
    _type(qtbot, "Wants a letter for the contact centre.")
    _press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.goals.boxes[0]
    _press(qtbot, Qt.Key.Key_Tab)
    _press(qtbot, Qt.Key.Key_Space)  # the second goal
    _press(qtbot, Qt.Key.Key_Tab)
    _press(qtbot, Qt.Key.Key_Space)  # and the third
    with qtbot.waitSignal(panel.changed):
        _press(qtbot, Qt.Key.Key_Return)

    assert not dialog.isVisible()
    [stored] = ops.sessions(with_plan)
    assert (stored.setting, stored.session_type, stored.minutes) == (
        Setting.PRISON, SessionType.ONE_TO_ONE, 45)
    row = panel.list.topLevelItem(0)
    assert row.text(GOALS_COLUMN) == f"{GOALS[1]}; {GOALS[2]}"
    assert row.text(NOTES_COLUMN) == "Talked about Kayla and Saturdays."  # the first line
    assert "Wants a letter for the contact centre." in panel.notes.toPlainText()
    assert f"  • {GOALS[2]}" in panel.notes.toPlainText()


def test_zero_minutes_is_said_beside_minutes_and_the_typing_is_kept(qtbot, with_plan, panel,
                                                                    ops):
    dialog = _opened(qtbot, panel)
    dialog.editors["setting"].setCurrentIndex(dialog.editors["setting"].findText("Custody"))
    dialog.editors["minutes"].setText("0")
    dialog.editors["notes"].setPlainText("Brief check in the cell corridor")
    dialog.goals.boxes[0].setChecked(True)
    dialog.save()
    assert dialog.isVisible()
    assert dialog.errors["minutes"].isVisibleTo(dialog)
    assert dialog.errors["minutes"].text().startswith("0 minutes is not a session length")
    assert dialog.editors["minutes"].hasFocus()
    assert dialog.editors["minutes"].text() == "0"
    assert dialog.editors["notes"].toPlainText() == "Brief check in the cell corridor"
    assert dialog.goals.chosen() == (GOALS[0],)
    assert ops.sessions(with_plan) == []


def test_a_session_in_a_cell_in_the_community_is_refused_beside_the_type(qtbot, panel, ops,
                                                                        person):
    dialog = _opened(qtbot, panel)
    dialog.editors["setting"].setCurrentIndex(dialog.editors["setting"].findText("Community"))
    dialog.editors["session_type"].setCurrentIndex(
        dialog.editors["session_type"].findText("In a cell"))
    dialog.editors["minutes"].setText("20")
    dialog.save()
    assert dialog.errors["session_type"].isVisibleTo(dialog)
    assert dialog.errors["session_type"].text().startswith(
        "A session in a cell cannot be held in community.")
    assert not dialog.errors["minutes"].isVisibleTo(dialog)
    assert ops.sessions(person) == []


def test_with_no_care_plan_the_dialog_says_so_instead_of_goals(qtbot, panel):
    dialog = _opened(qtbot, panel)
    assert dialog.goals.boxes == []
    assert dialog.goals.no_plan is not None and dialog.goals.no_plan.isVisibleTo(dialog)
    assert dialog.goals.no_plan.text() == NO_PLAN


def test_sessions_are_listed_newest_first_with_the_type_in_words(qtbot, panel, ops, person):
    today = date.today()
    for days_ago, kind in ((9, SessionType.PHONE), (2, SessionType.IN_CELL)):
        ops.record_session(person, SessionInput(today - timedelta(days=days_ago),
                                                Setting.CUSTODY, 30, kind, f"{kind} notes"))
    panel.refresh()
    assert [panel.list.topLevelItem(i).text(1) for i in range(2)] == ["In a cell", "Phone"]
    assert panel.list.topLevelItem(0).text(GOALS_COLUMN) == "none chosen"
    panel.list.setCurrentItem(panel.list.topLevelItem(1))
    assert "phone notes" in panel.notes.toPlainText()
    assert panel.notes.isReadOnly()


def test_a_wrong_session_is_corrected_from_the_list_and_the_wrong_one_kept(
        qtbot, with_plan, panel, ops):
    """A session recorded with 450 minutes for 45, corrected by keyboard: the dialog opens
    with what was recorded, the new session stands in the list, the wrong one stays in
    the store (superseded, never edited)."""
    ops.record_session(with_plan, SessionInput(date.today(), Setting.PRISON, 450,
                                               SessionType.IN_CELL, "Talked about bail.",
                                               (GOALS[0],)))
    panel.refresh()
    qtbot.waitUntil(lambda: panel.list.selected() is not None)
    wrong = panel.list.selected()
    panel.list.setFocus()
    _press(qtbot, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)  # Fix the chosen session…
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.isActiveWindow())
    dialog = panel.dialog
    assert dialog.windowTitle() == "Correct a key-work session"
    assert dialog.editors["minutes"].text() == "450"
    assert dialog.editors["notes"].toPlainText() == "Talked about bail."
    assert dialog.goals.chosen() == (GOALS[0],)
    dialog.editors["minutes"].setFocus()
    _press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    _type(qtbot, "45")
    with qtbot.waitSignal(panel.changed):
        dialog.save_button.click()

    [standing] = ops.sessions(with_plan)
    assert (standing.minutes, standing.supersedes, standing.notes) == (
        45, wrong.id, "Talked about bail.")
    assert panel.list.topLevelItemCount() == 1
    qtbot.waitUntil(lambda: panel.list.selected() is not None
                    and panel.list.selected().id == standing.id)


def test_correct_waits_for_a_session_to_be_chosen(qtbot, panel):
    assert not panel.correct_button.isEnabled()  # "No sessions recorded yet"
