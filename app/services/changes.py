"""What a write changed, so the window refreshes what shows it, in one place."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Part(StrEnum):
    RECORD = "record"  # a person's details or assessment answers (and so the caseload)
    CONSENT = "consent"
    CARE_PLAN = "care plan"
    JOURNEY = "journey"  # events on the timeline, and what is derived from them (the banner)
    WORK = "work"  # appointments, referrals, key-work sessions and task decisions
    CASELOAD = "caseload"  # who is listed, or how: a new person, a merge
    CONFLICTS = "conflicts"
    SYNC_STATE = "sync state"  # what waits to be sent, what was refused or set aside


@dataclass(frozen=True)
class Changed:
    """Which people, and which parts of what the screens show. No people and `anyone`:
    a sync may have touched anyone."""

    person_ids: frozenset[str] = frozenset()
    parts: frozenset[Part] = frozenset()
    anyone: bool = False

    @classmethod
    def of(cls, person_id: str, *parts: Part) -> Changed:
        """A local write about one person: it waits to be sent, so the sync line moves too."""
        return cls(frozenset({person_id}), frozenset({*parts, Part.SYNC_STATE}))

    @classmethod
    def everything(cls) -> Changed:
        return cls(frozenset(), frozenset(Part), anyone=True)

    def __or__(self, other: Changed) -> Changed:
        return Changed(self.person_ids | other.person_ids, self.parts | other.parts,
                       self.anyone or other.anyone)

    def __bool__(self) -> bool:
        return bool(self.parts)

    def touches(self, person_id: str) -> bool:
        return self.anyone or person_id in self.person_ids


NOTHING = Changed()
