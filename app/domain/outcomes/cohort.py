"""What the quarterly figures and extracts read about each person: one value per person.

The store (on the laptop or the server) fills it; nothing here reads anything else. No
name, no identifier, no full date of birth: the figures never need them, so an extract
built from these cannot leak them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.appointments import Appointment, AppointmentOutcome
from app.domain.journey.events import JourneyEvent
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
