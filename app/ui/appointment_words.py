"""Appointments in the words a worker reads them: the day named beside the date, the
status as a short phrase, and times typed the way people type them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, time

from app.domain.appointments import AppointmentStatus
from app.services.appointments import Listed

STATUS_WORDS = {
    AppointmentStatus.BOOKED: "booked",
    AppointmentStatus.DUE_TODAY: "today",
    AppointmentStatus.AWAITING_OUTCOME: "outcome not recorded",
    AppointmentStatus.ATTENDED: "attended",
    AppointmentStatus.DID_NOT_ATTEND: "did not attend",
    AppointmentStatus.CANCELLED: "cancelled",
}
# '14:30', '9:30', '0930' and '9.30' are all typed for half past nine or half past two.
_TIME = re.compile(r"(\d{1,2})[:.]?(\d{2})\Z")
_TIME_EXAMPLE = "Type it as HH:MM, for example 14:30."


def day_and_date(on: date) -> str:
    """'Thu 05/03/2026': the day named, so nobody misreads 05/03 as the 3rd of May."""
    return f"{on:%a %d/%m/%Y}"


def time_text(at: time | None) -> str:
    return f"{at:%H:%M}" if at is not None else "no time"


def parse_time(text: str) -> time | None:
    """The time typed, None if nothing was; ValueError (in words) if it cannot be read."""
    cleaned = text.strip()
    if not cleaned:
        return None  # the domain says a time is needed, in the same words everywhere
    typed = _TIME.match(cleaned)
    hours, minutes = (int(typed.group(1)), int(typed.group(2))) if typed else (99, 99)
    if hours > 23 or minutes > 59:
        raise ValueError(f"'{cleaned}' is not a time we can read. {_TIME_EXAMPLE}")
    return time(hours, minutes)


def status_words(listed: Listed, rebooked_on: date | None = None) -> str:
    """The status in a few words, for a column: whether a missed one is rebooked is
    the one thing added, because it decides whether anything is still to do."""
    words = STATUS_WORDS[listed.status]
    if listed.status is AppointmentStatus.DID_NOT_ATTEND and rebooked_on is not None:
        return f"{words}, rebooked"
    return words


def described(listed: Listed, rebooked_on: date | None = None) -> str:
    """The whole appointment in one sentence, for the line under a list: nothing cut,
    the reason for a cancellation and the day a missed one was rebooked for included."""
    booked = listed.appointment
    with_whom = f" with {booked.with_whom}" if booked.with_whom else ""
    status = STATUS_WORDS[listed.status]
    if listed.status is AppointmentStatus.CANCELLED and listed.outcome is not None \
            and listed.outcome.reason:
        status += f" ({listed.outcome.reason})"
    if listed.status is AppointmentStatus.DID_NOT_ATTEND and rebooked_on is not None:
        status += f"; rebooked for {day_and_date(rebooked_on)}"
    who = f"{listed.person_name}: " if listed.person_name else ""
    return (f"{who}{day_and_date(booked.on)} at {time_text(booked.at)}, {booked.where}"
            f"{with_whom}. {booked.what_for.rstrip('.')}. Status: {status}.")


def rebookings(listed: Iterable[Listed]) -> dict[str, date]:
    """Missed appointment id -> the day of the booking that follows it up."""
    return {item.appointment.follows_up: item.appointment.on for item in listed
            if item.appointment.follows_up}


def summary(listed: Listed) -> str:
    """One line naming the appointment, for a dialog's title or a confirmation."""
    booked = listed.appointment
    return f"{day_and_date(booked.on)} at {time_text(booked.at)}, {booked.where}"
