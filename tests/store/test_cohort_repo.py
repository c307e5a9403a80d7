"""The team's cohort read from the encrypted store: each person with their journey, forms,
appointments and assessment days, first contact and route worked out; people merged away
or handed over to another team are not the team's."""

from __future__ import annotations

from datetime import date, time, timedelta

from app.domain.appointments import Outcome
from app.domain.journey.kinds import Kind
from app.domain.outcomes.cohort import Route
from app.domain.outcomes.form import Days, FormKind, Rating, Substance, TopForm
from app.services import appointments, assessment, handover, merge, outcomes, people
from app.services.appointments import Booking
from app.services.journey import EventInput, record_event
from app.services.views import PersonInput
from app.store import cohort_repo
from tests.services.test_handover_local import COMMUNITY, CUSTODY, _enrolled_in, _from_server

TODAY = date.today()
AGO = TODAY - timedelta(days=60)


def _person(session, given: str, family: str, born: str) -> str:
    return people.create_person(session=session, person=PersonInput(
        given_name=given, family_name=family, date_of_birth=born)).id


def _event(session, pid: str, kind: Kind, on: date, **details) -> None:
    record_event(session=session, person_id=pid, today=on,
                 typed=EventInput(kind, on, "", details))


def _form(session, pid: str, kind: FormKind, on: date, opiates: int) -> None:
    outcomes.record(session=session, today=on, form=TopForm(
        "", pid, kind, on, use={Substance.OPIATES: Days(total_given=opiates)},
        ratings={Rating.QUALITY_OF_LIFE: 10}))


def _cohort(session) -> dict:
    with session.transaction(read_only=True) as db:
        return {p.person_id: p for p in cohort_repo.team_cohort(db, today=TODAY)}


def test_people_come_back_with_what_happened_to_them(signed_in) -> None:
    _enrolled_in(signed_in, CUSTODY)
    arrested = _person(signed_in, "Darren", "Smith", "23/11/1984")
    _event(signed_in, arrested, Kind.ARREST, AGO - timedelta(days=3), offence="theft",
           trigger_offence=True)
    _event(signed_in, arrested, Kind.REFERRAL_RECEIVED, AGO, source="63")
    _event(signed_in, arrested, Kind.TRIAGE_DONE, AGO + timedelta(days=1))
    _form(signed_in, arrested, FormKind.START, AGO + timedelta(days=1), 20)
    _form(signed_in, arrested, FormKind.REVIEW, AGO + timedelta(days=40), 6)
    booked = appointments.book(session=signed_in, person_id=arrested, today=AGO, booking=Booking(
        AGO + timedelta(days=7), time(10), "Harlow hub", "", "Key work"))
    appointments.record_outcome(session=signed_in, appointment_id=booked.id,
                                outcome=Outcome.ATTENDED, today=AGO + timedelta(days=7))
    assessment.save_section(session=signed_in, person_id=arrested, section="risk",
                            typed={"risk_notes": "carries naloxone"})
    sentenced = _person(signed_in, "Kayleigh", "Osei", "02/02/1990")
    _event(signed_in, sentenced, Kind.COURT_HEARING, AGO, outcome="bailed")
    _event(signed_in, sentenced, Kind.TREATMENT_STARTED, AGO + timedelta(days=2))
    walked_in = _person(signed_in, "Priya", "Anand", "")

    found = _cohort(signed_in)

    darren = found[arrested]
    assert (darren.birth_year, darren.route, darren.first_contact_on) == (
        1984, Route.CUSTODY, AGO)
    assert [e.kind for e in darren.journey] == [Kind.ARREST, Kind.REFERRAL_RECEIVED,
                                                Kind.TRIAGE_DONE]
    assert [(f.kind, f.days_using(Substance.OPIATES)) for f in darren.forms] == [
        (FormKind.START, 20), (FormKind.REVIEW, 6)]
    assert [a.id for a in darren.appointments] == [booked.id]
    assert [o.outcome for o in darren.appointment_outcomes] == [Outcome.ATTENDED]
    assert darren.assessed_on == (TODAY,)  # the section saved today
    kayleigh = found[sentenced]
    assert (kayleigh.birth_year, kayleigh.route) == (1990, Route.COURT)
    assert kayleigh.first_contact_on == AGO + timedelta(days=2)
    priya = found[walked_in]  # nothing dated before the record: first met today
    assert (priya.birth_year, priya.route, priya.first_contact_on) == (None, Route.OTHER,
                                                                       TODAY)
    assert priya.journey == priya.forms == priya.assessed_on == ()


def test_people_merged_away_or_handed_to_another_team_are_left_out(signed_in) -> None:
    _enrolled_in(signed_in, CUSTODY)
    kept = _person(signed_in, "Darren", "Smith", "23/11/1984")
    duplicate = _person(signed_in, "Kayleigh", "Osei", "02/02/1990")
    leaving = _person(signed_in, "Priya", "Anand", "14/07/1979")
    arriving = _person(signed_in, "Tomasz", "Nowak", "01/03/1988")
    merge.merge_people(session=signed_in, survivor_id=kept, merged_id=duplicate,
                       reason="The same person typed twice")
    handover.request_handover(session=signed_in, person_id=leaving, reason="release",
                              to_team_id=COMMUNITY["team_id"])
    # A handover from another team to this one: theirs until accepted, read here as ours.
    _from_server(signed_in, arriving, "7f0c1f4e-0000-4000-8000-000000000002",
                 from_team_id=COMMUNITY["team_id"], from_team_name=COMMUNITY["name"],
                 to_team_id=CUSTODY["team_id"], to_team_name=CUSTODY["name"])

    assert set(_cohort(signed_in)) == {kept, arriving}


def test_a_laptop_that_never_synced_holds_everyone(signed_in) -> None:
    first = _person(signed_in, "Darren", "Smith", "23/11/1984")
    second = _person(signed_in, "Kayleigh", "Osei", "02/02/1990")
    people_read = cohort_repo.team_people
    with signed_in.transaction(read_only=True) as db:
        assert [row[0] for row in people_read(db)] == [first, second]


def test_a_large_team_is_read_in_chunks(signed_in, monkeypatch) -> None:
    monkeypatch.setattr(cohort_repo, "CHUNK", 2)
    made = [_person(signed_in, given, family, born) for given, family, born in (
        ("Darren", "Smith", "23/11/1984"), ("Kayleigh", "Osei", "02/02/1990"),
        ("Priya", "Anand", "14/07/1979"), ("Tomasz", "Nowak", "01/03/1988"),
        ("Aisha", "Begum", "09/09/1995"))]
    for pid in made:
        _event(signed_in, pid, Kind.REFERRAL_RECEIVED, AGO, source="self")
    found = _cohort(signed_in)
    assert set(found) == set(made)
    assert all(len(p.journey) == 1 and p.first_contact_on == AGO for p in found.values())
