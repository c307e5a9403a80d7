"""Unanswered referrals and appointments with no outcome or missed, across weekends."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

from app.domain.appointments import Appointment, AppointmentOutcome, Outcome
from app.domain.referrals import Referral, ReferralService, ReferralStatus, ReferralUpdate
from app.domain.tasks import (
    DEFAULT_SETTINGS,
    DecisionKind,
    PersonTaskInputs,
    Rule,
    TaskDecision,
    TaskSettings,
    tasks_for_person,
)

PERSON = "p1"
SATURDAY = date(2026, 3, 7)


def _listed(inputs: PersonTaskInputs, today: date, decisions: tuple = (),
            settings: TaskSettings = DEFAULT_SETTINGS) -> list[tuple[Rule, date, bool]]:
    return [(t.rule, t.due_on, t.overdue(today))
            for t in tasks_for_person(inputs, today, decisions, settings)]


def _referral(sent_on: date = SATURDAY) -> Referral:
    return Referral("r1", PERSON, ReferralService.HOUSING, "No fixed abode on release",
                    sent_on, "w1", "0001")


def _update(status: ReferralStatus, on: date, stamp: str, note: str = "") -> ReferralUpdate:
    return ReferralUpdate(f"u{stamp}", "r1", PERSON, status, on, "w1", stamp, note)


def test_an_unanswered_referral_is_chased_after_14_days_on_the_next_working_day() -> None:
    inputs = PersonTaskInputs(PERSON, referrals=(_referral(),))
    monday = date(2026, 3, 23)  # 14 days after the Saturday is a Saturday: chase on Monday

    assert _listed(inputs, date(2026, 3, 22)) == []
    assert _listed(inputs, monday) == [(Rule.REFERRAL_UNANSWERED, monday, False)]
    assert _listed(inputs, date(2026, 3, 24)) == [(Rule.REFERRAL_UNANSWERED, monday, True)]
    assert "Housing services" in tasks_for_person(inputs, monday)[0].what


def test_a_chase_that_falls_on_a_bank_holiday_waits_for_the_day_after() -> None:
    easter = TaskSettings(holidays=frozenset({date(2026, 4, 3), date(2026, 4, 6)}))
    inputs = PersonTaskInputs(PERSON, referrals=(_referral(date(2026, 3, 23)),))

    assert _listed(inputs, date(2026, 4, 6), settings=easter) == []
    assert _listed(inputs, date(2026, 4, 7), settings=easter) == [
        (Rule.REFERRAL_UNANSWERED, date(2026, 4, 7), False)]


def test_an_acknowledgement_restarts_the_wait_and_an_answer_ends_it() -> None:
    referral = _referral()
    acknowledged = _update(ReferralStatus.ACKNOWLEDGED, date(2026, 3, 24), "0002")
    inputs = PersonTaskInputs(PERSON, referrals=(referral,), referral_updates=(acknowledged,))
    chased = TaskDecision("d1", tasks_for_person(PersonTaskInputs(
        PERSON, referrals=(referral,)), date(2026, 3, 23))[0].key, PERSON,
        DecisionKind.COMPLETED, "w1", date(2026, 3, 23), "0001")

    assert _listed(inputs, date(2026, 4, 6), (chased,)) == []
    assert _listed(inputs, date(2026, 4, 7), (chased,)) == [
        (Rule.REFERRAL_UNANSWERED, date(2026, 4, 7), False)]
    assert "acknowledged 24/03/2026" in tasks_for_person(inputs, date(2026, 4, 7))[0].why
    accepted = replace(inputs, referral_updates=(
        acknowledged, _update(ReferralStatus.ACCEPTED, date(2026, 4, 8), "0003")))
    assert _listed(accepted, date(2026, 4, 9)) == []


FRIDAY = date(2026, 3, 6)
MONDAY = date(2026, 3, 9)


def _booking(**changes: object) -> Appointment:
    booking = Appointment("a1", PERSON, FRIDAY, time(10, 30), "Chelmsford hub", "Dr Rao",
                          "Prescribing review", "w1", "0001")
    return replace(booking, **changes)


def _outcome(outcome: Outcome, stamp: str, supersedes: str | None = None
             ) -> AppointmentOutcome:
    return AppointmentOutcome(f"o{stamp}", "a1", PERSON, outcome, FRIDAY, "w1", stamp,
                              supersedes=supersedes)


def test_an_appointment_with_no_outcome_is_a_task_from_the_day_after_due_next_working_day(
        ) -> None:
    inputs = PersonTaskInputs(PERSON, appointments=(_booking(),))

    assert _listed(inputs, FRIDAY) == []
    for day in (SATURDAY, date(2026, 3, 8), MONDAY):
        assert _listed(inputs, day) == [(Rule.APPOINTMENT_OUTCOME, MONDAY, False)]
    assert _listed(inputs, date(2026, 3, 10)) == [(Rule.APPOINTMENT_OUTCOME, MONDAY, True)]
    attended = replace(inputs, appointment_outcomes=(_outcome(Outcome.ATTENDED, "0002"),))
    assert _listed(attended, date(2026, 3, 10)) == []


def test_a_missed_appointment_is_followed_up_until_it_is_rebooked() -> None:
    missed = PersonTaskInputs(PERSON, appointments=(_booking(),),
                              appointment_outcomes=(_outcome(Outcome.DID_NOT_ATTEND, "0002"),))

    assert _listed(missed, FRIDAY) == [(Rule.APPOINTMENT_MISSED, MONDAY, False)]
    assert _listed(missed, date(2026, 3, 10)) == [(Rule.APPOINTMENT_MISSED, MONDAY, True)]
    rebooked = replace(missed, appointments=(
        _booking(), _booking(id="a2", on=date(2026, 3, 13), follows_up="a1")))
    assert _listed(rebooked, date(2026, 3, 10)) == []


def test_a_missed_appointment_corrected_to_attended_or_completed_asks_nothing() -> None:
    missed = PersonTaskInputs(PERSON, appointments=(_booking(),),
                              appointment_outcomes=(_outcome(Outcome.DID_NOT_ATTEND, "0002"),))
    key = tasks_for_person(missed, FRIDAY)[0].key
    done = TaskDecision("d1", key, PERSON, DecisionKind.COMPLETED, "w1", MONDAY, "0003",
                        "Rang them: rebooking at the hub's drop-in")
    assert _listed(missed, date(2026, 3, 10), (done,)) == []

    corrected = replace(missed, appointment_outcomes=(
        _outcome(Outcome.DID_NOT_ATTEND, "0002"), _outcome(Outcome.ATTENDED, "0004", "o0002")))
    assert _listed(corrected, date(2026, 3, 10)) == []
    cancelled = replace(missed, appointment_outcomes=(_outcome(Outcome.CANCELLED, "0002"),))
    assert _listed(cancelled, date(2026, 3, 10)) == []
