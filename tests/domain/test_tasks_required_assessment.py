"""Required Assessment tasks as the clock moves: book, attend, follow up, tell the police."""

from __future__ import annotations

from datetime import date

from app.domain.journey.events import JourneyEvent
from app.domain.journey.kinds import Kind
from app.domain.journey.required_assessment import RaProtocol
from app.domain.tasks import (
    DEFAULT_SETTINGS,
    CarePlanReview,
    DecisionKind,
    PersonTaskInputs,
    Rule,
    TaskDecision,
    TaskSettings,
    tasks_for_person,
)
from tests.domain.journey_events import PERSON, event

TESTED = date(2026, 3, 2)  # a Monday
ADULT = date(1990, 6, 1)
SEVENTEEN = date(2008, 6, 1)


def _positive() -> list[JourneyEvent]:
    return [event(Kind.ARREST, TESTED, "Harlow", offence="theft", trigger_offence=True),
            event(Kind.DRUG_TEST, TESTED, "Harlow", opiates="positive", cocaine="negative")]


def _ra(code: str, given: date, appointment: date | None = None) -> JourneyEvent:
    details = {"notice": code}
    if appointment:
        details.update(appointment_on=appointment.isoformat(), appointment_at="10:00")
    return event(Kind.RA_NOTICE, given, "Harlow hub", **details)


def _inputs(events: list[JourneyEvent], born: date = ADULT) -> PersonTaskInputs:
    return PersonTaskInputs(PERSON, date_of_birth=born, journey=tuple(events))


def _listed(inputs: PersonTaskInputs, today: date, decisions: tuple = (),
            settings: TaskSettings = DEFAULT_SETTINGS) -> list[tuple[Rule, date, bool]]:
    return [(t.rule, t.due_on, t.overdue(today))
            for t in tasks_for_person(inputs, today, decisions, settings)]


def _decision(key: str, kind: DecisionKind, on: date, stamp: str, reason: str = ""
              ) -> TaskDecision:
    return TaskDecision(f"d-{stamp}", key, PERSON, kind, "w1", on, stamp, reason)


def test_a_positive_test_asks_for_the_initial_appointment_by_the_protocol_day() -> None:
    inputs = _inputs(_positive())
    settings = TaskSettings(ra_protocol=RaProtocol(initial_within_days=5))

    assert _listed(inputs, date(2026, 3, 1), settings=settings) == []
    assert _listed(inputs, TESTED, settings=settings) == [
        (Rule.RA_BOOK_INITIAL, date(2026, 3, 7), False)]
    assert _listed(inputs, date(2026, 3, 7), settings=settings) == [
        (Rule.RA_BOOK_INITIAL, date(2026, 3, 7), False)]
    assert _listed(inputs, date(2026, 3, 8), settings=settings) == [
        (Rule.RA_BOOK_INITIAL, date(2026, 3, 7), True)]


def test_under_18s_have_no_required_assessment_tasks() -> None:
    assert _listed(_inputs(_positive(), born=SEVENTEEN), TESTED) == []


def test_a_booked_appointment_is_due_on_its_day_and_overdue_until_attendance_is_recorded(
        ) -> None:
    booked = [*_positive(), _ra("RA1", TESTED, date(2026, 3, 5))]

    assert _listed(_inputs(booked), TESTED) == [(Rule.RA_APPOINTMENT, date(2026, 3, 5), False)]
    assert _listed(_inputs(booked), date(2026, 3, 6)) == [
        (Rule.RA_APPOINTMENT, date(2026, 3, 5), True)]
    attended = [*booked, _ra("RA3", date(2026, 3, 5))]  # a sync brings the RA3
    assert _listed(_inputs(attended), date(2026, 3, 6)) == [
        (Rule.RA_GIVE_FOLLOW_UP, date(2026, 3, 5), True)]
    follow_up = [*attended, _ra("RA4", date(2026, 3, 5), date(2026, 4, 2))]
    assert _listed(_inputs(follow_up), date(2026, 3, 6)) == [
        (Rule.RA_APPOINTMENT, date(2026, 4, 2), False)]
    ceased = [*attended, _ra("RA5", date(2026, 3, 5))]
    assert _listed(_inputs(ceased), date(2026, 3, 6)) == []


def test_a_changed_appointment_is_a_new_task_that_an_old_decision_does_not_close() -> None:
    booked = [*_positive(), _ra("RA1", TESTED, date(2026, 3, 5))]
    first = tasks_for_person(_inputs(booked), TESTED)[0]
    done = _decision(first.key, DecisionKind.COMPLETED, TESTED, "0001")
    assert _listed(_inputs(booked), TESTED, (done,)) == []

    moved = [*booked, _ra("RA2", date(2026, 3, 4), date(2026, 3, 9))]  # Monday after
    assert _listed(_inputs(moved), date(2026, 3, 7), (done,)) == [
        (Rule.RA_APPOINTMENT, date(2026, 3, 9), False)]


def test_telling_the_police_comes_first_and_stays_until_it_is_recorded() -> None:
    failed = event(Kind.RA_FAILED_TO_ATTEND, date(2026, 3, 5), stage="initial")
    events = [*_positive(), _ra("RA1", TESTED, date(2026, 3, 5)), failed]
    plan_overdue = PersonTaskInputs(PERSON, ADULT, tuple(events),
                                    care_plan=CarePlanReview("v1", date(2026, 2, 20)))

    tasks = tasks_for_person(plan_overdue, date(2026, 3, 5))
    assert [(t.rule, t.overdue(date(2026, 3, 5))) for t in tasks] == [
        (Rule.RA_TELL_POLICE, False), (Rule.CARE_PLAN_REVIEW, True)]
    assert tasks[0].what == "Tell the police: they missed the initial Required Assessment"
    assert _listed(plan_overdue, date(2026, 3, 9))[0] == (
        Rule.RA_TELL_POLICE, date(2026, 3, 5), True)
    told = event(Kind.RA_POLICE_TOLD, date(2026, 3, 9), how="phone", officer="PC 1234")
    assert _listed(_inputs([*events, told]), date(2026, 3, 9)) == []


def test_a_dismissed_police_step_comes_back_when_the_dismissal_is_reopened() -> None:
    failed = event(Kind.RA_FAILED_TO_ATTEND, date(2026, 3, 5), stage="initial", remained=True)
    inputs = _inputs([*_positive(), failed])
    key = tasks_for_person(inputs, date(2026, 3, 5))[0].key
    dismissed = _decision(key, DecisionKind.DISMISSED, date(2026, 3, 5), "0001",
                          "Recorded twice; police told on the other record")
    reopened = _decision(key, DecisionKind.REOPENED, date(2026, 3, 6), "0002")

    assert _listed(inputs, date(2026, 3, 6), (dismissed,)) == []
    assert _listed(inputs, date(2026, 3, 6), (reopened, dismissed)) == [
        (Rule.RA_TELL_POLICE, date(2026, 3, 5), True)]
    assert "did not remain for" in tasks_for_person(inputs, date(2026, 3, 6))[0].what
