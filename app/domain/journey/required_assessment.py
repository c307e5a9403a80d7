"""The Required Assessment (Drugs Act 2005, Part 3) as a person's journey records it.

After a positive test for a specified Class A drug, a person aged 18 or over may be
required to attend an initial assessment (RA1; RA2 changes the appointment) and to
remain for it (RA3 records that). Before the initial assessment ends the assessor either
gives the follow-up appointment (RA4) or says the requirement ceases (RA5). Failing to
attend or to remain is an offence the assessor must report to the police: every failure
stays an open "tell the police" step until a worker records who told whom, when and how.

The Act sets no day counts: the legal deadlines are the appointment times given. How
soon an initial assessment is offered is local protocol (`RaProtocol`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.domain.dates import YOUNG_PERSON_AGE_LIMIT, age_on
from app.domain.journey.events import InvalidEvent, JourneyEvent, effective
from app.domain.journey.kinds import Kind
from app.domain.journey.state import KeyDate


@dataclass(frozen=True)
class RaProtocol:
    """Local protocol: how soon after the test the initial assessment should be held."""

    initial_within_days: int = 7


DEFAULT_PROTOCOL = RaProtocol()


class RaStage(StrEnum):
    NONE = "none"  # no requirement: no positive test of an adult
    AWAITING_NOTICE = "awaiting_notice"  # a positive test; no appointment recorded yet
    INITIAL_BOOKED = "initial_booked"
    INITIAL_ATTENDED = "initial_attended"  # the follow-up must be given (RA4) or ceased (RA5)
    FOLLOW_UP_BOOKED = "follow_up_booked"
    FAILED = "failed"  # failed to attend or to remain
    CEASED = "ceased"  # RA5
    COMPLETED = "completed"  # attended the follow-up


_NEEDS_APPOINTMENT = {"RA1", "RA2", "RA4"}


@dataclass(frozen=True)
class PoliceStep:
    failure: JourneyEvent
    told: JourneyEvent | None  # the record of telling the police; None while still to do


@dataclass(frozen=True)
class RaState:
    stage: RaStage
    test: JourneyEvent | None = None
    appointment: KeyDate | None = None  # the legal deadline: the time and place given
    appointment_at: str = ""  # HH:MM
    hold_initial_by: date | None = None  # local protocol, while the initial is not booked
    police_steps: tuple[PoliceStep, ...] = ()
    attendance_unrecorded: bool = False  # the appointment has passed with nothing recorded

    @property
    def tell_police(self) -> list[PoliceStep]:
        """Failures not yet reported: the step nobody may miss."""
        return [step for step in self.police_steps if step.told is None]


def is_positive(test: JourneyEvent) -> bool:
    return "positive" in (test.text("opiates"), test.text("cocaine"))


def may_require(date_of_birth: date | None, tested_on: date) -> bool:
    """Under-18s cannot be made subject to a Required Assessment."""
    return date_of_birth is not None and age_on(date_of_birth, tested_on) >= (
        YOUNG_PERSON_AGE_LIMIT)


def derive(events: Iterable[JourneyEvent], today: date, date_of_birth: date | None,
           protocol: RaProtocol = DEFAULT_PROTOCOL) -> RaState:
    standing = effective(events)
    steps = _police_steps(standing)
    test = _latest_positive_test(standing)
    if test is None or not may_require(date_of_birth, test.occurred_on):
        return RaState(RaStage.NONE, police_steps=steps)
    stage, notice = RaStage.AWAITING_NOTICE, None
    for event in (e for e in standing if e.sort_key() > test.sort_key()):
        stage, notice = _step(stage, notice, event)
    booked = stage in (RaStage.INITIAL_BOOKED, RaStage.FOLLOW_UP_BOOKED) and notice
    appointment = _appointment(notice, stage) if booked and notice else None
    return RaState(
        stage=stage, test=test, appointment=appointment,
        appointment_at=notice.text("appointment_at") if booked and notice else "",
        hold_initial_by=(test.occurred_on + timedelta(days=protocol.initial_within_days)
                         if stage is RaStage.AWAITING_NOTICE else None),
        police_steps=steps,
        attendance_unrecorded=appointment is not None and appointment.on < today)


def _step(stage: RaStage, notice: JourneyEvent | None, event: JourneyEvent
          ) -> tuple[RaStage, JourneyEvent | None]:
    if event.kind is Kind.RA_FAILED_TO_ATTEND:
        return RaStage.FAILED, None
    if event.kind is not Kind.RA_NOTICE:
        return stage, notice
    code = event.text("notice")
    if code == "RA1" or (code == "RA2" and stage is RaStage.AWAITING_NOTICE):
        return RaStage.INITIAL_BOOKED, event
    if code == "RA2":
        return stage, event  # a new time or place for the appointment already given
    if code == "RA3":
        done = stage is RaStage.FOLLOW_UP_BOOKED
        return (RaStage.COMPLETED if done else RaStage.INITIAL_ATTENDED), None
    if code == "RA4":
        return RaStage.FOLLOW_UP_BOOKED, event
    return RaStage.CEASED, None  # RA5


def _appointment(notice: JourneyEvent, stage: RaStage) -> KeyDate | None:
    on = notice.day("appointment_on")
    which = "initial" if stage is RaStage.INITIAL_BOOKED else "follow-up"
    what = f"Required Assessment ({which})"
    return KeyDate(on, f"{what}: {notice.place}" if notice.place else what,
                   notice.id) if on else None


def _latest_positive_test(standing: list[JourneyEvent]) -> JourneyEvent | None:
    tests = [e for e in standing if e.kind is Kind.DRUG_TEST and is_positive(e)]
    return tests[-1] if tests else None


def _police_steps(standing: list[JourneyEvent]) -> tuple[PoliceStep, ...]:
    """Each failure with the first report of it to the police that followed it."""
    steps, reports = [], [e for e in standing if e.kind is Kind.RA_POLICE_TOLD]
    for failure in (e for e in standing if e.kind is Kind.RA_FAILED_TO_ATTEND):
        told = next((r for r in reports if r.sort_key() > failure.sort_key()), None)
        if told is not None:
            reports.remove(told)
        steps.append(PoliceStep(failure, told))
    return tuple(steps)


def check_notice(event: JourneyEvent, before: RaState, date_of_birth: date | None) -> None:
    """Raise InvalidEvent unless this notice may be recorded now."""
    if event.kind is not Kind.RA_NOTICE:
        return
    code = event.text("notice")
    if before.test is None:
        if date_of_birth is not None and not may_require(date_of_birth, event.occurred_on):
            raise InvalidEvent("Under-18s cannot be made subject to a Required Assessment.",
                               "Refer them to the young people's service instead.",
                               field="notice")
        raise InvalidEvent(f"{code} needs a positive drug test on arrest first.",
                           "Record the drug test, then the notice.", field="notice")
    if code in _NEEDS_APPOINTMENT and not event.day("appointment_on"):
        raise InvalidEvent(f"{code} gives an appointment, and none is set.",
                           "Enter the appointment's date and time.", field="appointment_on")
    on = event.day("appointment_on")
    if on is not None and on < event.occurred_on:
        raise InvalidEvent("The appointment is before the notice was given.",
                           "Check the two dates.", field="appointment_on")
