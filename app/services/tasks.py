"""The worker's tasks: computed from the record on the day asked, never stored.

Only decisions are stored (done, dismissed with a reason, reopened) and synced, so a task
completed on one laptop is completed on every laptop of the team after their next sync.
The store keeps a per-person index so a list over 100,000 people runs the rules only for
the few whose tasks may show today (app.store.task_inputs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain import tasks as rules
from app.domain.audit import AuditAction
from app.domain.dates import is_young_person
from app.domain.journey.digest import from_digest as journey_from_digest
from app.domain.tasks import DecisionKind, Task, TaskDecision, TaskSettings
from app.domain.tasks.digest import from_digest
from app.services.errors import InvalidInput, NotFound
from app.services.session import WorkerSession
from app.store import task_inputs
from app.store.device import DbSession
from app.store.task_inputs import Candidate
from app.store.work_repo import WorkRepository
from sync.protocol.working_days import bank_holidays

# The team's list reads the most urgent people first and stops here: a laptop holding a
# whole county's records must still open it at once.
TEAM_PEOPLE = 300


@dataclass(frozen=True)
class TaskLine:
    """A task as a list shows it: what, whose, and who holds the person."""

    task: Task
    person_name: str
    key_worker_id: str | None


def settings_for(session: WorkerSession, today: date) -> TaskSettings:
    return TaskSettings(stale_section_days=session.reference.stale_section_days,
                        holidays=bank_holidays(today.year) | bank_holidays(today.year + 1))


def mine(*, session: WorkerSession, today: date | None = None) -> list[TaskLine]:
    """My tasks: for the people allocated to me."""
    return _listed(session, today or date.today(), worker_id=session.worker.id)


def team(*, session: WorkerSession, today: date | None = None) -> list[TaskLine]:
    """Team tasks: everyone on this laptop, the most overdue people first."""
    return _listed(session, today or date.today(), worker_id=None, limit=TEAM_PEOPLE)


def overdue_count(*, session: WorkerSession, today: date | None = None) -> int:
    """The number on the main window: my overdue tasks."""
    today = today or date.today()
    lines = _listed(session, today, worker_id=session.worker.id, overdue_only=True)
    return sum(line.task.overdue(today) for line in lines)


def of_person(*, session: WorkerSession, person_id: str,
              today: date | None = None) -> list[Task]:
    """One person's open tasks today, worked out from the whole record."""
    today = today or date.today()
    with session.transaction(read_only=True) as db:
        inputs = task_inputs.build_inputs(db, [person_id], today).get(person_id)
        decisions = task_inputs.decisions_of(db, [person_id]).get(person_id, [])
    if inputs is None:
        raise NotFound("That person")
    young = inputs.date_of_birth is not None and is_young_person(inputs.date_of_birth, today)
    inputs = rules.PersonTaskInputs(**{
        **inputs.__dict__, "section_ids": session.reference.schema.section_ids_for(young=young)})
    return rules.tasks_for_person(inputs, today, decisions, settings_for(session, today))


def decide(*, session: WorkerSession, task: Task, kind: DecisionKind, reason: str = "",
           today: date | None = None) -> TaskDecision:
    """Done, dismissed (with a reason colleagues will read) or reopened."""
    today = today or date.today()
    given = TaskDecision("", task.key, task.person_id, kind, session.worker.full_name, today,
                         "", reason.strip())
    problems = rules.check_decision(given, today=today, task=task)
    if problems:
        raise InvalidInput(problems)
    with session.transaction() as db:
        stored = WorkRepository(db, session.context, session.worker.full_name
                                ).add_decision(given)
        session.audit(db, AuditAction.EDIT, record_type="task", record_id=task.person_id,
                      detail={"task": task.key, "decision": kind.value})
    return stored


def _listed(session: WorkerSession, today: date, *, worker_id: str | None,
            overdue_only: bool = False, limit: int | None = None) -> list[TaskLine]:
    build_missing(session, today, worker_id)
    with session.transaction(read_only=True) as db:
        found = task_inputs.candidates(db, today, worker_id=worker_id,
                                       overdue_only=overdue_only, limit=limit)
        decisions = task_inputs.decisions_of(db, [c.person_id for c in found])
    settings = settings_for(session, today)
    lines = [TaskLine(task, f"{c.family_name.upper()}, {c.given_name}", c.key_worker_id)
             for c in found for task in rules.tasks_for_person(
                 _inputs(session, c, today), today, decisions.get(c.person_id, ()), settings)]
    by_key = {line.task.key: line for line in lines}
    return [by_key[task.key] for task in rules.sort_tasks(
        [line.task for line in by_key.values()], today)]


def _inputs(session: WorkerSession, found: Candidate, today: date) -> rules.PersonTaskInputs:
    born = date.fromisoformat(found.date_of_birth) if found.date_of_birth else None
    young = born is not None and is_young_person(born, today)
    journey = tuple(journey_from_digest(found.journey_json, found.person_id))
    return from_digest(found.tasks_json, found.person_id, journey,
                       session.reference.schema.section_ids_for(young=young))


def build_missing(session: WorkerSession, today: date, worker_id: str | None = None) -> None:
    """People written to since their digest was built (or never built) are built now,
    before the list reads: one quick indexed look when there are none. `worker_id`: only
    theirs. The status bar's count and My tasks build a worker's own people only: after
    the upgrade that brought task digests, building a whole county's (23 s for 100,000)
    would hold the database lane at the window's first paint; the team's list and the
    lead's desk build the rest when first asked."""
    with session.transaction(read_only=True) as db:
        missing = task_inputs.unbuilt(db, worker_id=worker_id)
    while missing:
        with session.transaction() as db:
            _rebuild(db, missing, today)
            missing = task_inputs.unbuilt(db, worker_id=worker_id)


def _rebuild(db: DbSession, ids: list[str], today: date) -> None:
    for start in range(0, len(ids), 500):
        task_inputs.rebuild(db, ids[start:start + 500], today)
