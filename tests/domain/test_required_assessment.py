"""The Required Assessment followed from its events, as the clock moves."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.journey.events import InvalidEvent
from app.domain.journey.kinds import Kind
from app.domain.journey.required_assessment import RaProtocol, RaStage, check_notice, derive
from app.domain.journey.state import derive as derive_state
from tests.domain.journey_events import event

TESTED = date(2026, 3, 2)
ADULT = date(1990, 6, 1)
SEVENTEEN = date(2008, 6, 1)


def _positive() -> list:
    return [event(Kind.ARREST, TESTED, "Harlow", offence="theft", trigger_offence=True),
            event(Kind.DRUG_TEST, TESTED, "Harlow", opiates="positive", cocaine="negative")]


def _ra(code: str, given: date, appointment: date | None = None, place: str = "Harlow hub"
        ) -> object:
    details = {"notice": code}
    if appointment:
        details.update(appointment_on=appointment.isoformat(), appointment_at="10:00")
    return event(Kind.RA_NOTICE, given, place, **details)


def test_a_positive_test_of_an_adult_awaits_a_notice_held_by_the_local_protocol() -> None:
    state = derive(_positive(), TESTED, ADULT, RaProtocol(initial_within_days=5))

    assert state.stage is RaStage.AWAITING_NOTICE
    assert state.hold_initial_by == TESTED + timedelta(days=5)


def test_negative_tests_and_under_18s_make_no_requirement() -> None:
    negative = [event(Kind.DRUG_TEST, TESTED, opiates="negative", cocaine="not_tested")]

    assert derive(negative, TESTED, ADULT).stage is RaStage.NONE
    assert derive(_positive(), TESTED, SEVENTEEN).stage is RaStage.NONE


def test_the_appointment_given_is_the_deadline_and_is_the_next_key_date() -> None:
    events = [*_positive(), _ra("RA1", TESTED, date(2026, 3, 5))]
    state = derive(events, TESTED, ADULT)

    assert state.stage is RaStage.INITIAL_BOOKED and state.appointment_at == "10:00"
    assert state.appointment.on == date(2026, 3, 5)
    key = derive_state(events, TESTED, state.appointment).next_key_date
    assert key.what == "Required Assessment (initial): Harlow hub"


def test_ra2_moves_the_appointment_and_a_passed_one_with_nothing_recorded_is_flagged() -> None:
    events = [*_positive(), _ra("RA1", TESTED, date(2026, 3, 5)),
              _ra("RA2", date(2026, 3, 4), date(2026, 3, 9))]

    assert derive(events, date(2026, 3, 9), ADULT).appointment.on == date(2026, 3, 9)
    assert derive(events, date(2026, 3, 9), ADULT).attendance_unrecorded is False
    assert derive(events, date(2026, 3, 10), ADULT).attendance_unrecorded is True


def test_the_whole_path_to_completion() -> None:
    events = [*_positive(), _ra("RA1", TESTED, date(2026, 3, 5)),
              _ra("RA3", date(2026, 3, 5)), _ra("RA4", date(2026, 3, 5), date(2026, 4, 2))]
    assert derive(events, date(2026, 3, 6), ADULT).stage is RaStage.FOLLOW_UP_BOOKED
    assert derive(events, date(2026, 3, 6), ADULT).appointment.what.startswith(
        "Required Assessment (follow-up)")

    done = [*events, _ra("RA3", date(2026, 4, 2))]
    assert derive(done, date(2026, 4, 3), ADULT).stage is RaStage.COMPLETED
    ceased = [*events[:4], _ra("RA5", date(2026, 3, 5))]
    assert derive(ceased, date(2026, 3, 6), ADULT).stage is RaStage.CEASED


def test_a_failure_to_attend_stays_a_tell_the_police_step_until_it_is_done() -> None:
    failed = event(Kind.RA_FAILED_TO_ATTEND, date(2026, 3, 5), stage="initial")
    events = [*_positive(), _ra("RA1", TESTED, date(2026, 3, 5)), failed]

    state = derive(events, date(2026, 3, 5), ADULT)
    assert state.stage is RaStage.FAILED and [s.failure for s in state.tell_police] == [failed]
    told = event(Kind.RA_POLICE_TOLD, date(2026, 3, 6), how="phone", officer="PC 1234")
    after = derive([*events, told], date(2026, 3, 6), ADULT)
    assert after.tell_police == [] and after.police_steps[0].told == told


def test_one_report_does_not_settle_two_failures() -> None:
    first = event(Kind.RA_FAILED_TO_ATTEND, date(2026, 3, 5), stage="initial")
    told = event(Kind.RA_POLICE_TOLD, date(2026, 3, 5), how="phone", officer="desk")
    second = event(Kind.RA_FAILED_TO_ATTEND, date(2026, 4, 2), stage="follow_up")

    state = derive([*_positive(), first, told, second], date(2026, 4, 2), ADULT)
    assert [s.failure for s in state.tell_police] == [second]


def test_notices_are_refused_for_under_18s_without_a_test_or_without_an_appointment() -> None:
    with pytest.raises(InvalidEvent, match="Under-18s"):
        check_notice(_ra("RA1", TESTED, TESTED), derive([], TESTED, SEVENTEEN), SEVENTEEN)
    with pytest.raises(InvalidEvent, match="positive drug test"):
        check_notice(_ra("RA1", TESTED, TESTED), derive([], TESTED, ADULT), ADULT)
    tested = derive(_positive(), TESTED, ADULT)
    with pytest.raises(InvalidEvent, match="appointment"):
        check_notice(_ra("RA4", TESTED), tested, ADULT)
    with pytest.raises(InvalidEvent, match="before the notice"):
        check_notice(_ra("RA1", TESTED, TESTED - timedelta(days=1)), tested, ADULT)
    check_notice(_ra("RA1", TESTED, TESTED + timedelta(days=3)), tested, ADULT)
