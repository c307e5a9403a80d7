"""The Work tab and the worker's day through the real window: what is due for the person,
their appointments, referrals and key work one key away, and My day and the referral
tracker from the View menu."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from PySide6.QtCore import Qt

from app.domain.journey.kinds import Kind
from app.services import appointments, journey
from app.services.appointments import Booking
from app.services.journey import EventInput
from app.ui.appointments_panel import AppointmentsPanel
from app.ui.keywork_panel import KeyWorkPanel
from app.ui.main_window import MainWindow
from app.ui.referrals_panel import ReferralsPanel
from tests.careplan.helpers import add_person

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(qtbot, signed_in) -> MainWindow:
    shown = MainWindow(session=signed_in, version="t", idle_minutes=5)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def test_ctrl_b_shows_what_is_due_and_each_page_is_one_click_away(qtbot, window, signed_in):
    person = add_person(signed_in)
    journey.record_event(session=signed_in, person_id=person, typed=EventInput(
        Kind.COURT_HEARING, date.today() + timedelta(days=1), "Basildon Crown Court",
        {"outcome": "listed"}))
    view = window.open_person(person)
    assert view.work_tab is None  # built only when shown

    qtbot.keyClick(window, Qt.Key.Key_B, CTRL)
    work = view.work_tab
    assert work is not None and view.tabs.currentIndex() == view.work_index
    due = work.built[0]
    assert due.list.topLevelItem(0).text(0).endswith("(tomorrow)")
    assert "Basildon Crown Court" in due.list.topLevelItem(0).text(1)

    pages = [type(work.open_page(i)) for i in (1, 2, 3)]
    assert pages == [AppointmentsPanel, ReferralsPanel, KeyWorkPanel]

    # A booking made here shows as due on the Due page and counts on the status bar.
    appointments.book(session=signed_in, person_id=person, booking=Booking(
        date.today() - timedelta(days=3), time(9, 0), "Harlow hub", "", "Key work"))
    work.open_page(0)
    assert due.list.topLevelItemCount() == 2
    qtbot.keyClick(due.done_button, Qt.Key.Key_Space)
    assert due.list.topLevelItemCount() == 1


def test_my_day_and_the_referral_tracker_open_from_the_keyboard(qtbot, window, signed_in):
    person = add_person(signed_in)
    appointments.book(session=signed_in, person_id=person, booking=Booking(
        date.today(), time(14, 30), "Harlow hub", signed_in.worker.full_name, "Key work"))

    qtbot.keyClick(window, Qt.Key.Key_Y, CTRL | SHIFT)
    day = window.day_view
    assert day is not None and day.isVisible()
    listed = day.list.selected()
    assert listed is not None and listed.person_name == "SMITH, Darren"
    assert listed.appointment.at == time(14, 30)
    qtbot.keyClick(window, Qt.Key.Key_R, CTRL | SHIFT)
    assert window.referral_tracker is not None and window.referral_tracker.isVisible()


def test_a_booking_made_on_the_work_tab_is_next_on_the_banner_at_once(qtbot, window, signed_in):
    """Seen: 'No key date ahead' on the banner beside an appointment booked minutes ago."""
    person = add_person(signed_in)
    view = window.open_person(person)
    assert "No key date ahead" in view.banner.journey.text()
    qtbot.keyClick(window, Qt.Key.Key_B, CTRL)
    panel = view.work_tab.open_page(1)
    dialog = panel.book_new()
    in_two_days = date.today() + timedelta(days=2)
    for name, typed in (("on", f"{in_two_days:%d/%m/%Y}"), ("at", "14:00"),
                        ("where", "Harlow hub"), ("what_for", "Prescribing review")):
        dialog.editors[name].setText(typed)
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible())

    assert "(in 2 days) — Appointment: Prescribing review, Harlow hub" in \
        view.banner.journey.text()
    qtbot.waitUntil(lambda: window.caseload.rowCount() > 0)
    qtbot.waitUntil(lambda: window.caseload.person_at(0).next_key_date.startswith(
        f"{in_two_days:%d/%m/%Y} Appointment"))
