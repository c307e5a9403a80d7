"""Appointments booked for a person, and what happened at each.

A booking is a row; what happened (attended, did not attend, cancelled) is a separate,
append-only outcome that names the booking, so two laptops recording it offline both keep
theirs and the latest by clock stamp stands. A wrong booking or outcome is corrected by a
new row that supersedes it (as journey events are); nothing is edited in place.

Booking in the past is allowed, within BACK_ENTRY_DAYS: a worker back-entering an
appointment that was kept while they were offline or away must be able to. The outcome of
a past booking is then asked for like any other (a task until it is recorded).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from app.domain.journey.events import JourneyEvent, effective
from app.domain.journey.kinds import Kind
from app.domain.journey.state import KeyDate, coming_dates, derive

# Back-entry is for the weeks a worker was away from the laptop; anything older is more
# likely a mistyped year than a kept appointment.
BACK_ENTRY_DAYS = 90
# Two years ahead covers any real booking; further is a mistyped year.
FURTHEST_AHEAD_DAYS = 2 * 365
MAX_TEXT = 200


class Outcome(StrEnum):
    ATTENDED = "attended"
    DID_NOT_ATTEND = "did_not_attend"
    CANCELLED = "cancelled"


class AppointmentStatus(StrEnum):
    BOOKED = "booked"  # a day still to come
    DUE_TODAY = "due_today"
    AWAITING_OUTCOME = "awaiting_outcome"  # its day has passed and nothing is recorded
    ATTENDED = "attended"
    DID_NOT_ATTEND = "did_not_attend"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Appointment:
    id: str
    person_id: str
    on: date
    at: time | None  # local wall-clock time; None only in an unfinished booking (check says)
    where: str
    with_whom: str
    what_for: str
    booked_by: str
    booked_hlc: str = ""
    follows_up: str | None = None  # the missed appointment this one rebooks
    supersedes: str | None = None  # a corrected booking (new day, time or place)

    @property
    def when(self) -> datetime | None:
        return datetime.combine(self.on, self.at) if self.at is not None else None

    def sort_key(self) -> tuple[date, time, str]:
        return self.on, self.at or time.min, self.id


@dataclass(frozen=True)
class AppointmentOutcome:
    id: str
    appointment_id: str
    person_id: str
    outcome: Outcome
    recorded_on: date
    recorded_by: str
    recorded_hlc: str
    reason: str = ""  # why it was cancelled, or what the person said about missing it
    supersedes: str | None = None


def standing(appointments: Iterable[Appointment]) -> list[Appointment]:
    """The bookings that stand (none superseded), soonest first."""
    appointments = list(appointments)
    replaced = {a.supersedes for a in appointments if a.supersedes}
    return sorted((a for a in appointments if a.id not in replaced), key=Appointment.sort_key)


def latest_outcomes(outcomes: Iterable[AppointmentOutcome]) -> dict[str, AppointmentOutcome]:
    """Each booking's outcome: the latest standing one by clock stamp (wall clocks never
    decide), so a DNA corrected to attended reads as attended on every laptop."""
    outcomes = list(outcomes)
    replaced = {o.supersedes for o in outcomes if o.supersedes}
    latest: dict[str, AppointmentOutcome] = {}
    for outcome in sorted((o for o in outcomes if o.id not in replaced),
                          key=lambda o: (o.recorded_hlc, o.id)):
        latest[outcome.appointment_id] = outcome
    return latest


def status_on(appointment: Appointment, outcome: AppointmentOutcome | None,
              today: date) -> AppointmentStatus:
    if outcome is not None:
        return AppointmentStatus(outcome.outcome.value)
    if appointment.on > today:
        return AppointmentStatus.BOOKED
    if appointment.on == today:
        return AppointmentStatus.DUE_TODAY
    return AppointmentStatus.AWAITING_OUTCOME


def check(appointment: Appointment, *, today: date) -> dict[str, str]:
    """Problems keyed by field; empty when the booking can be saved."""
    problems: dict[str, str] = {}
    if appointment.at is None:
        problems["at"] = "No time is set. Enter the time, for example 14:30."
    if appointment.on < today - timedelta(days=BACK_ENTRY_DAYS):
        problems["on"] = (f"{appointment.on:%d/%m/%Y} is more than {BACK_ENTRY_DAYS} days ago. "
                          "Check the year; an appointment kept that long ago belongs in notes.")
    if appointment.on > today + timedelta(days=FURTHEST_AHEAD_DAYS):
        problems["on"] = f"{appointment.on:%d/%m/%Y} is more than two years away. Check the year."
    for name, label in (("where", "Where"), ("what_for", "What it is for")):
        if not getattr(appointment, name).strip():
            problems[name] = f"{label} is missing. Fill it in: it is printed on their card."
    for name in ("where", "with_whom", "what_for"):
        if len(getattr(appointment, name)) > MAX_TEXT:
            problems[name] = f"Keep it under {MAX_TEXT} characters: it must fit on the card."
    if not appointment.booked_by.strip():
        problems["booked_by"] = "The booking must say who made it. Sign in again."
    return problems


def check_outcome(outcome: AppointmentOutcome, appointment: Appointment, *,
                  today: date) -> dict[str, str]:
    """Attended or missed only once its day has come; a cancellation needs a reason."""
    problems: dict[str, str] = {}
    if outcome.appointment_id != appointment.id or outcome.person_id != appointment.person_id:
        problems["appointment_id"] = "This outcome is for another appointment. Choose this one."
    happened = outcome.outcome in (Outcome.ATTENDED, Outcome.DID_NOT_ATTEND)
    if happened and appointment.on > today:
        problems["outcome"] = (f"The appointment is on {appointment.on:%d/%m/%Y}, after today. "
                               "Record whether they came once it has happened, or cancel it.")
    if outcome.outcome is Outcome.CANCELLED and not outcome.reason.strip():
        problems["reason"] = "Say why it was cancelled, in a few words."
    if outcome.recorded_on > today:
        problems["recorded_on"] = "An outcome cannot be recorded on a day still to come."
    return problems


def upcoming(appointments: Iterable[Appointment],
             outcomes: Mapping[str, AppointmentOutcome], today: date) -> list[Appointment]:
    """Bookings from today on that are not cancelled: what the card and day view show."""
    return [a for a in standing(appointments) if a.on >= today
            and (a.id not in outcomes or outcomes[a.id].outcome is not Outcome.CANCELLED)]


def next_booking(appointments: Iterable[Appointment],
                 outcomes: Iterable[AppointmentOutcome], today: date) -> KeyDate | None:
    """The soonest booking from today on that is not cancelled, as a key date: what
    comes next for the person as much as a court date does."""
    coming = upcoming(appointments, latest_outcomes(outcomes), today)
    if not coming:
        return None
    first = coming[0]
    what = f"Appointment: {first.what_for}" if first.what_for else "Appointment"
    return KeyDate(first.on, f"{what}, {first.where}" if first.where else what, first.id)


def sooner(*dates: KeyDate | None) -> KeyDate | None:
    """The soonest of some key dates (None when there are none)."""
    return min((d for d in dates if d is not None), key=lambda d: d.on, default=None)


def card_order(appointments: Iterable[Appointment], release_on: date | None
               ) -> list[Appointment]:
    """The order on the card the person keeps: the release day's appointments first (the
    day the overdose risk starts and the day most often missed), then soonest first."""
    return sorted(appointments, key=lambda a: (a.on != release_on, *a.sort_key()))


def release_day(events: Iterable[JourneyEvent], today: date) -> date | None:
    """The release the card is for: the expected release of the current stay in prison,
    or else the day of the last release (None if back in prison since)."""
    standing_events = effective(events)
    kinds = {e.id: e.kind for e in standing_events}
    for key_date in coming_dates(standing_events, today):
        if kinds.get(key_date.event_id) is Kind.EXPECTED_RELEASE:
            return key_date.on
    return derive(standing_events, today).released_on


def day_view(appointments: Iterable[Appointment], outcomes: Mapping[str, AppointmentOutcome],
             day: date) -> list[tuple[Appointment, AppointmentStatus]]:
    """One day's standing bookings by time, each with its status on that day."""
    return [(a, status_on(a, outcomes.get(a.id), day)) for a in standing(appointments)
            if a.on == day]
