"""Tasks from the worker's own bookings: referrals nobody answered, appointments with no
outcome, and missed appointments to follow up. Chases wait for a working day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from app.domain.appointments import Appointment, Outcome, latest_outcomes, standing
from app.domain.referrals import (
    SERVICE_LABELS,
    Referral,
    ReferralState,
    ReferralStatus,
    answer_due_on,
    state_of,
)
from app.domain.tasks.calendar import next_working_day, working_day_on_or_after
from app.domain.tasks.inputs import PersonTaskInputs, TaskSettings
from app.domain.tasks.model import Rule, Task, task_key
from app.domain.tasks.text import uk, weekday_short


def referral_tasks(inputs: PersonTaskInputs, settings: TaskSettings) -> Iterator[Task]:
    for referral in inputs.referrals:
        state = state_of(referral, inputs.referral_updates)
        due = answer_due_on(referral, state, settings.referral_answer_days)
        if due is not None:
            yield _chase(referral, state, working_day_on_or_after(due, settings.holidays),
                         settings.referral_answer_days)


def _chase(referral: Referral, state: ReferralState, chase_on: date, days: int) -> Task:
    label = SERVICE_LABELS[referral.service]
    heard = (f"acknowledged {uk(state.since)}" if state.status is ReferralStatus.ACKNOWLEDGED
             else f"sent {uk(referral.sent_on)}")
    return Task(
        key=task_key(Rule.REFERRAL_UNANSWERED, referral.person_id, referral.id, chase_on),
        rule=Rule.REFERRAL_UNANSWERED, person_id=referral.person_id,
        what=f"Chase the referral to {label}: no answer yet", due_on=chase_on,
        shows_from=chase_on, why=f"Referral {heard}; no answer in {days} days.")


def appointment_tasks(inputs: PersonTaskInputs, settings: TaskSettings) -> Iterator[Task]:
    bookings = standing(inputs.appointments)
    outcomes = latest_outcomes(inputs.appointment_outcomes)
    rebooked = {a.follows_up for a in bookings if a.follows_up}
    for booking in bookings:
        outcome = outcomes.get(booking.id)
        if outcome is None:
            yield _record_outcome(booking, settings)
        elif outcome.outcome is Outcome.DID_NOT_ATTEND and booking.id not in rebooked:
            yield _follow_up(booking, settings)


def _record_outcome(booking: Appointment, settings: TaskSettings) -> Task:
    return Task(
        key=task_key(Rule.APPOINTMENT_OUTCOME, booking.person_id, booking.id),
        rule=Rule.APPOINTMENT_OUTCOME, person_id=booking.person_id,
        what="Record whether they came to the appointment",
        due_on=next_working_day(booking.on, settings.holidays),
        shows_from=booking.on + timedelta(days=1),
        why=f"{_described(booking)}: nothing recorded since.")


def _follow_up(booking: Appointment, settings: TaskSettings) -> Task:
    return Task(
        key=task_key(Rule.APPOINTMENT_MISSED, booking.person_id, booking.id),
        rule=Rule.APPOINTMENT_MISSED, person_id=booking.person_id,
        what="Follow up the missed appointment: contact them and rebook",
        due_on=next_working_day(booking.on, settings.holidays), shows_from=booking.on,
        why=f"{_described(booking)}: they did not attend.")


def _described(booking: Appointment) -> str:
    at = f" {booking.at.hour:02d}:{booking.at.minute:02d}" if booking.at else ""
    return f"{booking.what_for} at {booking.where}, {weekday_short(booking.on)}{at}"
