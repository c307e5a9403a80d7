"""A booking changed on the laptop supersedes one of the same person's bookings, never
another person's (the server refuses that too: tests/server/test_row_references.py)."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from app.services import appointments, people
from app.services.appointments import Booking
from app.services.errors import InvalidInput
from app.services.views import PersonInput
from tests.careplan.helpers import add_person


def test_a_change_names_one_of_the_persons_own_bookings(signed_in) -> None:
    darren = add_person(signed_in)
    zoe = people.create_person(session=signed_in, person=PersonInput(
        given_name="Zoe", family_name="Quartermaine", date_of_birth="01/02/1970")).id
    on = date.today() + timedelta(days=2)
    theirs = appointments.book(session=signed_in, person_id=darren, booking=Booking(
        on, time(10, 0), "Harlow hub", "", "Key work"))

    with pytest.raises(InvalidInput, match="another person's"):
        appointments.book(session=signed_in, person_id=zoe, booking=Booking(
            on, time(11, 0), "Harlow hub", "", "Key work", supersedes=theirs.id))
    changed = appointments.book(session=signed_in, person_id=darren, booking=Booking(
        on, time(11, 0), "Harlow hub", "", "Key work", supersedes=theirs.id))

    [listed] = appointments.of_person(session=signed_in, person_id=darren)
    assert listed.appointment.id == changed.id and listed.appointment.at == time(11, 0)
    assert appointments.of_person(session=signed_in, person_id=zoe) == []


def test_a_key_work_correction_names_one_of_the_persons_own_sessions(signed_in) -> None:
    from app.domain.journey.kinds import Setting
    from app.domain.keywork import SessionType
    from app.services import keywork

    darren = add_person(signed_in)
    zoe = people.create_person(session=signed_in, person=PersonInput(
        given_name="Zoe", family_name="Quartermaine", date_of_birth="01/02/1970")).id
    theirs = keywork.record(session=signed_in, person_id=darren, typed=keywork.SessionInput(
        date.today(), Setting.CUSTODY, 30, SessionType.IN_CELL, "Talked"))
    with pytest.raises(InvalidInput, match="not this person's"):
        keywork.record(session=signed_in, person_id=zoe, typed=keywork.SessionInput(
            date.today(), Setting.CUSTODY, 45, SessionType.IN_CELL, "Talked",
            supersedes=theirs.id))
    assert keywork.of_person(session=signed_in, person_id=zoe) == []
