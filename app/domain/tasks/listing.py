"""A person's task list on a day, its order, its counts, and the index the store keeps.

The bench target is a worker's list over 100,000 people in 200 ms: too few microseconds
to run the rules for everyone. So the store keeps, per person, the first day on which any
open task shows (`TaskIndex.shows_on`) and the first day one is overdue, recomputed
whenever a sync touches one of the inputs or a decision; the list then runs the rules
only for the worker's people whose `shows_on` has come.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.tasks.decisions import TaskDecision, closed_keys
from app.domain.tasks.inputs import DEFAULT_SETTINGS, PersonTaskInputs, TaskSettings
from app.domain.tasks.model import Task
from app.domain.tasks.rules import RULES


@dataclass(frozen=True)
class TaskCounts:
    listed: int
    overdue: int
    due_today: int


@dataclass(frozen=True)
class TaskIndex:
    """What the store indexes per person: None means nothing will ever show."""

    shows_on: date | None  # the first day from `after` on which an open task shows
    overdue_on: date | None  # the first such day on which one is overdue


def candidate_tasks(inputs: PersonTaskInputs,
                    settings: TaskSettings = DEFAULT_SETTINGS) -> list[Task]:
    """Every task the record implies, whatever the day, before any decision."""
    return [task for rule in RULES for task in rule(inputs, settings)]


def open_tasks(tasks: Iterable[Task], decisions: Iterable[TaskDecision]) -> list[Task]:
    """Tasks not completed or dismissed by the decision that stands for their key."""
    closed = closed_keys(decisions)
    return [task for task in tasks if task.key not in closed]


def tasks_for_person(inputs: PersonTaskInputs, today: date,
                     decisions: Iterable[TaskDecision] = (),
                     settings: TaskSettings = DEFAULT_SETTINGS) -> list[Task]:
    """The person's open tasks listed today, in list order."""
    listed = [t for t in open_tasks(candidate_tasks(inputs, settings), decisions)
              if t.shows_on(today)]
    return sort_tasks(listed, today)


def sort_tasks(tasks: Iterable[Task], today: date) -> list[Task]:
    """Telling the police of a Required Assessment failure first (the law's step nobody
    may miss, due the day of the failure); then overdue; then by due day; then by person
    and key, so every laptop shows the same order."""
    return sorted(tasks, key=lambda t: (not t.urgent, not t.overdue(today), t.due_on,
                                        t.person_id, t.key))


def counts(tasks: Iterable[Task], today: date) -> TaskCounts:
    tasks = list(tasks)
    return TaskCounts(listed=len(tasks), overdue=sum(t.overdue(today) for t in tasks),
                      due_today=sum(t.due_today(today) for t in tasks))


def overdue_count(tasks: Iterable[Task], today: date) -> int:
    """The number on the main window."""
    return sum(t.overdue(today) for t in tasks)


def task_index(inputs: PersonTaskInputs, decisions: Iterable[TaskDecision], after: date,
               settings: TaskSettings = DEFAULT_SETTINGS) -> TaskIndex:
    """The first days, from `after` on, that the person's list shows a task and an
    overdue task. Exact until an input or decision changes (the store recomputes then);
    `after` lets the store move an index on once a window has closed (a stale-sections
    task stops showing when the person is no longer seen)."""
    tasks = open_tasks(candidate_tasks(inputs, settings), decisions)
    return TaskIndex(
        shows_on=_first(_first_shown(t, after) for t in tasks),
        overdue_on=_first(_first_shown(t, max(after, t.due_on + timedelta(days=1)))
                          for t in tasks))


def _first_shown(task: Task, day: date) -> date | None:
    first = max(day, task.shows_from)
    return first if task.shows_until is None or first <= task.shows_until else None


def _first(days: Iterable[date | None]) -> date | None:
    return min((d for d in days if d is not None), default=None)
