"""Recording journey events through the service: checked, stored, audited, derived."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.journey.kinds import Kind, Setting
from app.domain.journey.required_assessment import RaStage
from app.services import session as sessions
from app.services.errors import InvalidInput, NotFound
from app.services.journey import EventInput, journey_of, record_event
from app.store.sync.store import EncryptedSyncStore
from tests.careplan.helpers import add_person

TODAY = date(2026, 3, 2)


def _record(session, person_id: str, kind: Kind, on: date = TODAY, place: str = "",
            supersedes: str | None = None, **details):
    return record_event(session=session, person_id=person_id, today=TODAY,
                        typed=EventInput(kind, on, place, details, supersedes))


def test_a_custody_journey_is_recorded_and_derived(signed_in) -> None:
    person = add_person(signed_in, dob="23/11/1984")
    _record(signed_in, person, Kind.ARREST, place="Harlow", offence=" theft ",
            trigger_offence=True, custody_record="")
    _record(signed_in, person, Kind.DRUG_TEST, place="Harlow", opiates="positive",
            cocaine="negative")
    _record(signed_in, person, Kind.RA_NOTICE, place="Harlow hub", notice="RA1",
            appointment_on="2026-03-05", appointment_at="10:00")

    journey = journey_of(session=signed_in, person_id=person, today=TODAY)
    assert journey.state.setting is Setting.CUSTODY
    assert journey.required_assessment.stage is RaStage.INITIAL_BOOKED
    assert journey.state.next_key_date.on == date(2026, 3, 5)
    arrest = journey.events[0]
    assert dict(arrest.details) == {"offence": "theft", "trigger_offence": True}
    assert arrest.recorded_by == "Jo Bloggs"
    trail = sessions.verify_audit_trail(session=signed_in)
    assert trail.ok
    waiting = EncryptedSyncStore(signed_in.open_store).pending_changes(100)
    assert [c["fields"]["kind"] for c in waiting if c["table"] == "journey_events"] == [
        "arrest", "drug_test", "ra_notice"]


def test_a_correction_keeps_the_wrong_event_and_marks_it(signed_in) -> None:
    person = add_person(signed_in)
    wrong = _record(signed_in, person, Kind.PRISON_RECEPTION, date(2026, 3, 1), "HMP Norwich")
    right = _record(signed_in, person, Kind.PRISON_RECEPTION, date(2026, 3, 1),
                    "HMP Chelmsford", supersedes=wrong.id)

    journey = journey_of(session=signed_in, person_id=person, today=TODAY)
    assert [e.id for e in journey.events] == [wrong.id, right.id]
    assert journey.corrected_by[wrong.id].id == right.id


@pytest.mark.parametrize(("kind", "details", "field"), [
    (Kind.ARREST, {"offence": "theft"}, "trigger_offence"),
    (Kind.DISCHARGE, {"reason": "bored"}, "reason"),
    (Kind.RA_NOTICE, {"notice": "RA1", "appointment_on": "2026-03-05"}, "notice"),
])
def test_bad_events_are_refused_with_the_field_to_fix_and_nothing_is_stored(
        signed_in, kind: Kind, details: dict, field: str) -> None:
    person = add_person(signed_in)

    with pytest.raises(InvalidInput) as refused:
        _record(signed_in, person, kind, **details)

    assert set(refused.value.problems) == {field}
    assert journey_of(session=signed_in, person_id=person, today=TODAY).events == ()


def test_an_under_18_cannot_be_given_a_required_assessment_notice(signed_in) -> None:
    person = add_person(signed_in, dob="01/06/2009")
    _record(signed_in, person, Kind.DRUG_TEST, opiates="positive", cocaine="negative")

    with pytest.raises(InvalidInput, match="Under-18s"):
        _record(signed_in, person, Kind.RA_NOTICE, notice="RA1", appointment_on="2026-03-05")


def test_an_event_for_nobody_on_this_laptop_is_refused(signed_in) -> None:
    with pytest.raises(NotFound):
        _record(signed_in, "22222222-2222-4222-8222-222222222222", Kind.PRISON_TRIAGE)


def test_the_caseload_shows_where_each_person_is_and_what_comes_next(signed_in) -> None:
    from app.services.caseload import caseload

    person, today = add_person(signed_in), date.today()  # the caseload is as of today
    out = today + timedelta(days=30)
    for kind, on, details in ((Kind.PRISON_RECEPTION, today - timedelta(days=9), {}),
                              (Kind.EXPECTED_RELEASE, today, {"release_on": out.isoformat()})):
        record_event(session=signed_in, person_id=person, today=today,
                     typed=EventInput(kind, on, "HMP Chelmsford", details))

    [row] = caseload(session=signed_in)
    assert row.setting == "prison"
    assert row.next_key_date == f"{out:%d/%m/%Y} Expected release"
    assert row.days_since_release is None
    record_event(session=signed_in, person_id=person, today=today,
                 typed=EventInput(Kind.RELEASE, today - timedelta(days=2), "HMP Chelmsford"))
    [released] = caseload(session=signed_in)
    assert (released.setting, released.days_since_release) == ("community", 2)


def test_the_old_answers_open_the_timeline_and_can_be_corrected(signed_in) -> None:
    from app.domain.journey.from_assessment import is_from_assessment
    from app.services import assessment

    person = add_person(signed_in)
    assessment.save_sections(session=signed_in, person_id=person, typed={"criminal_justice": {
        "arrest_date": "01/02/2026", "custody_suite": "Harlow", "release_date": "20/02/2026"}})

    first = journey_of(session=signed_in, person_id=person, today=TODAY)
    assert [(e.kind, is_from_assessment(e)) for e in first.events] == [
        (Kind.ARREST, True), (Kind.RELEASE, True)]
    assert first.state.setting is Setting.COMMUNITY
    wrong = first.events[1]
    _record(signed_in, person, Kind.RELEASE, date(2026, 2, 21), "HMP Chelmsford",
            supersedes=wrong.id)

    fixed = journey_of(session=signed_in, person_id=person, today=TODAY)
    assert fixed.corrected_by[wrong.id].occurred_on == date(2026, 2, 21)
    assert fixed.state.released_on == date(2026, 2, 21)
    sent = EncryptedSyncStore(signed_in.open_store).pending_changes(500)
    [correction] = [c for c in sent if c["table"] == "journey_events"]
    assert correction["fields"]["supersedes_id"] == wrong.id  # a uuid the server takes
