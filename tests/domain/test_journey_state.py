"""Where a person is and what comes next, derived from their events as the days pass."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from app.domain.journey.events import InvalidEvent, check, effective, superseded_by
from app.domain.journey.kinds import Kind, Setting
from app.domain.journey.state import derive
from tests.domain.journey_events import event

MON = date(2026, 3, 2)  # a Monday


def _journey() -> list:
    return [
        event(Kind.ARREST, MON, "Chelmsford", offence="theft", trigger_offence=True),
        event(Kind.COURT_HEARING, MON + timedelta(days=1), "Colchester Magistrates",
              outcome="remanded"),
        event(Kind.PRISON_RECEPTION, MON + timedelta(days=1), "HMP Chelmsford"),
        event(Kind.EXPECTED_RELEASE, MON + timedelta(days=10), release_on="2026-04-17"),
        event(Kind.RELEASE, date(2026, 4, 17), "HMP Chelmsford", met_by="Sam"),
    ]


def test_no_events_means_the_setting_is_unknown() -> None:
    state = derive([], MON)

    assert (state.setting, state.next_key_date, state.days_since_release) == (
        Setting.UNKNOWN, None, None)


@pytest.mark.parametrize(("today", "setting", "key_date"), [
    (MON, Setting.CUSTODY, None),
    (MON + timedelta(days=1), Setting.PRISON, None),
    (MON + timedelta(days=10), Setting.PRISON, date(2026, 4, 17)),
    (date(2026, 4, 16), Setting.PRISON, date(2026, 4, 17)),
    (date(2026, 4, 17), Setting.COMMUNITY, None),
])
def test_the_setting_and_next_key_date_follow_the_clock(today: date, setting: Setting,
                                                       key_date: date | None) -> None:
    state = derive(_journey(), today)

    assert state.setting is setting
    assert (state.next_key_date.on if state.next_key_date else None) == key_date


def test_the_overdose_risk_window_is_the_28_days_after_release() -> None:
    events = _journey()

    assert derive(events, date(2026, 4, 16)).recently_released is False
    assert derive(events, date(2026, 4, 17)).days_since_release == 0
    assert derive(events, date(2026, 5, 15)).recently_released is True  # day 28
    assert derive(events, date(2026, 5, 16)).recently_released is False  # day 29


def test_a_return_to_prison_ends_the_release() -> None:
    events = [*_journey(), event(Kind.PRISON_RECEPTION, date(2026, 5, 1), "HMP Norwich")]

    state = derive(events, date(2026, 5, 2))
    assert (state.setting, state.released_on, state.recently_released) == (
        Setting.PRISON, None, False)


def test_an_arrest_with_nothing_after_it_stops_saying_custody_after_four_days() -> None:
    events = [event(Kind.ARREST, MON, offence="theft", trigger_offence=True)]

    assert derive(events, MON + timedelta(days=4)).setting is Setting.CUSTODY
    assert derive(events, MON + timedelta(days=5)).setting is Setting.UNKNOWN


def test_the_earliest_coming_date_is_next_and_past_ones_drop_away() -> None:
    events = [
        event(Kind.COURT_HEARING, MON, "Basildon Crown", outcome="bailed",
              next_hearing_on="2026-03-20"),
        event(Kind.APPOINTMENT, date(2026, 3, 10), "Harlow hub", outcome="booked"),
    ]

    assert derive(events, MON).next_key_date.what == "Appointment: Harlow hub"
    assert derive(events, MON).setting is Setting.COMMUNITY
    later = derive(events, date(2026, 3, 11)).next_key_date
    assert (later.on, later.what) == (date(2026, 3, 20), "Court: Basildon Crown")
    assert derive(events, date(2026, 3, 21)).next_key_date is None


def test_a_correction_replaces_the_wrong_event_and_keeps_it_in_the_history() -> None:
    wrong = event(Kind.RELEASE, date(2026, 4, 10), "HMP Chelmsford")
    right = event(Kind.RELEASE, date(2026, 4, 17), "HMP Chelmsford", supersedes=wrong.id)
    events = [*_journey()[:4], wrong, right]

    assert derive(events, date(2026, 4, 20)).released_on == date(2026, 4, 17)
    assert wrong not in effective(events) and superseded_by(events) == {wrong.id: right}


def test_entered_in_error_withdraws_an_event_outright() -> None:
    arrest = event(Kind.ARREST, MON, offence="theft", trigger_offence=True)
    withdrawn = event(Kind.ENTERED_IN_ERROR, MON, supersedes=arrest.id, why="wrong person")

    assert effective([arrest, withdrawn]) == []
    assert derive([arrest, withdrawn], MON).setting is Setting.UNKNOWN


def test_two_laptops_events_for_one_person_both_stand() -> None:
    custody = event(Kind.ARREST, MON, "Southend", offence="burglary", trigger_offence=True)
    prison = event(Kind.PRISON_RECEPTION, MON + timedelta(days=2), "HMP Chelmsford")

    assert effective([prison, custody]) == [custody, prison]


@pytest.mark.parametrize(("bad", "field"), [
    (event(Kind.ARREST, MON + timedelta(days=1), offence="x", trigger_offence=True),
     "occurred_on"),
    (event(Kind.ARREST, MON, offence="x"), "trigger_offence"),
    (event(Kind.ARREST, MON, offence="x", trigger_offence="yes"), "trigger_offence"),
    (event(Kind.DRUG_TEST, MON, opiates="maybe", cocaine="negative"), "opiates"),
    (event(Kind.EXPECTED_RELEASE, MON, release_on="17/04/2026"), "release_on"),
    (event(Kind.RA_NOTICE, MON, notice="RA1", appointment_at="25:00"), "appointment_at"),
    (event(Kind.ARREST, MON, offence="x", trigger_offence=True, colour="red"), "colour"),
    (event(Kind.ENTERED_IN_ERROR, MON, why="typo"), "supersedes"),
])
def test_bad_events_are_refused_naming_the_field(bad, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidEvent) as refused:
        check(bad, today=MON)

    assert refused.value.field == field and refused.value.fix


def test_a_listed_hearing_may_be_dated_ahead_and_a_correction_must_match_its_kind() -> None:
    check(event(Kind.COURT_HEARING, MON + timedelta(days=9), outcome="listed"), today=MON)
    arrest = event(Kind.ARREST, MON, offence="x", trigger_offence=True)
    wrong_kind = event(Kind.RELEASE, MON, supersedes=arrest.id)

    with pytest.raises(InvalidEvent, match="same kind"):
        check(wrong_kind, today=MON, known={arrest.id: arrest})
    elsewhere = replace(event(Kind.ARREST, MON, offence="x", trigger_offence=True),
                        person_id="someone-else")
    with pytest.raises(InvalidEvent, match="not on this person"):
        check(event(Kind.ARREST, MON, supersedes=elsewhere.id, offence="y",
                    trigger_offence=True), today=MON, known={elsewhere.id: elsewhere})


def test_a_discharge_reason_comes_from_the_ndtms_value_set() -> None:
    sets = {"discharge_reasons": {"completed", "moved_away"}}
    check(event(Kind.DISCHARGE, MON, reason="moved_away"), today=MON, value_sets=sets)

    with pytest.raises(InvalidEvent, match="not one of the choices"):
        check(event(Kind.DISCHARGE, MON, reason="bored"), today=MON, value_sets=sets)


def test_the_caseload_digest_derives_the_same_state_on_any_day() -> None:
    from app.domain.journey.digest import from_digest, to_digest

    wrong = event(Kind.RELEASE, date(2026, 4, 10), "HMP Chelmsford")
    events = [*_journey(), wrong,
              event(Kind.RELEASE, date(2026, 4, 17), "HMP Chelmsford", supersedes=wrong.id)]
    kept = from_digest(to_digest(events), events[0].person_id)

    assert wrong.id not in {e.id for e in kept}
    for day in (MON, MON + timedelta(days=10), date(2026, 4, 20), date(2026, 6, 1)):
        assert derive(kept, day) == derive(events, day)


def test_an_unreadable_date_detail_is_read_as_absent_not_a_crash() -> None:
    garbled = event(Kind.EXPECTED_RELEASE, MON, release_on="next Friday")

    assert garbled.day("release_on") is None
    assert derive([garbled], MON).next_key_date is None
