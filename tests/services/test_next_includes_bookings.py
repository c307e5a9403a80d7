"""What comes next for a person, on the banner and the caseload's Next column, counts an
appointment booked on the Work tab as it counts a court date: the sooner of the two, and
never a cancelled or past booking (seen: 'No key date ahead' beside a booked one)."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from app.domain.appointments import Outcome
from app.domain.journey.kinds import Kind
from app.services import appointments, journey
from app.services.appointments import Booking
from app.services.caseload import caseload, search_people
from app.services.journey import EventInput
from tests.careplan.helpers import add_person

TODAY = date.today()


@pytest.fixture(autouse=True)
def _today() -> None:
    global TODAY
    TODAY = date.today()


def _book(session, person: str, in_days: int, what_for: str = "Key work") -> str:
    appointments.book(session=session, person_id=person, booking=Booking(
        TODAY + timedelta(days=in_days), time(10, 30), "Harlow hub", "Sam", what_for))
    [listed] = [a for a in appointments.of_person(session=session, person_id=person)
                if a.appointment.on == TODAY + timedelta(days=in_days)]
    return listed.appointment.id


def _court(session, person: str, in_days: int) -> None:
    journey.record_event(session=session, person_id=person, typed=EventInput(
        Kind.COURT_HEARING, TODAY + timedelta(days=in_days), "Basildon Crown Court",
        {"outcome": "listed"}))


def _next(session, person: str) -> tuple[str, str]:
    state = journey.journey_of(session=session, person_id=person).state
    banner = f"{state.next_key_date.on:%d/%m/%Y} {state.next_key_date.what}" \
        if state.next_key_date else ""
    [listed] = [p for p in caseload(session=session) if p.id == person]
    return banner, listed.next_key_date


def test_a_booking_with_nothing_else_ahead_is_what_comes_next(signed_in) -> None:
    person = add_person(signed_in)
    _book(signed_in, person, 3, "Prescribing review")
    expected = f"{TODAY + timedelta(days=3):%d/%m/%Y} Appointment: Prescribing review, Harlow hub"
    assert _next(signed_in, person) == (expected, expected)
    [found] = search_people(session=signed_in, text="Darren Smith")
    assert found.next_key_date == expected


def test_the_sooner_of_a_booking_and_a_court_date_comes_next(signed_in) -> None:
    person = add_person(signed_in)
    _court(signed_in, person, 5)
    _book(signed_in, person, 9)
    banner, listed = _next(signed_in, person)
    assert banner == listed and banner.endswith("Court: Basildon Crown Court")
    _book(signed_in, person, 2)
    banner, listed = _next(signed_in, person)
    assert banner == listed == (f"{TODAY + timedelta(days=2):%d/%m/%Y} "
                                "Appointment: Key work, Harlow hub")


def test_a_cancelled_booking_is_not_next(signed_in) -> None:
    person = add_person(signed_in)
    booked = _book(signed_in, person, 2)
    appointments.record_outcome(session=signed_in, appointment_id=booked,
                                outcome=Outcome.CANCELLED, reason="They moved to Leeds")
    assert _next(signed_in, person) == ("", "")
