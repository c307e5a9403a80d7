"""The worker's tasks, computed from the record and never stored.

`tasks_for_person(inputs, today, decisions)` lists what is due; a worker's decision
(completed, dismissed with a reason) is the only thing stored and synced, matched to a
task by its key. Rules live in `tasks.rules`, one small function per kind of work.
"""

from app.domain.tasks.decisions import (
    DecisionKind,
    TaskDecision,
    closed_keys,
    latest_decisions,
)
from app.domain.tasks.decisions import check as check_decision
from app.domain.tasks.inputs import (
    DEFAULT_SETTINGS,
    CarePlanReview,
    OutcomeFormDue,
    PersonTaskInputs,
    TaskSettings,
    care_plan_review,
)
from app.domain.tasks.listing import (
    TaskCounts,
    TaskIndex,
    candidate_tasks,
    counts,
    open_tasks,
    overdue_count,
    sort_tasks,
    task_index,
    tasks_for_person,
)
from app.domain.tasks.model import Rule, Task, task_key

__all__ = [
    "DEFAULT_SETTINGS",
    "CarePlanReview",
    "DecisionKind",
    "OutcomeFormDue",
    "PersonTaskInputs",
    "Rule",
    "Task",
    "TaskCounts",
    "TaskDecision",
    "TaskIndex",
    "TaskSettings",
    "candidate_tasks",
    "care_plan_review",
    "check_decision",
    "closed_keys",
    "counts",
    "latest_decisions",
    "open_tasks",
    "overdue_count",
    "sort_tasks",
    "task_index",
    "task_key",
    "tasks_for_person",
]
