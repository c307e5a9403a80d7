"""Handovers waiting to be accepted and care-plan reviews, as tasks on a moving clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from app.domain.careplan import CarePlanContent, CarePlanVersion, VersionStatus
from app.domain.journey.handover import Handover, HandoverReason
from app.domain.tasks import (
    CarePlanReview,
    DecisionKind,
    PersonTaskInputs,
    Rule,
    TaskDecision,
    care_plan_review,
    tasks_for_person,
)

PERSON = "p1"
FRIDAY = date(2026, 3, 6)
TUESDAY = date(2026, 3, 10)  # two working days after the Friday: the weekend waits


def _listed(inputs: PersonTaskInputs, today: date, decisions: tuple = ()
            ) -> list[tuple[Rule, date, bool]]:
    return [(t.rule, t.due_on, t.overdue(today))
            for t in tasks_for_person(inputs, today, decisions)]


def _handover(accepted_on: date | None = None) -> Handover:
    return Handover("h1", PERSON, "custody-team", "community-team", HandoverReason.RELEASE,
                    FRIDAY, TUESDAY, accepted_on, "w2" if accepted_on else "")


def test_a_handover_waits_over_the_weekend_and_is_overdue_after_its_accept_by_day() -> None:
    inputs = PersonTaskInputs(PERSON, handovers=(_handover(),))

    assert _listed(inputs, date(2026, 3, 5)) == []
    for day in (FRIDAY, date(2026, 3, 7), date(2026, 3, 8), TUESDAY):
        assert _listed(inputs, day) == [(Rule.HANDOVER, TUESDAY, False)]
    assert _listed(inputs, date(2026, 3, 11)) == [(Rule.HANDOVER, TUESDAY, True)]
    task = tasks_for_person(inputs, FRIDAY)[0]
    assert task.team == "community-team" and "custody-team" in task.what


def test_an_accepted_handover_is_no_task_once_the_acceptance_syncs() -> None:
    accepted = PersonTaskInputs(PERSON, handovers=(_handover(accepted_on=date(2026, 3, 9)),))

    assert _listed(accepted, date(2026, 3, 11)) == []


REVIEW = date(2026, 4, 1)


def test_a_care_plan_review_shows_two_weeks_ahead_and_is_overdue_after_its_day() -> None:
    inputs = PersonTaskInputs(PERSON, care_plan=CarePlanReview("v1", REVIEW))

    assert _listed(inputs, date(2026, 3, 17)) == []
    assert _listed(inputs, date(2026, 3, 18)) == [(Rule.CARE_PLAN_REVIEW, REVIEW, False)]
    assert _listed(inputs, REVIEW) == [(Rule.CARE_PLAN_REVIEW, REVIEW, False)]
    assert _listed(inputs, date(2026, 4, 2)) == [(Rule.CARE_PLAN_REVIEW, REVIEW, True)]


def test_a_completed_review_stays_closed_until_a_new_plan_sets_another_date() -> None:
    inputs = PersonTaskInputs(PERSON, care_plan=CarePlanReview("v1", REVIEW))
    key = tasks_for_person(inputs, REVIEW)[0].key
    done = TaskDecision("d1", key, PERSON, DecisionKind.COMPLETED, "w1", REVIEW, "0001")

    assert _listed(inputs, date(2026, 4, 2), (done,)) == []
    renewed = replace(inputs, care_plan=CarePlanReview("v2", date(2026, 7, 1)))
    assert _listed(renewed, date(2026, 6, 17), (done,)) == [
        (Rule.CARE_PLAN_REVIEW, date(2026, 7, 1), False)]


def _version(number: int, status: VersionStatus, review: date | None) -> CarePlanVersion:
    return CarePlanVersion(f"v{number}", PERSON, number, status,
                           CarePlanContent(goals=("Stay housed",), review_date=review))


def test_the_review_date_is_the_latest_signed_versions_not_a_drafts() -> None:
    versions = [_version(1, VersionStatus.SIGNED, date(2026, 4, 1)),
                _version(2, VersionStatus.SIGNED, date(2026, 5, 1)),
                _version(3, VersionStatus.DRAFT, date(2026, 9, 1))]

    assert care_plan_review(versions) == CarePlanReview("v2", date(2026, 5, 1))
    assert care_plan_review([_version(1, VersionStatus.DRAFT, REVIEW)]) is None
    assert care_plan_review([_version(1, VersionStatus.SIGNED, None)]) is None
