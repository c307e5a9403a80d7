"""Tasks from the living record: handovers to accept, care-plan and consent reviews,
assessment sections gone out of date, and outcome forms (the hook issue 21 fills)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from app.domain.consent import ConsentRecord
from app.domain.journey.handover import Handover
from app.domain.tasks.inputs import OutcomeFormDue, PersonTaskInputs, TaskSettings
from app.domain.tasks.model import Rule, Task, task_key
from app.domain.tasks.text import uk, weekday_short

CARE_PLAN_LEAD = timedelta(days=14)  # time to book the review with them
CONSENT_LEAD = timedelta(days=28)  # asked at a contact, and contacts may be monthly
FORM_LEAD = timedelta(days=14)  # TOP's review window opens before its due day
_DAY = timedelta(days=1)


def handover_tasks(inputs: PersonTaskInputs, settings: TaskSettings) -> Iterator[Task]:
    for handover in inputs.handovers:
        if not handover.accepted:
            yield _handover(handover)


def _handover(handover: Handover) -> Task:
    return Task(
        key=task_key(Rule.HANDOVER, handover.person_id, handover.id), rule=Rule.HANDOVER,
        person_id=handover.person_id, what=f"Accept the handover from {handover.from_team}",
        due_on=handover.accept_by, shows_from=handover.created_on, team=handover.to_team,
        why=f"Handed over on {uk(handover.created_on)} ({handover.reason.value}); "
            f"two working days to accept, by {weekday_short(handover.accept_by)}.")


def care_plan_tasks(inputs: PersonTaskInputs, settings: TaskSettings) -> Iterator[Task]:
    plan = inputs.care_plan
    if plan is None:
        return
    yield Task(
        key=task_key(Rule.CARE_PLAN_REVIEW, inputs.person_id, plan.version_id, plan.review_on),
        rule=Rule.CARE_PLAN_REVIEW, person_id=inputs.person_id,
        what="Review the care plan with them", due_on=plan.review_on,
        shows_from=plan.review_on - CARE_PLAN_LEAD,
        why=f"The signed plan set its review for {uk(plan.review_on)}.")


def consent_tasks(inputs: PersonTaskInputs, settings: TaskSettings) -> Iterator[Task]:
    for record in inputs.consents:
        if record.review_on is None:
            continue
        until = record.withdrawn_on - _DAY if record.withdrawn_on else None
        if until is None or until >= record.review_on - CONSENT_LEAD:
            yield _consent(inputs.person_id, record, record.review_on, until)


def _consent(person_id: str, record: ConsentRecord, review_on: date, until: date | None
             ) -> Task:
    agency = record.agency.value.replace("_", " ")
    source = f"{record.agency.value}/{record.given_on.isoformat()}"
    return Task(
        key=task_key(Rule.CONSENT_REVIEW, person_id, source, review_on),
        rule=Rule.CONSENT_REVIEW, person_id=person_id,
        what=f"Check their consent to share with {agency}", due_on=review_on,
        shows_from=review_on - CONSENT_LEAD, shows_until=until,
        why=f"Given {uk(record.given_on)}, to be checked again by {uk(review_on)}.")


def stale_section_tasks(inputs: PersonTaskInputs, settings: TaskSettings) -> Iterator[Task]:
    """One task per person, listed while they are seen recently, from the day the first
    section went out of date (keyed by that day: confirming it makes the next one new)."""
    if inputs.last_seen_on is None:
        return
    since = _stale_since(inputs, settings.stale_section_days)
    until = inputs.last_seen_on + timedelta(days=settings.seen_recently_days)
    if since is None or since > until:
        return
    yield Task(
        key=task_key(Rule.STALE_SECTIONS, inputs.person_id, "assessment", since),
        rule=Rule.STALE_SECTIONS, person_id=inputs.person_id,
        what="Check their assessment with them: sections are out of date", due_on=since,
        shows_from=since, shows_until=until,
        why=f"Not confirmed in {settings.stale_section_days} days; last seen "
            f"{uk(inputs.last_seen_on)}.")


def _stale_since(inputs: PersonTaskInputs, max_age_days: int) -> date | None:
    """The first day a section counts as stale (assessment.stale_sections: older than
    `max_age_days`); a section never confirmed is stale from the day the record was made."""
    never = inputs.known_since or inputs.last_seen_on
    days = []
    for section in inputs.section_ids or tuple(inputs.confirmed_on):
        confirmed = inputs.confirmed_on.get(section)
        days.append(never if confirmed is None
                    else confirmed + timedelta(days=max_age_days + 1))
    return min((d for d in days if d is not None), default=None)


def outcome_form_tasks(inputs: PersonTaskInputs, settings: TaskSettings) -> Iterator[Task]:
    """The hook for issue 21: its scheduler lists the forms due, this lists them as tasks."""
    for due in inputs.outcome_forms_due:
        yield _outcome_form(inputs.person_id, due)


def _outcome_form(person_id: str, due: OutcomeFormDue) -> Task:
    return Task(
        key=task_key(Rule.OUTCOME_FORM, person_id, due.source_id, due.due_on),
        rule=Rule.OUTCOME_FORM, person_id=person_id, what=f"Complete the {due.form} with them",
        due_on=due.due_on, shows_from=due.opens_on or due.due_on - FORM_LEAD,
        shows_until=due.closes_on, why=f"Due {uk(due.due_on)}.")
