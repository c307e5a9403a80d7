"""Court dates and releases: seen coming, and listed until what happened is recorded.

A hearing is keyed by its day (two events naming one day are one trip to court) and a
release by its expected day: a new day is new work, a corrected place is not.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from app.domain.journey.events import JourneyEvent
from app.domain.journey.kinds import Kind, Setting
from app.domain.journey.state import moves_to
from app.domain.tasks.inputs import PersonTaskInputs, TaskSettings
from app.domain.tasks.model import Rule, Task, task_key
from app.domain.tasks.text import uk, weekday

COURT_LEAD = timedelta(days=7)  # a week: time to remind them and arrange transport
RELEASE_LEAD = timedelta(days=14)  # the issue: releases in the next 14 days


def court_tasks(inputs: PersonTaskInputs, settings: TaskSettings) -> Iterator[Task]:
    hearings: dict[date, JourneyEvent] = {}
    for event in inputs.journey:
        if event.kind is Kind.COURT_HEARING:
            for day in _hearing_days(event):
                hearings.setdefault(day, event)
    for day, named_by in sorted(hearings.items()):
        if not _outcome_recorded(inputs.journey, day):
            yield _court(inputs.person_id, day, named_by.place)


def _hearing_days(event: JourneyEvent) -> Iterator[date]:
    if event.text("outcome") == "listed":
        yield event.occurred_on
    following = event.day("next_hearing_on")
    if following is not None:
        yield following


def _outcome_recorded(journey: tuple[JourneyEvent, ...], day: date) -> bool:
    """A hearing's outcome, or an order made, on that day or later."""
    return any(e.occurred_on >= day and (
        e.kind is Kind.COURT_ORDER
        or (e.kind is Kind.COURT_HEARING and e.text("outcome") != "listed")) for e in journey)


def _court(person_id: str, day: date, place: str) -> Task:
    at = f" at {place}" if place else ""
    return Task(
        key=task_key(Rule.COURT, person_id, "hearing", day), rule=Rule.COURT,
        person_id=person_id, what=f"Court hearing{at}: make sure they go, then record the outcome",
        due_on=day, shows_from=day - COURT_LEAD, why=f"Listed for {weekday(day)}.")


def release_tasks(inputs: PersonTaskInputs, settings: TaskSettings) -> Iterator[Task]:
    expected = _expected_release(inputs.journey)
    if expected is None:
        return
    event, day = expected
    yield Task(
        key=task_key(Rule.RELEASE, inputs.person_id, "release", day), rule=Rule.RELEASE,
        person_id=inputs.person_id,
        what="Plan the release: who meets them, where they stay, first appointments",
        due_on=day, shows_from=day - RELEASE_LEAD,
        why=f"Expected release {weekday(day)} (set {uk(event.occurred_on)}); record "
            "the release once it happens.")


def _expected_release(journey: tuple[JourneyEvent, ...]) -> tuple[JourneyEvent, date] | None:
    """The latest expected release of the current stay in prison, read from every standing
    event (expected releases are never dated ahead) so the answer does not move with the
    day: a release, a court order to the community or a new reception ends it."""
    for event in reversed(journey):
        if event.kind is Kind.EXPECTED_RELEASE:
            day = event.day("release_on")
            return (event, day) if day else None
        if event.kind is Kind.PRISON_RECEPTION or moves_to(event) is Setting.COMMUNITY:
            return None
    return None
