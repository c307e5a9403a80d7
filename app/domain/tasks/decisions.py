"""A worker's decision on a task: done, dismissed (with a reason), or opened again.

Decisions are the only part of the task list that is stored and synced. Each is an
append-only row naming a task by its key; the latest by clock stamp stands, so two
laptops that decided offline agree after a sync, and a mistaken decision is undone by a
newer one (`REOPENED`) rather than by editing it. A task whose source moves on (a new due
day) has a new key, so an old decision no longer closes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.tasks.model import Task

MAX_REASON = 500


class DecisionKind(StrEnum):
    COMPLETED = "completed"
    DISMISSED = "dismissed"  # not needed: a reason says why, for colleagues and the audit
    REOPENED = "reopened"  # a completion or dismissal made by mistake


CLOSING = frozenset({DecisionKind.COMPLETED, DecisionKind.DISMISSED})


@dataclass(frozen=True)
class TaskDecision:
    id: str
    task_key: str
    person_id: str
    kind: DecisionKind
    decided_by: str
    decided_on: date
    decided_hlc: str  # orders decisions across laptops; wall clocks never decide
    reason: str = ""

    def order(self) -> tuple[str, str]:
        return self.decided_hlc, self.id


def check(decision: TaskDecision, *, today: date, task: Task | None = None) -> dict[str, str]:
    """Problems keyed by field; empty when the decision can be saved."""
    problems: dict[str, str] = {}
    if decision.kind is DecisionKind.DISMISSED and not decision.reason.strip():
        problems["reason"] = ("Say why this task is not needed, in a few words: colleagues "
                              "see it on their laptops.")
    if len(decision.reason) > MAX_REASON:
        problems["reason"] = f"Keep the reason under {MAX_REASON} characters."
    if not decision.decided_by.strip():
        problems["decided_by"] = "The decision must say who made it. Sign in again."
    if decision.decided_on > today:
        problems["decided_on"] = "A task cannot be decided on a day still to come."
    if task is not None and (task.key != decision.task_key
                             or task.person_id != decision.person_id):
        problems["task_key"] = "This decision is for another task. Choose the task again."
    return problems


def latest_decisions(decisions: Iterable[TaskDecision]) -> dict[str, TaskDecision]:
    """The decision that stands for each task key."""
    latest: dict[str, TaskDecision] = {}
    for decision in decisions:
        held = latest.get(decision.task_key)
        if held is None or decision.order() > held.order():
            latest[decision.task_key] = decision
    return latest


def closed_keys(decisions: Iterable[TaskDecision]) -> frozenset[str]:
    """Keys of the tasks whose standing decision is completed or dismissed."""
    return frozenset(key for key, d in latest_decisions(decisions).items()
                     if d.kind in CLOSING)
