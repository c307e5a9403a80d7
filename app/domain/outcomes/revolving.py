"""The revolving door, measured from the journey: custody before and after the scheme,
and how long people wait between custody and help.

Arrests are ARREST events; custody contacts are every time a person was taken into
custody, by the police (an arrest) or a prison (a reception). The "before" window ends
on the day of first contact, so the arrest that brought someone to the scheme counts as
before; "after" starts the day after. A person counts only once their "after" window has
run its full length by the end of the quarter: half a window would flatter the scheme.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.appointments import Outcome, latest_outcomes, standing
from app.domain.journey.events import JourneyEvent, effective
from app.domain.journey.kinds import Kind
from app.domain.outcomes.cohort import CohortPerson
from app.domain.outcomes.months import Quarter, add_months

CUSTODY_KINDS = frozenset({Kind.ARREST, Kind.PRISON_RECEPTION})
# A release with no community appointment within four weeks has none booked: the
# overdose-risk window after release (journey.state.RECENT_RELEASE_DAYS) is four weeks.
BOOKED_WITHIN = timedelta(days=28)


@dataclass(frozen=True)
class RevolvingDoor:
    months: int
    people: int
    arrests_before: int
    arrests_after: int
    custody_before: int
    custody_after: int


@dataclass(frozen=True)
class PersonDoor:
    arrests_before: int
    arrests_after: int
    custody_before: int
    custody_after: int


def person_door(person: CohortPerson, months: int, *, by: date) -> PersonDoor | None:
    """One person's counts, or None while their "after" window is still running on `by`."""
    first = person.first_contact_on
    if add_months(first, months) > by:
        return None
    events = effective(person.journey)
    before = [e for e in events if add_months(first, -months) <= e.occurred_on <= first]
    after = [e for e in events if first < e.occurred_on <= add_months(first, months)]
    return PersonDoor(_count(before, {Kind.ARREST}), _count(after, {Kind.ARREST}),
                      _count(before, CUSTODY_KINDS), _count(after, CUSTODY_KINDS))


def _count(events: Iterable[JourneyEvent], kinds: Iterable[Kind]) -> int:
    kinds = set(kinds)
    return sum(1 for e in events if e.kind in kinds)


def revolving_door(cohort: Sequence[CohortPerson], quarter: Quarter,
                   months: int) -> RevolvingDoor:
    doors = [d for p in cohort if (d := person_door(p, months, by=quarter.end)) is not None]
    return RevolvingDoor(months, len(doors), sum(d.arrests_before for d in doors),
                         sum(d.arrests_after for d in doors),
                         sum(d.custody_before for d in doors),
                         sum(d.custody_after for d in doors))


@dataclass(frozen=True)
class Waits:
    arrests: int  # arrests in the quarter
    arrests_assessed: int  # ... followed by an assessment before any further arrest
    median_days_to_assessment: float | None
    releases: int  # releases in the quarter
    releases_seen: int  # ... followed by an attended community appointment
    median_days_to_appointment: float | None
    released_without_appointment: int  # people: a release with nothing booked in 4 weeks


def waits(cohort: Sequence[CohortPerson], quarter: Quarter) -> Waits:
    to_assessment = [d for p in cohort for d in _days_to_assessment(p, quarter)]
    to_appointment = [d for p in cohort for d in _days_to_appointment(p, quarter)]
    return Waits(len(to_assessment), sum(d is not None for d in to_assessment),
                 _median(to_assessment), len(to_appointment),
                 sum(d is not None for d in to_appointment), _median(to_appointment),
                 sum(_released_without_booking(p, quarter) for p in cohort))


def _median(days: Iterable[int | None]) -> float | None:
    known = [d for d in days if d is not None]
    return float(statistics.median(known)) if known else None


def _days_to_assessment(person: CohortPerson, quarter: Quarter) -> list[int | None]:
    """For each arrest in the quarter, days to the first assessment on or after it and
    before the next arrest (None: not assessed in between)."""
    events = effective(person.journey)
    assessed = sorted({*person.assessed_on, *(e.occurred_on for e in events if _assesses(e))})
    arrests = [e.occurred_on for e in events if e.kind is Kind.ARREST]
    found: list[int | None] = []
    for index, on in enumerate(arrests):
        if on not in quarter:
            continue
        until = arrests[index + 1] if index + 1 < len(arrests) else date.max
        day = next((d for d in assessed if on <= d < until or d == on), None)
        found.append((day - on).days if day is not None else None)
    return found


def _assesses(event: JourneyEvent) -> bool:
    return event.kind in (Kind.TRIAGE_DONE, Kind.PRISON_TRIAGE) or (
        event.kind is Kind.RA_NOTICE and event.text("notice") == "RA3")


def _days_to_appointment(person: CohortPerson, quarter: Quarter) -> list[int | None]:
    """For each release in the quarter, days to the first attended community appointment
    on or after it and before the person is in custody again."""
    kept = _appointment_days(person, attended_only=True)
    found: list[int | None] = []
    for on, until in _releases(person, quarter):
        day = next((d for d in kept if on <= d < until), None)
        found.append((day - on).days if day is not None else None)
    return found


def _released_without_booking(person: CohortPerson, quarter: Quarter) -> bool:
    booked = _appointment_days(person, attended_only=False)
    return any(not any(on <= d <= on + BOOKED_WITHIN for d in booked)
               for on, _ in _releases(person, quarter))


def _releases(person: CohortPerson, quarter: Quarter) -> list[tuple[date, date]]:
    """Each release in the quarter with the day the person was next taken into custody."""
    events = effective(person.journey)
    custody = [e.occurred_on for e in events if e.kind in CUSTODY_KINDS]
    return [(e.occurred_on, next((c for c in custody if c > e.occurred_on), date.max))
            for e in events if e.kind is Kind.RELEASE and e.occurred_on in quarter]


def _appointment_days(person: CohortPerson, *, attended_only: bool) -> list[date]:
    """Community appointments from both places they are recorded: booked appointments
    with their outcomes, and appointment events on the journey. Cancelled ones never
    count; `attended_only` keeps those recorded as attended."""
    outcomes = latest_outcomes(person.appointment_outcomes)
    days = []
    for booking in standing(person.appointments):
        outcome = outcomes.get(booking.id)
        how = outcome.outcome if outcome else None
        if how is not Outcome.CANCELLED and (not attended_only or how is Outcome.ATTENDED):
            days.append(booking.on)
    for event in effective(person.journey):
        how_event = event.text("outcome") if event.kind is Kind.APPOINTMENT else "cancelled"
        if how_event != "cancelled" and (not attended_only or how_event == "attended"):
            days.append(event.occurred_on)
    return sorted(days)
