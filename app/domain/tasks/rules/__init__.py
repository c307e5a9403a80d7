"""The task rules, one small function per kind of work, each reading PersonTaskInputs.

A rule lists every task the record implies whatever the day, each with the days it shows
(`shows_from`, `shows_until`); the listing filters by today. So the list for any day, and
the next day a person's list changes (for the store's index), come from one pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from app.domain.tasks.inputs import PersonTaskInputs, TaskSettings
from app.domain.tasks.model import Task
from app.domain.tasks.rules import court_and_release, record, required_assessment, work

RuleFunction = Callable[[PersonTaskInputs, TaskSettings], Iterable[Task]]

RULES: tuple[RuleFunction, ...] = (
    required_assessment.tasks,
    court_and_release.court_tasks,
    court_and_release.release_tasks,
    record.handover_tasks,
    record.care_plan_tasks,
    record.stale_section_tasks,
    record.consent_tasks,
    work.referral_tasks,
    work.appointment_tasks,
    record.outcome_form_tasks,
)
