"""A task: something a worker must do for a person, by a day, and why.

Tasks are never stored. They are computed from the record each time the list is shown,
so a sync that brings a new event, outcome or answer corrects the list everywhere. What
is stored and synced is a worker's decision about a task (tasks.decisions), matched to
the task by its key; the key is therefore built only from what identifies the work in
the record, never from a database position or the day the list was computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Rule(StrEnum):
    """Which rule made a task; also the first part of its key, so never rename a value."""

    RA_TELL_POLICE = "ra_tell_police"
    RA_BOOK_INITIAL = "ra_book_initial"
    RA_APPOINTMENT = "ra_appointment"
    RA_GIVE_FOLLOW_UP = "ra_give_follow_up"
    COURT = "court"
    RELEASE = "release"
    HANDOVER = "handover"
    CARE_PLAN_REVIEW = "care_plan_review"
    STALE_SECTIONS = "stale_sections"
    CONSENT_REVIEW = "consent_review"
    REFERRAL_UNANSWERED = "referral_unanswered"
    APPOINTMENT_OUTCOME = "appointment_outcome"
    APPOINTMENT_MISSED = "appointment_missed"
    OUTCOME_FORM = "outcome_form"


# Missing a Required Assessment is an offence the assessor must report: that step heads
# every list, whatever else is older.
URGENT_RULES = frozenset({Rule.RA_TELL_POLICE})


def task_key(rule: Rule, person_id: str, source: str, due_on: date | None = None) -> str:
    """`rule:person:source[:due]`. Add the due day where a new day means new work (a
    review moved on, a new release date): a decision on the old day must not close it."""
    parts = [rule.value, person_id, source]
    if due_on is not None:
        parts.append(due_on.isoformat())
    return ":".join(parts)


@dataclass(frozen=True)
class Task:
    key: str
    rule: Rule
    person_id: str
    what: str  # one line, plain words: what to do
    due_on: date
    why: str  # one line: what in the record makes it due
    shows_from: date  # the first day it is listed (some deadlines are seen coming)
    shows_until: date | None = None  # the last day it is listed; None: until it is done
    team: str = ""  # the team that must act when it is not the person's own (a handover)

    @property
    def urgent(self) -> bool:
        return self.rule in URGENT_RULES

    def overdue(self, today: date) -> bool:
        """Its day has ended and it is still listed."""
        return today > self.due_on

    def due_today(self, today: date) -> bool:
        return today == self.due_on

    def shows_on(self, today: date) -> bool:
        return self.shows_from <= today and (self.shows_until is None
                                             or today <= self.shows_until)
