"""What the task rules read about one person, in one value the store can fill cheaply.

The store fills it from the person's digest (journey events that stand, last contact,
section confirmations) and a few small per-person rows (handovers, the signed care
plan's review date, consents, referrals, appointments). No rule reads anything else, so
the list for a person can be recomputed whenever a sync touches one of these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from app.domain.appointments import Appointment, AppointmentOutcome
from app.domain.careplan import CarePlanVersion, VersionStatus
from app.domain.consent import ConsentRecord
from app.domain.journey.events import JourneyEvent
from app.domain.journey.handover import Handover
from app.domain.journey.required_assessment import DEFAULT_PROTOCOL, RaProtocol
from app.domain.referrals import DEFAULT_ANSWER_DAYS, Referral, ReferralUpdate


@dataclass(frozen=True)
class TaskSettings:
    stale_section_days: int = 90  # the same setting the caseload uses (Settings)
    # Stale sections are asked about only for people seen in the last four weeks: they are
    # the ones a worker can check with at the next contact.
    seen_recently_days: int = 28
    referral_answer_days: int = DEFAULT_ANSWER_DAYS
    ra_protocol: RaProtocol = DEFAULT_PROTOCOL
    # Bank holidays (sync.protocol.working_days.bank_holidays) so chases skip them too.
    holidays: frozenset[date] = frozenset()


DEFAULT_SETTINGS = TaskSettings()


@dataclass(frozen=True)
class CarePlanReview:
    version_id: str
    review_on: date


@dataclass(frozen=True)
class OutcomeFormDue:
    """The hook for outcome forms (issue 21): one form due for a person."""

    source_id: str  # what makes it due: the treatment episode, the schedule row...
    form: str  # the form's name as a worker says it: "TOP review"
    due_on: date
    opens_on: date | None = None  # the first day it may be done; None: two weeks before
    closes_on: date | None = None  # the last day it is asked for (the next one overtakes it)


@dataclass(frozen=True)
class PersonTaskInputs:
    person_id: str
    date_of_birth: date | None = None
    # The standing events, oldest first: journey.digest.from_digest, or events.effective.
    journey: tuple[JourneyEvent, ...] = ()
    handovers: tuple[Handover, ...] = ()
    care_plan: CarePlanReview | None = None
    section_ids: tuple[str, ...] = ()  # the assessment form's sections for this person
    confirmed_on: Mapping[str, date] = field(default_factory=lambda: MappingProxyType({}))
    known_since: date | None = None  # the day the record was made
    last_seen_on: date | None = None  # the last contact
    consents: tuple[ConsentRecord, ...] = ()
    referrals: tuple[Referral, ...] = ()
    referral_updates: tuple[ReferralUpdate, ...] = ()
    appointments: tuple[Appointment, ...] = ()
    appointment_outcomes: tuple[AppointmentOutcome, ...] = ()
    outcome_forms_due: tuple[OutcomeFormDue, ...] = ()


def care_plan_review(versions: Iterable[CarePlanVersion]) -> CarePlanReview | None:
    """The review date of the latest signed version: a draft's date is not yet agreed."""
    signed = [v for v in versions if v.status is VersionStatus.SIGNED]
    latest = max(signed, key=lambda v: v.number, default=None)
    if latest is None or latest.content.review_date is None:
        return None
    return CarePlanReview(latest.id, latest.content.review_date)
