"""Appointments through the real widgets on a real encrypted store: booking by keyboard,
problems beside their field, did-not-attend then rebook, cancelling with a reason, the
card, and the day view moving day by day."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from app.domain.appointments import AppointmentStatus, Outcome
from app.services import people, printing
from app.services.appointment_card import appointment_card_pdf
from app.services.appointments import Booking
from app.services.printing import PdfDocument
from app.services.views import PersonInput
from app.ui.appointment_day import DayView
from app.ui.appointments_panel import AppointmentsPanel
from app.ui.operations import WorkOperations
from tests.careplan.helpers import add_person

TODAY = date.today()  # the operations read the laptop's clock, as the app does
ALT = Qt.KeyboardModifier.AltModifier


class Ops(WorkOperations):
    """WorkOperations with the card and the print audit, as the integrator will add them."""

    def appointment_card_pdf(self, person_id: str) -> PdfDocument:
        return appointment_card_pdf(session=self._session, person_id=person_id)

    def record_printed(self, document: PdfDocument, pages: int) -> None:
        printing.record_printed(session=self._session, document=document, pages=pages)

    def save_pdf(self, document: PdfDocument, path: Path) -> Path:
        return printing.save_pdf(session=self._session, document=document, path=path)


@pytest.fixture
def ops(signed_in) -> Ops:
    return Ops(signed_in)


@pytest.fixture
def person(signed_in) -> str:
    return add_person(signed_in)


@pytest.fixture
def panel(qtbot, ops, person) -> AppointmentsPanel:
    shown = AppointmentsPanel(ops=ops, person_id=person)
    qtbot.addWidget(shown)
    shown.resize(800, 500)
    shown.show()
    with qtbot.waitActive(shown):
        shown.activateWindow()  # Alt letters and shortcuts reach only the active window
    shown.refresh()
    return shown


def _book(ops: Ops, person: str, on: date, at: str, where: str = "Harlow hub") -> str:
    hours, minutes = (int(part) for part in at.split(":"))
    ops.book(person, Booking(on, time(hours, minutes), where, "Sam Reid", "Key work"))
    return next(item.appointment.id for item in ops.appointments(person)
                if item.appointment.where == where and item.appointment.on == on)


def _type(qtbot, text: str) -> None:
    """Keys to whatever has the focus, as a worker types them."""
    qtbot.keyClicks(QApplication.focusWidget(), text)


def _press(qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
           ) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def _alt(qtbot, key: Qt.Key) -> None:
    """An Alt letter: the button animates its click, so it lands a moment later."""
    _press(qtbot, key, ALT)
    qtbot.wait(200)


def _focused(qtbot, dialog: QDialog) -> QDialog:
    """Once the dialog opened has the keyboard, as it does for the worker."""
    qtbot.waitUntil(lambda: dialog.isActiveWindow())
    return dialog


def _fill_by_keyboard(qtbot, *answers: str) -> None:
    """Date, time, where, with whom, what for: typed, Tab between them."""
    for answer in answers:
        _press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # replace what is there
        _type(qtbot, answer)
        _press(qtbot, Qt.Key.Key_Tab)


def _select(panel: AppointmentsPanel, appointment_id: str) -> None:
    tree = panel.list
    for index in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(index)
        if panel.list.rows[index].appointment.id == appointment_id:
            tree.setCurrentItem(item)
            return
    raise AssertionError("appointment not listed")


def test_an_appointment_booked_from_the_keyboard_shows_in_the_list(qtbot, panel, ops, person):
    assert "No appointments booked" in panel.list.topLevelItem(0).text(0)
    panel.list.setFocus()
    _alt(qtbot, Qt.Key.Key_B)
    dialog = panel.dialog
    assert dialog is not None and dialog.isVisible()
    assert QApplication.focusWidget() is dialog.editors["on"]
    tomorrow = TODAY + timedelta(days=1)
    _fill_by_keyboard(qtbot, f"{tomorrow:%d/%m/%Y}", "9.30", "Harlow hub, 1 Market St",
                      "Sam Reid", "First script")
    _press(qtbot, Qt.Key.Key_Return)

    assert not dialog.isVisible()
    [listed] = ops.appointments(person)
    assert listed.appointment.at == time(9, 30)
    row = panel.list.topLevelItem(0)
    assert [row.text(n) for n in range(6)] == [
        f"{tomorrow:%a %d/%m/%Y}", "09:30", "Harlow hub, 1 Market St", "Sam Reid",
        "First script", "booked"]


def test_a_bad_date_and_time_are_said_beside_their_fields_and_the_typing_is_kept(
        qtbot, panel, ops, person):
    dialog = _focused(qtbot, panel.book_new())
    _fill_by_keyboard(qtbot, "31/02/2026", "25:70", "Harlow hub", "", "Script")
    dialog.save()

    assert dialog.isVisible() and ops.appointments(person) == []
    assert dialog.errors["on"].isVisible()
    assert "not a real date: February 2026 has 28 days" in dialog.errors["on"].text()
    assert dialog.errors["at"].isVisible()
    assert "'25:70' is not a time we can read" in dialog.errors["at"].text()
    assert [dialog.editors[n].text() for n in ("on", "at", "where", "what_for")] == [
        "31/02/2026", "25:70", "Harlow hub", "Script"]
    assert QApplication.focusWidget() is dialog.editors["on"]


def test_the_domains_problems_come_back_beside_their_fields(qtbot, panel, ops, person):
    dialog = _focused(qtbot, panel.book_new())
    _fill_by_keyboard(qtbot, f"{TODAY:%d/%m/%Y}", "", "", "Sam Reid", "")
    dialog.save()

    assert dialog.isVisible() and ops.appointments(person) == []
    assert "No time is set" in dialog.errors["at"].text()
    assert "Where is missing" in dialog.errors["where"].text()
    assert "What it is for is missing" in dialog.errors["what_for"].text()
    assert not dialog.errors["with_whom"].isVisible()  # optional: no problem said
    assert dialog.editors["with_whom"].text() == "Sam Reid"
    dialog.editors["at"].setText("14:00")
    assert not dialog.errors["at"].isVisible()  # a problem goes once its answer changes


def test_did_not_attend_then_rebook_links_the_new_booking_to_the_missed_one(
        qtbot, panel, ops, person):
    missed = _book(ops, person, TODAY - timedelta(days=1), "10:00", "Harlow hub")
    panel.refresh()
    _select(panel, missed)
    assert "outcome not recorded" in panel.list.topLevelItem(0).text(5)
    assert not panel.rebook_button.isEnabled()
    panel.list.setFocus()
    _alt(qtbot, Qt.Key.Key_N)  # Did not attend

    assert panel.list.selected().status is AppointmentStatus.DID_NOT_ATTEND
    assert panel.rebook_button.isEnabled()
    _alt(qtbot, Qt.Key.Key_K)  # Rebook…
    dialog = panel.dialog
    assert dialog is not None and "Rebook" in dialog.windowTitle()
    assert dialog.editors["where"].text() == "Harlow hub"  # starts from the missed one
    next_week = TODAY + timedelta(days=7)
    _fill_by_keyboard(qtbot, f"{next_week:%d/%m/%Y}", "11:15")
    dialog.save()

    rebooked = [i for i in ops.appointments(person) if i.appointment.id != missed]
    assert [i.appointment.follows_up for i in rebooked] == [missed]
    assert rebooked[0].appointment.where == "Harlow hub"
    _select(panel, missed)
    assert panel.list.currentItem().text(5) == "did not attend, rebooked"
    assert f"rebooked for {next_week:%a %d/%m/%Y}" in panel.chosen.text()
    assert not panel.rebook_button.isEnabled()  # rebooked once is enough


def test_cancelling_needs_a_reason_and_keeps_the_dialog_open_until_given(
        qtbot, panel, ops, person):
    booked = _book(ops, person, TODAY + timedelta(days=3), "15:00")
    panel.refresh()
    _select(panel, booked)
    assert not panel.outcomes.attended_button.isEnabled()  # not happened yet
    dialog = panel.outcomes.cancel()
    assert dialog is not None
    _focused(qtbot, dialog)
    dialog.save()

    assert dialog.isVisible() and dialog.error.isVisible()
    assert "Say why it was cancelled" in dialog.error.text()
    assert ops.appointments(person)[0].outcome is None
    _type(qtbot, "Moved to HMP Chelmsford")
    _press(qtbot, Qt.Key.Key_Return)

    assert not dialog.isVisible()
    [listed] = ops.appointments(person)
    assert listed.outcome.outcome is Outcome.CANCELLED
    assert panel.list.topLevelItem(0).text(5) == "cancelled"
    assert "Status: cancelled (Moved to HMP Chelmsford)." in panel.chosen.text()
    assert not panel.outcomes.cancel_button.isEnabled()


def test_a_booking_typed_wrong_is_changed_and_the_old_one_kept(qtbot, panel, ops, person):
    """Booked for 15:00 when they said 10:00: changed by keyboard (Alt+G), the new booking
    replaces it in the list and on the card; the old one stays in the store."""
    booked = _book(ops, person, TODAY + timedelta(days=3), "15:00")
    panel.refresh()
    _select(panel, booked)
    panel.list.setFocus()
    _alt(qtbot, Qt.Key.Key_G)  # Change booking…
    dialog = panel.dialog
    assert dialog is not None and dialog.windowTitle() == "Change a booking"
    assert [dialog.editors[n].text() for n in ("on", "at", "where", "what_for")] == [
        f"{TODAY + timedelta(days=3):%d/%m/%Y}", "15:00", "Harlow hub", "Key work"]
    _focused(qtbot, dialog)
    _press(qtbot, Qt.Key.Key_Tab)  # to the time
    _press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    _type(qtbot, "10:00")
    _press(qtbot, Qt.Key.Key_Return)

    assert not dialog.isVisible()
    [listed] = ops.appointments(person)
    assert (listed.appointment.at, listed.appointment.supersedes) == (time(10, 0), booked)
    assert panel.list.topLevelItemCount() == 1 and panel.list.topLevelItem(0).text(1) == "10:00"


def test_a_booking_with_an_outcome_cannot_be_changed(qtbot, panel, ops, person):
    booked = _book(ops, person, TODAY - timedelta(days=1), "09:00")
    ops.record_outcome(person, booked, Outcome.ATTENDED, "")
    panel.refresh()
    _select(panel, booked)
    assert not panel.change_button.isEnabled()


def test_the_card_is_previewed_signed_from_the_panel(qtbot, panel, ops, person, signed_in):
    _book(ops, person, TODAY + timedelta(days=2), "10:00", "Harlow hub, 1 Market St")
    panel.print_button.click()

    preview = panel.preview
    assert preview is not None and preview.document.kind == "appointment_card"
    assert printing.verify_pdf(data=preview.document.data, session=signed_in).check.ok
    assert preview.pdf.pageCount() == 1


# ---- the day view ----------------------------------------------------------------------------
@pytest.fixture
def day_view(qtbot, ops, signed_in) -> tuple[DayView, str, str]:
    darren = add_person(signed_in)
    kayla = people.create_person(session=signed_in, person=PersonInput(
        given_name="Kayla", family_name="Jones", date_of_birth="01/02/1990")).id
    tomorrow = TODAY + timedelta(days=1)
    _book(ops, darren, tomorrow, "14:00", "Harlow hub")
    _book(ops, kayla, tomorrow, "09:30", "HMP Chelmsford")
    _book(ops, darren, TODAY + timedelta(days=2), "11:00", "GP surgery")
    view = DayView(ops=ops)
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitActive(view):
        view.activateWindow()
    view.list.setFocus()
    return view, darren, kayla


def _times_and_people(view: DayView) -> list[tuple[str, str]]:
    return [(view.list.topLevelItem(n).text(0), view.list.topLevelItem(n).text(1))
            for n in range(view.list.topLevelItemCount())]


def test_the_day_view_lists_the_day_by_time_and_moves_day_by_day(qtbot, day_view):
    view, _darren, _kayla = day_view
    assert view.day == TODAY
    assert "No appointments on this day." in view.list.topLevelItem(0).text(0)
    _press(qtbot, Qt.Key.Key_PageDown)

    assert view.day == TODAY + timedelta(days=1)
    assert view.date_field.text() == f"{TODAY + timedelta(days=1):%d/%m/%Y}"
    assert _times_and_people(view) == [("09:30", "JONES, Kayla"), ("14:00", "SMITH, Darren")]
    assert view.list.topLevelItem(0).text(5) == "booked"  # as of today, not 'today'
    assert not view.outcomes.attended_button.isEnabled()  # it has not happened yet
    _press(qtbot, Qt.Key.Key_Right, ALT)
    assert _times_and_people(view) == [("11:00", "SMITH, Darren")]
    _press(qtbot, Qt.Key.Key_Left, ALT)
    _press(qtbot, Qt.Key.Key_PageUp)
    assert view.day == TODAY
    view.go_to(TODAY + timedelta(days=2))
    _alt(qtbot, Qt.Key.Key_T)  # Today
    assert view.day == TODAY and "today" in view.heading.text()


def test_enter_on_an_appointment_opens_its_person(qtbot, day_view):
    view, _darren, kayla = day_view
    view.step(1)
    view.list.setFocus()
    with qtbot.waitSignal(view.open_person) as opened:
        _press(qtbot, Qt.Key.Key_Return)
    assert opened.args == [kayla]  # the first by time is selected at once


def test_a_typed_day_is_shown_and_a_wrong_one_is_said(qtbot, day_view):
    view, _darren, _kayla = day_view
    view.date_field.setText(f"{TODAY + timedelta(days=2):%d/%m/%Y}")
    view.date_field.returnPressed.emit()
    assert _times_and_people(view) == [("11:00", "SMITH, Darren")]
    view.date_field.setText("32/13/2026")
    view.date_field.returnPressed.emit()
    assert "months run from 01 to 12" in view.feedback.text()
    assert view.day == TODAY + timedelta(days=2)  # still the day shown


def test_an_outcome_is_recorded_from_the_day_view(qtbot, ops, signed_in):
    person = add_person(signed_in)
    _book(ops, person, TODAY, "08:00", "Custody suite")
    view = DayView(ops=ops)
    qtbot.addWidget(view)
    assert view.list.topLevelItem(0).text(5) == "today"
    with qtbot.waitSignal(view.changed):
        view.outcomes.attended_button.click()
    assert view.list.topLevelItem(0).text(5) == "attended"
    assert ops.appointments(person)[0].status is AppointmentStatus.ATTENDED


def test_tab_goes_through_the_day_view_in_the_order_it_reads(qtbot, ops, signed_in):
    _book(ops, add_person(signed_in), TODAY, "08:00", "Custody suite")
    view = DayView(ops=ops)
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitActive(view):
        view.activateWindow()
    assert QApplication.focusWidget() is view.list  # arrows and Enter work at once
    view.date_field.setFocus()
    reached = []
    for _ in range(9):
        _press(qtbot, Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
    assert reached == [view.previous_button, view.today_button, view.next_button,
                       view.everyone, view.list, view.open_button,
                       *view.outcomes.buttons()]


class CountingDay:
    """The day view's two operations, remembering how they were asked."""

    def __init__(self, listed: list) -> None:
        self.listed, self.asked, self.recorded = listed, [], []

    def day(self, on: date, mine_only: bool = True) -> list:
        self.asked.append((on, mine_only))
        return self.listed

    def record_outcome(self, person_id: str, appointment_id: str, outcome: Outcome,
                       reason: str = ""):
        self.recorded.append((appointment_id, outcome))
        raise AssertionError("nothing should be recorded")


def test_everyones_appointments_are_asked_for_only_when_ticked_and_enter_records_nothing(
        qtbot, ops, signed_in):
    person = add_person(signed_in)
    _book(ops, person, TODAY, "08:00", "Custody suite")
    counting = CountingDay(ops.day(TODAY))
    view = DayView(ops=counting)
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitActive(view):
        view.activateWindow()
    assert counting.asked == [(TODAY, True)]
    _alt(qtbot, Qt.Key.Key_E)
    assert counting.asked[-1] == (TODAY, False)
    assert view.heading.text().startswith("Everyone's appointments")

    view.date_field.setFocus()
    _press(qtbot, Qt.Key.Key_Return)  # the typed day again: no button is the default
    assert counting.recorded == []
    assert view.outcomes.attended_button.isEnabled()  # it could have been pressed
