"""My tasks through the real window: opened by keyboard, overdue first and in red words,
closed as done or dismissed with a reason, and counted on the status bar."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from PySide6.QtCore import Qt

from app.domain.journey.kinds import Kind
from app.domain.tasks import DecisionKind, Rule, Task
from app.services import appointments, journey
from app.services.appointments import Booking
from app.services.journey import EventInput
from app.ui.main_window import MainWindow
from app.ui.task_list import due_words
from tests.careplan.helpers import add_person

TODAY = date.today()


@pytest.fixture(autouse=True)
def _today() -> None:
    global TODAY
    TODAY = date.today()


@pytest.fixture
def window(qtbot, signed_in) -> MainWindow:
    shown = MainWindow(session=signed_in, version="t", idle_minutes=5)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def _court_and_missed_outcome(session) -> str:
    person = add_person(session)
    journey.record_event(session=session, person_id=person, typed=EventInput(
        Kind.COURT_HEARING, TODAY + timedelta(days=2), "Chelmsford Crown Court",
        {"outcome": "listed"}))
    appointments.book(session=session, person_id=person, booking=Booking(
        TODAY - timedelta(days=6), time(9, 30), "Harlow hub", "Sam Reid", "Key work"))
    return person


def test_my_tasks_open_by_keyboard_overdue_first_and_done_closes_one(qtbot, window,
                                                                      signed_in):
    person = _court_and_missed_outcome(signed_in)
    window.refresh_task_count()
    assert window.task_count.isVisibleTo(window)
    assert window.task_count.text() == "1 task overdue"
    assert "Ctrl+Shift+T" in window.task_count.toolTip()

    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.task_list
    assert dialog is not None and dialog.showing_mine
    rows = [[dialog.table.topLevelItem(r).text(c) for c in range(4)]
            for r in range(dialog.table.topLevelItemCount())]
    assert [line.task.rule for line in dialog.lines] == [Rule.APPOINTMENT_OUTCOME, Rule.COURT]
    assert rows[0][0].startswith("OVERDUE") and rows[0][1] == "SMITH, Darren"
    assert rows[1][0].endswith("(in 2 days)") and "Chelmsford Crown Court" in rows[1][2]
    assert dialog.counts.text() == "2 tasks, 1 overdue"
    red = dialog.table.topLevelItem(0).foreground(0).color().name()
    assert red == "#a4161a"

    qtbot.keyClick(dialog.done_button, Qt.Key.Key_Space)  # the first row is selected
    assert [line.task.rule for line in dialog.lines] == [Rule.COURT]
    assert not window.task_count.isVisibleTo(window)  # nothing overdue now
    dialog.open_record()
    assert window.person_view is not None and window.person_view.person_id == person


def test_dismiss_asks_why_first(qtbot, window, signed_in):
    _court_and_missed_outcome(signed_in)
    dialog = window.open_tasks()
    qtbot.keyClick(dialog.dismiss_button, Qt.Key.Key_Space)
    assert "Say why" in dialog.message.text() and len(dialog.lines) == 2
    assert dialog.reason.hasFocus() or dialog.focusWidget() is dialog.reason
    qtbot.keyClicks(dialog.reason, "Seen at the hub: the appointment was kept")
    dialog.decide(DecisionKind.DISMISSED)
    assert len(dialog.lines) == 1 and dialog.reason.text() == ""


def test_team_tasks_list_everyone_and_an_empty_list_says_so(qtbot, window, signed_in):
    dialog = window.open_tasks()
    assert dialog.stack.currentWidget() is dialog.empty
    assert "Nothing due for your people" in dialog.empty.text()
    _court_and_missed_outcome(signed_in)
    qtbot.keyClick(dialog.team_button, Qt.Key.Key_Space)
    assert not dialog.showing_mine and len(dialog.lines) == 2


@pytest.mark.parametrize(("days", "said"), [(-1, "OVERDUE 1 day — "), (-3, "OVERDUE 3 days — "),
                                            (0, "TODAY"), (1, "(tomorrow)"), (5, "(in 5 days)")])
def test_due_words(days, said):
    task = Task("k", Rule.COURT, "p", "what", TODAY + timedelta(days=days), "why", TODAY)
    assert said in due_words(task, TODAY)
