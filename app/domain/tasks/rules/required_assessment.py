"""Required Assessment tasks: tell the police of a failure, book, attend, follow up.

The Act's deadlines are the appointment times given, so each booked appointment is due
on its day and stays listed (overdue) until attendance (RA3) or a failure is recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from app.domain.journey import required_assessment as ra
from app.domain.journey.events import JourneyEvent
from app.domain.journey.kinds import Kind
from app.domain.journey.state import KeyDate
from app.domain.tasks.inputs import PersonTaskInputs, TaskSettings
from app.domain.tasks.model import Rule, Task, task_key
from app.domain.tasks.text import uk, weekday_short

# The stage does not depend on the day; only `attendance_unrecorded` does, which these
# rules read from the appointment's own day instead.
_ANY_DAY = date.max


def tasks(inputs: PersonTaskInputs, settings: TaskSettings) -> Iterator[Task]:
    if not inputs.journey:
        return
    state = ra.derive(inputs.journey, _ANY_DAY, inputs.date_of_birth, settings.ra_protocol)
    for step in state.tell_police:
        yield _tell_police(inputs.person_id, step.failure)
    if state.stage is ra.RaStage.AWAITING_NOTICE and state.test and state.hold_initial_by:
        yield _book_initial(inputs.person_id, state.test, state.hold_initial_by)
    elif state.appointment is not None:
        notice = _event(inputs.journey, state.appointment.event_id)
        yield _appointment(inputs.person_id, state.appointment, state.appointment_at, notice)
    elif state.stage is ra.RaStage.INITIAL_ATTENDED and state.test:
        attended = _last_attendance(inputs.journey, state.test)
        if attended is not None:
            yield _give_follow_up(inputs.person_id, attended)


def _tell_police(person_id: str, failure: JourneyEvent) -> Task:
    which = "follow-up" if failure.text("stage") == "follow_up" else "initial"
    did = "did not remain for" if failure.details.get("remained") is True else "missed"
    return Task(
        key=task_key(Rule.RA_TELL_POLICE, person_id, failure.id), rule=Rule.RA_TELL_POLICE,
        person_id=person_id, what=f"Tell the police: they {did} the {which} Required Assessment",
        due_on=failure.occurred_on, shows_from=failure.occurred_on,
        why=f"Failure on {uk(failure.occurred_on)}; the assessor must inform a police "
            "officer (Drugs Act 2005).")


def _book_initial(person_id: str, test: JourneyEvent, hold_by: date) -> Task:
    return Task(
        key=task_key(Rule.RA_BOOK_INITIAL, person_id, test.id), rule=Rule.RA_BOOK_INITIAL,
        person_id=person_id, what="Give the initial Required Assessment appointment (RA1)",
        due_on=hold_by, shows_from=test.occurred_on,
        why=f"Positive test on {uk(test.occurred_on)}; local protocol holds the initial "
            f"assessment by {uk(hold_by)}.")


def _appointment(person_id: str, appointment: KeyDate, time_given: str,
                 notice: JourneyEvent | None) -> Task:
    at = f" at {time_given}" if time_given else ""
    given = notice.occurred_on if notice is not None else appointment.on
    return Task(
        key=task_key(Rule.RA_APPOINTMENT, person_id, appointment.event_id, appointment.on),
        rule=Rule.RA_APPOINTMENT, person_id=person_id,
        what=f"{appointment.what}, {weekday_short(appointment.on)}{at}: record whether they came",
        due_on=appointment.on, shows_from=min(given, appointment.on),
        why="The time given in the notice is the legal deadline; record RA3, or the failure.")


def _give_follow_up(person_id: str, attended: JourneyEvent) -> Task:
    return Task(
        key=task_key(Rule.RA_GIVE_FOLLOW_UP, person_id, attended.id),
        rule=Rule.RA_GIVE_FOLLOW_UP, person_id=person_id,
        what="Give the follow-up appointment (RA4) or end the requirement (RA5)",
        due_on=attended.occurred_on, shows_from=attended.occurred_on,
        why=f"Initial assessment attended on {uk(attended.occurred_on)}; the Act asks "
            "for this before it ends.")


def _event(journey: tuple[JourneyEvent, ...], event_id: str) -> JourneyEvent | None:
    return next((e for e in journey if e.id == event_id), None)


def _last_attendance(journey: tuple[JourneyEvent, ...], test: JourneyEvent
                     ) -> JourneyEvent | None:
    after = [e for e in journey if e.kind is Kind.RA_NOTICE and e.text("notice") == "RA3"
             and e.sort_key() > test.sort_key()]
    return max(after, key=JourneyEvent.sort_key, default=None)
