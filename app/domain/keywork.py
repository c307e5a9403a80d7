"""Key-work sessions: the structured time a worker spends with a person.

A session is a dated, append-only record (a correction supersedes it). It names the
care-plan goals it worked on by their text and the plan version they came from: plan
goals have no ids of their own, and a later plan version may reword them, so the session
keeps what was worked on as it stood that day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.domain.journey.kinds import Setting

SHORTEST_MINUTES = 1
LONGEST_MINUTES = 480  # a working day: longer is a typo (4800 for 48)
# Back-entry covers a worker's leave; older sessions are more likely a mistyped year.
BACK_ENTRY_DAYS = 365
MAX_NOTES = 20_000
MAX_GOALS = 12  # careplan.MAX_GOALS: a session cannot work on more goals than a plan has


class SessionType(StrEnum):
    ONE_TO_ONE = "one_to_one"
    GROUP = "group"
    PHONE = "phone"
    IN_CELL = "in_cell"


SESSION_TYPE_LABELS = {
    SessionType.ONE_TO_ONE: "One-to-one", SessionType.GROUP: "Group",
    SessionType.PHONE: "Phone", SessionType.IN_CELL: "In a cell",
}
# Where each type can happen: a cell is in a custody suite or a prison; groups do not
# run in police custody.
_TYPE_SETTINGS = {
    SessionType.IN_CELL: frozenset({Setting.CUSTODY, Setting.PRISON}),
    SessionType.GROUP: frozenset({Setting.PRISON, Setting.COMMUNITY, Setting.COURT}),
}
SESSION_SETTINGS = frozenset(Setting) - {Setting.UNKNOWN}


@dataclass(frozen=True)
class KeyWorkSession:
    id: str
    person_id: str
    held_on: date
    setting: Setting
    minutes: int
    session_type: SessionType
    notes: str  # encrypted at rest like every other column
    goals: tuple[str, ...] = ()  # care-plan goal texts worked on
    care_plan_version_id: str | None = None  # the plan the goals were read from
    recorded_by: str = ""
    recorded_hlc: str = ""
    supersedes: str | None = None

    def sort_key(self) -> tuple[date, str, str]:
        return self.held_on, self.recorded_hlc, self.id


def check(session: KeyWorkSession, *, today: date,
          plan_goals: Iterable[str] | None = None) -> dict[str, str]:
    """Problems keyed by field; empty when the session can be saved. With `plan_goals`
    (the goals of `care_plan_version_id`) each goal named must be one of them."""
    problems: dict[str, str] = {}
    _check_day(session.held_on, today, problems)
    if not SHORTEST_MINUTES <= session.minutes <= LONGEST_MINUTES:
        problems["minutes"] = (f"{session.minutes} minutes is not a session length. Enter "
                               f"{SHORTEST_MINUTES} to {LONGEST_MINUTES} minutes (8 hours).")
    _check_where(session, problems)
    if len(session.notes) > MAX_NOTES:
        problems["notes"] = f"The notes are too long. Keep them under {MAX_NOTES:,} characters."
    _check_goals(session, plan_goals, problems)
    if not session.recorded_by.strip():
        problems["recorded_by"] = "The session must say who recorded it. Sign in again."
    return problems


def _check_day(held_on: date, today: date, problems: dict[str, str]) -> None:
    if held_on > today:
        problems["held_on"] = (f"{held_on:%d/%m/%Y} is after today. Record a session once it "
                               "has happened; book an appointment for one to come.")
    elif held_on < today - timedelta(days=BACK_ENTRY_DAYS):
        problems["held_on"] = f"{held_on:%d/%m/%Y} is over a year ago. Check the year."


def _check_where(session: KeyWorkSession, problems: dict[str, str]) -> None:
    if session.setting not in SESSION_SETTINGS:
        problems["setting"] = "Choose where it was: custody, court, prison or community."
        return
    allowed = _TYPE_SETTINGS.get(session.session_type)
    if allowed is not None and session.setting not in allowed:
        label = SESSION_TYPE_LABELS[session.session_type].lower()
        places = " or ".join(sorted(s.value for s in allowed))
        problems["session_type"] = (f"A session {label} cannot be held in "
                                    f"{session.setting.value}. Choose {places}, or "
                                    "another type.")


def _check_goals(session: KeyWorkSession, plan_goals: Iterable[str] | None,
                 problems: dict[str, str]) -> None:
    if len(session.goals) > MAX_GOALS:
        problems["goals"] = f"Choose at most {MAX_GOALS} goals."
    elif len(set(session.goals)) != len(session.goals):
        problems["goals"] = "A goal is chosen twice. Choose each goal once."
    elif session.goals and session.care_plan_version_id is None:
        problems["goals"] = "Goals must come from their care plan. Choose them from the plan."
    elif plan_goals is not None and not set(session.goals) <= set(plan_goals):
        problems["goals"] = ("A goal is not in their care plan (it may have been reworded). "
                             "Choose the goals again from the current plan.")


def standing(sessions: Iterable[KeyWorkSession]) -> list[KeyWorkSession]:
    """The sessions that stand, newest first: the list on the person's record."""
    sessions = list(sessions)
    replaced = {s.supersedes for s in sessions if s.supersedes}
    return sorted((s for s in sessions if s.id not in replaced), key=KeyWorkSession.sort_key,
                  reverse=True)


def minutes_between(sessions: Iterable[KeyWorkSession], first: date, last: date) -> int:
    """Time spent with the person in a period, both days included (for reports)."""
    return sum(s.minutes for s in standing(sessions) if first <= s.held_on <= last)


def goals_worked_on(sessions: Iterable[KeyWorkSession]) -> dict[str, date]:
    """Each goal text and the last day a session worked on it: shown beside the plan."""
    last: dict[str, date] = {}
    for session in reversed(standing(sessions)):
        for goal in session.goals:
            last[goal] = session.held_on
    return last
