"""The task digest keeps exactly what makes tasks: the same list comes back from it."""

from __future__ import annotations

from datetime import date, time

from app.domain.appointments import Appointment, AppointmentOutcome, Outcome
from app.domain.consent import ConsentRecord, PartnerAgency
from app.domain.journey.handover import Handover, HandoverReason
from app.domain.referrals import Referral, ReferralService, ReferralStatus, ReferralUpdate
from app.domain.tasks import CarePlanReview, OutcomeFormDue, PersonTaskInputs, candidate_tasks
from app.domain.tasks.digest import from_digest, to_digest

P = "p1"


def _booking(id_: str, on: date, follows_up: str | None = None) -> Appointment:
    return Appointment(id_, P, on, time(9, 15), "Hub", "Dr Rao", "Script review", "w1",
                       f"{id_}-1", follows_up)


def _outcome(appointment: str, outcome: Outcome) -> AppointmentOutcome:
    return AppointmentOutcome(f"o-{appointment}", appointment, P, outcome, date(2026, 3, 2),
                              "w1", f"o-{appointment}-1")


def _busy_person() -> PersonTaskInputs:
    referrals = (Referral("r1", P, ReferralService.HOUSING, "Homeless", date(2026, 2, 2), "w1"),
                 Referral("r2", P, ReferralService.GP, "Register", date(2026, 2, 2), "w1"))
    return PersonTaskInputs(
        P, date_of_birth=date(1990, 1, 1),
        handovers=(Handover("h1", P, "custody", "community", HandoverReason.RELEASE,
                            date(2026, 3, 6), date(2026, 3, 10)),
                   Handover("h0", P, "prison", "custody", HandoverReason.MOVE,
                            date(2026, 1, 6), date(2026, 1, 8), date(2026, 1, 7), "w2")),
        care_plan=CarePlanReview("v3", date(2026, 4, 1)), section_ids=("drugs", "health"),
        confirmed_on={"drugs": date(2025, 11, 2)}, known_since=date(2025, 6, 1),
        last_seen_on=date(2026, 3, 2),
        consents=(ConsentRecord(PartnerAgency.HOUSING, date(2025, 6, 1), "w1",
                                review_on=date(2026, 6, 1)),
                  ConsentRecord(PartnerAgency.POLICE, date(2025, 6, 1), "w1")),
        referrals=referrals,
        referral_updates=(ReferralUpdate("u1", "r1", P, ReferralStatus.ACKNOWLEDGED,
                                         date(2026, 2, 9), "w1", "0002"),
                          ReferralUpdate("u2", "r2", P, ReferralStatus.ACCEPTED,
                                         date(2026, 2, 9), "w1", "0003")),
        appointments=(_booking("a1", date(2026, 3, 2)), _booking("a2", date(2026, 3, 3)),
                      _booking("a3", date(2026, 3, 4)), _booking("a4", date(2026, 3, 5)),
                      _booking("a5", date(2026, 3, 20), follows_up="a4")),
        appointment_outcomes=(_outcome("a2", Outcome.ATTENDED),
                              _outcome("a3", Outcome.DID_NOT_ATTEND),
                              _outcome("a4", Outcome.DID_NOT_ATTEND)),
        outcome_forms_due=(OutcomeFormDue("episode-1", "TOP review", date(2026, 5, 1)),))


def test_the_same_tasks_come_back_from_the_digest() -> None:
    inputs = _busy_person()
    back = from_digest(to_digest(inputs), P, section_ids=inputs.section_ids)

    assert candidate_tasks(back) == candidate_tasks(inputs)
    assert len(candidate_tasks(inputs)) == 9  # handover, plan, stale, consent, r1, a1, a3, a5, form


def test_what_can_no_longer_make_a_task_is_left_out() -> None:
    back = from_digest(to_digest(_busy_person()), P)

    assert [h.id for h in back.handovers] == ["h1"]
    assert [r.id for r in back.referrals] == ["r1"]
    assert [a.id for a in back.appointments] == ["a1", "a3", "a5"]  # a5: yet to come
    assert [c.agency for c in back.consents] == [PartnerAgency.HOUSING]


def test_an_empty_digest_is_a_person_with_nothing_to_do() -> None:
    assert candidate_tasks(from_digest("", P)) == []
    assert candidate_tasks(from_digest(to_digest(PersonTaskInputs(P)), P)) == []
