"""The handover summary built from the record, signed, audited, and read back."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.domain.journey.kinds import Kind
from app.services import careplan, handover, printing
from app.services.handover_printing import NoHandover, handover_pdf
from app.services.journey import EventInput, record_event
from app.store.models import AuditEvent
from tests.careplan.helpers import add_person, plan_input
from tests.services.test_handover_local import COMMUNITY, CUSTODY, _enrolled_in

TODAY = date.today()


@pytest.fixture(autouse=True)
def _today() -> None:
    """The day the test runs, not the day the module was imported: a run that crosses
    midnight compares with the app's own date.today()."""
    global TODAY
    TODAY = date.today()


def _words(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1  # one page the person can carry out of the gate
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_the_summary_names_the_person_the_teams_the_prescribing_and_the_goals(signed_in):
    _enrolled_in(signed_in, CUSTODY)
    person = add_person(signed_in)
    record_event(session=signed_in, person_id=person, typed=EventInput(
        Kind.PRESCRIBED, TODAY - timedelta(days=10), "", {
            "medicine": "Methadone oral solution 1 mg/ml", "daily_dose": "60 mg",
            "prescriber": "Dr Shah", "pharmacy": "Boots Harlow"}))
    for kind, on, place, details in (
            (Kind.RELEASE, TODAY - timedelta(days=1), "HMP Chelmsford",
             {"address": "12 High St, Harlow", "met_by": "Sam from Open Road"}),
            (Kind.APPOINTMENT, TODAY + timedelta(days=2), "Harlow hub", {"outcome": "booked"}),
            (Kind.COURT_HEARING, TODAY + timedelta(days=9), "Basildon Crown",
             {"outcome": "listed"})):
        record_event(session=signed_in, person_id=person,
                     typed=EventInput(kind, on, place, details))
    careplan.save_plan(session=signed_in, person_id=person, plan=plan_input())
    handover.request_handover(session=signed_in, person_id=person, reason="release",
                              to_team_id=COMMUNITY["team_id"], note="Out Friday")

    document = handover_pdf(session=signed_in, person_id=person)

    words = _words(document.data)
    for shown in ("Harlow custody", "Harlow community", "Methadone", "60 mg", "Dr Shah",
                  "See my daughter Kayla on Saturdays again", "Release",
                  "to 12 High St, Harlow, met by Sam from Open Road",
                  f"{TODAY + timedelta(days=2):%d/%m/%Y} Appointment: Harlow hub",
                  f"{TODAY + timedelta(days=9):%d/%m/%Y} Court: Basildon Crown"):
        assert shown in words, shown
    family = document.title.removeprefix("Handover summary — ").split(",")[0]
    assert family and family in words  # the person, as the care plan prints them
    with signed_in.transaction(read_only=True) as db:
        last = db.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert (last.action, last.record_type) == ("view", "handover")
    assert printing.verify_pdf(data=document.data, session=signed_in).check.intact


def test_no_summary_without_a_handover(signed_in):
    with pytest.raises(NoHandover, match="hand them over first"):
        handover_pdf(session=signed_in, person_id=add_person(signed_in))


@pytest.mark.parametrize(("released_days_ago", "warned"), [(1, True), (28, True), (29, False)])
def test_the_overdose_window_on_the_summary_comes_from_the_release_not_a_typed_answer(
        signed_in, released_days_ago: int, warned: bool):
    _enrolled_in(signed_in, CUSTODY)
    person = add_person(signed_in)
    record_event(session=signed_in, person_id=person, typed=EventInput(
        Kind.RELEASE, TODAY - timedelta(days=released_days_ago), "HMP Chelmsford", {}))
    handover.request_handover(session=signed_in, person_id=person, reason="release",
                              to_team_id=COMMUNITY["team_id"], note="")

    words = _words(handover_pdf(session=signed_in, person_id=person).data)

    assert ("released from prison in the past 28 days" in words) is warned


def test_appointments_booked_on_the_work_tab_are_on_the_summary_in_date_order(signed_in):
    from datetime import time

    from app.services import appointments
    from app.services.appointments import Booking

    _enrolled_in(signed_in, CUSTODY)
    person = add_person(signed_in)
    record_event(session=signed_in, person_id=person, typed=EventInput(
        Kind.COURT_HEARING, TODAY + timedelta(days=9), "Basildon Crown", {"outcome": "listed"}))
    appointments.book(session=signed_in, person_id=person, booking=Booking(
        TODAY + timedelta(days=2), time(10, 30), "Harlow hub", "Sam Reid", "First script"))
    handover.request_handover(session=signed_in, person_id=person, reason="release",
                              to_team_id=COMMUNITY["team_id"], note="")

    words = _words(handover_pdf(session=signed_in, person_id=person).data)

    booked = f"{TODAY + timedelta(days=2):%d/%m/%Y} 10:30 First script: Harlow hub with Sam Reid"
    court = f"{TODAY + timedelta(days=9):%d/%m/%Y} Court: Basildon Crown"
    assert booked in words and court in words
    assert words.index(booked) < words.index(court)
