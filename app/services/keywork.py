"""Key-work sessions: what was done with the person, for how long, towards which goals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain import keywork as rules
from app.domain.audit import AuditAction
from app.domain.journey.kinds import Setting
from app.domain.keywork import KeyWorkSession, SessionType
from app.services.errors import InvalidInput, NotFound
from app.services.session import WorkerSession
from app.store.careplan_repo import CarePlanRepository
from app.store.people_repo import PeopleRepository
from app.store.work_repo import WorkRepository


@dataclass(frozen=True)
class SessionInput:
    held_on: date
    setting: Setting
    minutes: int
    session_type: SessionType
    notes: str
    goals: tuple[str, ...] = ()  # goal texts from the current care plan
    supersedes: str | None = None


def record(*, session: WorkerSession, person_id: str, typed: SessionInput,
           today: date | None = None) -> KeyWorkSession:
    today = today or date.today()
    with session.transaction() as db:
        if not PeopleRepository(db).exists(person_id):
            raise NotFound("That person")
        work = WorkRepository(db, session.context, session.worker.full_name)
        if typed.supersedes and typed.supersedes not in {s.id for s in work.sessions(person_id)}:
            raise InvalidInput({"held_on": "The session being corrected is not this "
                                           "person's. Correct one of their own sessions."})
        versions = CarePlanRepository(db).versions(person_id)
        plan = versions[-1] if versions else None
        given = KeyWorkSession(
            "", person_id, typed.held_on, typed.setting, typed.minutes, typed.session_type,
            typed.notes.strip(), typed.goals, plan.id if plan and typed.goals else None,
            session.worker.full_name, supersedes=typed.supersedes)
        problems = rules.check(given, today=today,
                               plan_goals=plan.content.goals if plan else None)
        if problems:
            raise InvalidInput(problems)
        stored = work.add_session(given)
        session.audit(db, AuditAction.EDIT, record_type="keywork_session",
                      record_id=person_id, detail={"session": stored.id})
    return stored


def of_person(*, session: WorkerSession, person_id: str) -> list[KeyWorkSession]:
    """The sessions that stand, newest first."""
    with session.transaction(read_only=True) as db:
        return rules.standing(WorkRepository(db).sessions(person_id))


def plan_goals(*, session: WorkerSession, person_id: str) -> tuple[str, ...]:
    """The goals a session can work on: the current care plan's."""
    with session.transaction(read_only=True) as db:
        versions = CarePlanRepository(db).versions(person_id)
    return tuple(g for g in versions[-1].content.goals if g.strip()) if versions else ()
