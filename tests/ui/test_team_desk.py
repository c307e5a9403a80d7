"""The team lead's desk through the real window, offline: who holds how many people and
how many have something overdue, each one's people, and giving a person to someone else."""

from __future__ import annotations

import dataclasses
from datetime import date, time, timedelta

import pytest
from PySide6.QtCore import Qt

from app.services import allocation, appointments, people
from app.services.appointments import Booking
from app.services.views import PersonInput
from app.ui.main_window import MainWindow
from tests.careplan.helpers import add_person


@pytest.fixture
def window(qtbot, signed_in) -> MainWindow:
    shown = MainWindow(session=signed_in, version="t", idle_minutes=5)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def test_the_desk_counts_each_workers_people_and_gives_one_away(qtbot, window, signed_in):
    assert signed_in.worker.role == "team_lead" and window.desk_action.isVisible()
    person = add_person(signed_in)  # recorded by the lead: theirs
    appointments.book(session=signed_in, person_id=person, booking=Booking(
        date.today() - timedelta(days=5), time(10, 0), "Harlow hub", "", "Key work"))
    other = people.create_person(session=signed_in, person=PersonInput(
        given_name="Kayleigh", family_name="Osei", date_of_birth="02/02/1990")).id
    allocation.allocate(session=signed_in, person_id=other, worker_id="w-sam",
                        worker_name="Sam Patel")

    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    desk = window.desk
    assert desk is not None and desk.message.text() == ""  # "Reading…" gone once read
    rows = [[desk.workers.topLevelItem(r).text(c) for c in range(3)]
            for r in range(desk.workers.topLevelItemCount())]
    assert sorted(rows) == [[signed_in.worker.full_name, "1", "1"], ["Sam Patel", "1", "—"]]
    lead_row = next(r for r in range(len(rows)) if rows[r][0] == signed_in.worker.full_name)
    desk.workers.setCurrentItem(desk.workers.topLevelItem(lead_row))
    assert desk.held.topLevelItem(0).text(0) == "SMITH, Darren"

    desk.give_person()
    dialog = window.key_worker_dialog
    assert dialog is not None
    sam = next(i for i in range(dialog.workers.count())
               if dialog.workers.item(i).text().startswith("Sam Patel"))
    dialog.workers.setCurrentRow(sam)
    dialog.give()
    rows = {desk.workers.topLevelItem(r).text(0): desk.workers.topLevelItem(r).text(1)
            for r in range(desk.workers.topLevelItemCount())}
    assert rows["Sam Patel"] == "2"


def test_a_worker_has_no_desk(qtbot, signed_in):
    signed_in.worker = dataclasses.replace(signed_in.worker, role="worker")
    shown = MainWindow(session=signed_in, version="t", idle_minutes=5)
    qtbot.addWidget(shown)
    assert not shown.desk_action.isVisible()


def test_the_desk_opens_key_recovery_with_the_teams_workers(qtbot, window, signed_in):
    desk = window.open_desk()
    qtbot.keyClick(desk.recover_button, Qt.Key.Key_Space)
    dialog = desk.recovery
    assert dialog is not None and dialog.isVisible()
    names = [dialog.workers.itemText(i) for i in range(dialog.workers.count())]
    assert signed_in.worker.full_name in names


def test_the_desk_says_it_is_reading_until_the_caseload_comes(qtbot, signed_in):
    from app.ui.operations import DeskOperations
    from app.ui.team_desk import TeamDeskDialog

    held: list = []
    desk = TeamDeskDialog(ops=DeskOperations(signed_in),
                          run=lambda work, **then: held.append((work, then)))
    qtbot.addWidget(desk)
    assert desk.message.text() == "Reading the team's caseload…"
    work, then = held[0]
    then["on_success"](work())
    assert desk.message.text() == ""
