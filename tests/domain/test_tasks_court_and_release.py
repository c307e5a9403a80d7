"""Court dates and releases as tasks, seen a week or two ahead, as the clock moves."""

from __future__ import annotations

from datetime import date

from app.domain.journey.events import JourneyEvent
from app.domain.journey.kinds import Kind
from app.domain.tasks import (
    DecisionKind,
    PersonTaskInputs,
    Rule,
    TaskDecision,
    tasks_for_person,
)
from tests.domain.journey_events import PERSON, event

HEARING = date(2026, 3, 16)  # a Monday
COURT = "Chelmsford Magistrates'"


def _listed(events: list[JourneyEvent], today: date, decisions: tuple = ()
            ) -> list[tuple[Rule, date, bool]]:
    inputs = PersonTaskInputs(PERSON, journey=tuple(events))
    return [(t.rule, t.due_on, t.overdue(today))
            for t in tasks_for_person(inputs, today, decisions)]


def _done(events: list[JourneyEvent], today: date) -> TaskDecision:
    task = tasks_for_person(PersonTaskInputs(PERSON, journey=tuple(events)), today)[0]
    return TaskDecision("d1", task.key, PERSON, DecisionKind.COMPLETED, "w1", today, "0001")


def test_a_listed_hearing_shows_a_week_ahead_and_stays_until_its_outcome_is_recorded() -> None:
    listed = [event(Kind.COURT_HEARING, HEARING, COURT, outcome="listed")]

    assert _listed(listed, date(2026, 3, 8)) == []
    assert _listed(listed, date(2026, 3, 9)) == [(Rule.COURT, HEARING, False)]
    assert _listed(listed, HEARING) == [(Rule.COURT, HEARING, False)]
    assert _listed(listed, date(2026, 3, 17)) == [(Rule.COURT, HEARING, True)]
    task = tasks_for_person(PersonTaskInputs(PERSON, journey=tuple(listed)), HEARING)[0]
    assert COURT in task.what and "Mon 16/03/2026" in task.why

    adjourned = [*listed, event(Kind.COURT_HEARING, HEARING, COURT, outcome="adjourned",
                                next_hearing_on="2026-04-13")]
    assert _listed(adjourned, date(2026, 3, 17)) == []
    assert _listed(adjourned, date(2026, 4, 6)) == [(Rule.COURT, date(2026, 4, 13), False)]


def test_completing_a_hearing_task_does_not_close_the_next_hearing() -> None:
    listed = [event(Kind.COURT_HEARING, HEARING, COURT, outcome="listed")]
    done = _done(listed, date(2026, 3, 12))
    assert _listed(listed, date(2026, 3, 17), (done,)) == []

    relisted = [*listed, event(Kind.COURT_HEARING, HEARING, COURT, outcome="adjourned",
                               next_hearing_on="2026-03-23")]
    assert _listed(relisted, date(2026, 3, 17), (done,)) == [
        (Rule.COURT, date(2026, 3, 23), False)]


def test_two_events_naming_one_day_are_one_hearing() -> None:
    events = [event(Kind.COURT_HEARING, date(2026, 3, 2), COURT, outcome="adjourned",
                    next_hearing_on=HEARING.isoformat()),
              event(Kind.COURT_HEARING, HEARING, COURT, outcome="listed")]

    assert _listed(events, date(2026, 3, 10)) == [(Rule.COURT, HEARING, False)]


RELEASE = date(2026, 3, 20)  # a Friday


def _in_prison() -> list[JourneyEvent]:
    return [event(Kind.PRISON_RECEPTION, date(2026, 2, 1), "HMP Chelmsford"),
            event(Kind.EXPECTED_RELEASE, date(2026, 2, 10), release_on=RELEASE.isoformat())]


def test_a_release_shows_fourteen_days_ahead_and_goes_when_the_release_is_recorded() -> None:
    events = _in_prison()

    assert _listed(events, date(2026, 3, 5)) == []
    assert _listed(events, date(2026, 3, 6)) == [(Rule.RELEASE, RELEASE, False)]
    assert _listed(events, RELEASE) == [(Rule.RELEASE, RELEASE, False)]
    assert _listed(events, date(2026, 3, 23)) == [(Rule.RELEASE, RELEASE, True)]
    released = [*events, event(Kind.RELEASE, RELEASE, "HMP Chelmsford")]
    assert _listed(released, date(2026, 3, 23)) == []


def test_a_new_release_date_is_a_new_task_and_a_new_stay_starts_without_one() -> None:
    events = _in_prison()
    done = _done(events, date(2026, 3, 9))
    assert _listed(events, date(2026, 3, 9), (done,)) == []

    moved = [*events, event(Kind.EXPECTED_RELEASE, date(2026, 3, 10), release_on="2026-03-27")]
    assert _listed(moved, date(2026, 3, 13), (done,)) == [
        (Rule.RELEASE, date(2026, 3, 27), False)]
    back_inside = [*moved, event(Kind.RELEASE, date(2026, 3, 27)),
                   event(Kind.PRISON_RECEPTION, date(2026, 4, 20), "HMP Chelmsford")]
    assert _listed(back_inside, date(2026, 4, 21)) == []
