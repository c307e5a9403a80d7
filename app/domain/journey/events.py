"""Journey events: dated, append-only facts about a person, in every setting.

An event is never edited. A correction is a new event that names the one it supersedes;
the wrong one stays in the history (shown struck through) and drops out of everything
derived. Two laptops recording events for one person offline both keep theirs: events
are separate rows, so there is nothing to merge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.domain.errors import InvalidValue
from app.domain.journey.kinds import KINDS, Detail, DetailType, Kind, KindDef

DetailValue = str | int | bool | None
_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]\Z")
_MAX_TEXT = 500
# Kinds that may be dated ahead: a hearing listed, an appointment booked.
_MAY_BE_AHEAD = {Kind.COURT_HEARING, Kind.APPOINTMENT}


class InvalidEvent(InvalidValue):
    """A journey event cannot be recorded as typed."""


@dataclass(frozen=True)
class JourneyEvent:
    id: str
    person_id: str
    kind: Kind
    occurred_on: date
    place: str = ""
    details: Mapping[str, DetailValue] = field(default_factory=dict)
    supersedes: str | None = None
    recorded_by: str = ""
    recorded_hlc: str = ""  # the recording device's clock stamp: orders events of one day

    @property
    def definition(self) -> KindDef:
        return KINDS[self.kind]

    def text(self, name: str) -> str:
        value = self.details.get(name)
        return "" if value is None else str(value)

    def day(self, name: str) -> date | None:
        """A date detail, or None if absent or unreadable: an event from a newer or faulty
        laptop must never stop a record from opening."""
        value = self.details.get(name)
        if not isinstance(value, str) or not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None

    def sort_key(self) -> tuple[date, str, str]:
        return self.occurred_on, self.recorded_hlc, self.id


def effective(events: Iterable[JourneyEvent]) -> list[JourneyEvent]:
    """The events that stand, oldest first: none superseded, no withdrawal itself."""
    events = list(events)
    superseded = {e.supersedes for e in events if e.supersedes}
    return sorted((e for e in events if e.id not in superseded
                   and e.kind is not Kind.ENTERED_IN_ERROR), key=JourneyEvent.sort_key)


def superseded_by(events: Iterable[JourneyEvent]) -> dict[str, JourneyEvent]:
    """Which event replaced each wrong one: the timeline strikes those through."""
    return {e.supersedes: e for e in events if e.supersedes}


def check(event: JourneyEvent, *, today: date, known: Mapping[str, JourneyEvent] | None = None,
          value_sets: Mapping[str, set[str]] | None = None) -> None:
    """Raise InvalidEvent, saying what to fix, unless the event can be recorded."""
    definition = event.definition
    if event.occurred_on > today and event.kind not in _MAY_BE_AHEAD:
        raise InvalidEvent(f"{definition.label} is dated {event.occurred_on:%d/%m/%Y}, "
                           "after today.", "Record it once it has happened.", field="occurred_on")
    _check_supersedes(event, known)
    unknown = set(event.details) - {d.name for d in definition.details}
    if unknown:
        raise InvalidEvent(f"{definition.label} has no detail called {sorted(unknown)[0]}.",
                           "Leave it out.", field=sorted(unknown)[0])
    for detail in definition.details:
        _check_detail(detail, event.details.get(detail.name), value_sets or {})
    if len(event.place) > _MAX_TEXT:
        raise InvalidEvent("The place is too long.", f"Keep it under {_MAX_TEXT} characters.",
                           field="place")


def _check_supersedes(event: JourneyEvent, known: Mapping[str, JourneyEvent] | None) -> None:
    if event.kind is Kind.ENTERED_IN_ERROR and not event.supersedes:
        raise InvalidEvent("Nothing is named as entered in error.",
                           "Choose the event that was wrong.", field="supersedes")
    if event.supersedes is None or known is None:
        return
    wrong = known.get(event.supersedes)
    if wrong is None or wrong.person_id != event.person_id:
        raise InvalidEvent("The event being corrected is not on this person's journey.",
                           "Correct an event from their own timeline.", field="supersedes")
    if event.kind not in (wrong.kind, Kind.ENTERED_IN_ERROR):
        raise InvalidEvent(f"A {wrong.definition.label.lower()} can only be corrected by "
                           "another of the same kind.",
                           "Mark it entered in error and record the right event.",
                           field="supersedes")


def _check_detail(detail: Detail, value: Any, value_sets: Mapping[str, set[str]]) -> None:
    if value is None or value == "":
        if detail.required:
            raise InvalidEvent(f"{detail.label} is missing.", "Fill it in.", field=detail.name)
        return
    problem = _problem(detail, value, value_sets)
    if problem:
        raise InvalidEvent(f"{detail.label} {problem}.", "Correct it and save again.",
                           field=detail.name)


def _problem(detail: Detail, value: Any, value_sets: Mapping[str, set[str]]) -> str | None:
    kind = detail.type
    if kind is DetailType.YES_NO:
        return None if isinstance(value, bool) else "must be yes or no"
    if kind is DetailType.WHOLE:
        return None if type(value) is int and 0 <= value <= 1200 else "must be a whole number"
    if not isinstance(value, str):
        return "must be text"
    if kind is DetailType.DATE:
        return None if _is_iso_date(value) else "must be a date"
    if kind is DetailType.TIME:
        return None if _TIME.match(value) else "must be a time such as 09:30"
    if kind is DetailType.CODE:
        if detail.value_set and detail.value_set not in value_sets:
            return None  # checked by the caller that holds the value sets
        allowed = set(detail.choices) or value_sets[detail.value_set]
        return None if value in allowed else "is not one of the choices"
    return None if len(value) <= _MAX_TEXT else f"is longer than {_MAX_TEXT} characters"


def _is_iso_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10
