"""What the quarterly figures and extracts read about each person: one value per person.

The store (on the laptop or the server) fills it; nothing here reads anything else. No
name, no identifier, no full date of birth: the figures never need them, so an extract
built from these cannot leak them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.domain.appointments import Appointment, AppointmentOutcome
from app.domain.journey.events import JourneyEvent, effective
from app.domain.journey.kinds import Kind
from app.domain.outcomes.form import TopForm


class Route(StrEnum):
    """How the person first came to the scheme."""

    CUSTODY = "custody"
    COURT = "court"
    PRISON = "prison"
    OTHER = "other"


@dataclass(frozen=True)
class CohortPerson:
    person_id: str
    birth_year: int | None
    route: Route
    first_contact_on: date
    journey: tuple[JourneyEvent, ...] = ()  # all of them: superseded ones drop out here
    forms: tuple[TopForm, ...] = ()
    appointments: tuple[Appointment, ...] = ()
    appointment_outcomes: tuple[AppointmentOutcome, ...] = ()
    # Days an assessment was completed (the assessment is not a journey event; the store
    # knows when each was confirmed). Triage and an attended RA (RA3) count as well.
    assessed_on: tuple[date, ...] = ()


# NDTMS counts a completion (drug free or not) and a planned referral on as a planned
# exit; every other reason (dropped out, prison, declined, withdrawn, moved away, died,
# not known, no appropriate treatment, other) is unplanned. An unknown code is unplanned:
# a report must never flatter the service by guessing.
PLANNED_EXITS = frozenset({"completed_drug_free", "completed", "referred_on"})


def is_planned_exit(reason: str) -> bool:
    return reason in PLANNED_EXITS


# How long before the record was made an event still says where the scheme met the
# person: a custody worker often records the arrest the next morning.
ROUTE_LOOKBACK_DAYS = 28
_ROUTES = {**dict.fromkeys((Kind.ARREST, Kind.DRUG_TEST, Kind.BAIL_RESTRICTION, Kind.RA_NOTICE,
                            Kind.RA_FAILED_TO_ATTEND, Kind.RA_POLICE_TOLD), Route.CUSTODY),
           **dict.fromkeys((Kind.COURT_HEARING, Kind.COURT_ORDER), Route.COURT),
           **dict.fromkeys((Kind.PRISON_RECEPTION, Kind.PRISON_TRANSFER, Kind.PRISON_TRIAGE,
                            Kind.EXPECTED_RELEASE, Kind.RELEASE), Route.PRISON)}
# Events of the treatment service itself: one dated before the record was made (typed in
# from the referral) is the earlier first contact.
_TREATMENT = frozenset({Kind.REFERRAL_RECEIVED, Kind.TRIAGE_DONE, Kind.TREATMENT_STARTED,
                        Kind.INTERVENTION_STARTED, Kind.PRESCRIBED, Kind.APPOINTMENT})


def first_contact(known_since: date, journey: Iterable[JourneyEvent]) -> date:
    """The day the scheme first met the person: the day the record was made, or an
    earlier scheme event (a referral or treatment recorded from before). Custody, court
    and prison events from before that are history, not contact: the revolving door
    counts them as "before"."""
    scheme = [e.occurred_on for e in effective(journey)
              if e.kind in _TREATMENT and e.occurred_on < known_since]
    return min([known_since, *scheme])


def route(first_contact_on: date, journey: Iterable[JourneyEvent]) -> Route:
    """Where the scheme met the person: the setting of the latest custody, court or prison
    event in the four weeks up to first contact (the day after too: the record is often
    made before the event is); OTHER when there is none."""
    earliest = first_contact_on - timedelta(days=ROUTE_LOOKBACK_DAYS)
    latest = first_contact_on + timedelta(days=1)
    found = [e for e in effective(journey) if earliest <= e.occurred_on <= latest
             and e.kind in _ROUTES]
    if not found:
        return Route.OTHER
    return _ROUTES[max(found, key=lambda e: (e.occurred_on, e.recorded_hlc)).kind]


def cohort_person(person_id: str, *, birth_year: int | None, known_since: date,
                  journey: Iterable[JourneyEvent], forms: Iterable[TopForm] = (),
                  appointments: Iterable[Appointment] = (),
                  appointment_outcomes: Iterable[AppointmentOutcome] = (),
                  assessed_on: Iterable[date] = ()) -> CohortPerson:
    """One person as the figures read them, first contact and route worked out here so
    the laptop and the server agree."""
    events = tuple(journey)
    first = first_contact(known_since, events)
    return CohortPerson(person_id, birth_year, route(first, events), first, events,
                        tuple(forms), tuple(appointments), tuple(appointment_outcomes),
                        tuple(assessed_on))
