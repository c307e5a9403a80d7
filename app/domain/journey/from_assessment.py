"""The journey as the assessment recorded it before there was a journey.

The criminal-justice section once held the latest arrest, court date and release date,
typed by hand and overwritten each time. Those answers become the first events of the
person's timeline, read from the assessment as it stands (ids made from the person and
the answer), so every laptop shows the same events and nothing is pushed twice. The
fields themselves are retired from the form: from now on these are journey events.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date

from app.domain.assessment.fields import Value
from app.domain.journey.events import JourneyEvent
from app.domain.journey.kinds import Kind

# Ids made from the person and the kind: every laptop makes the same, and a correction
# (a synced event naming the one it supersedes) can name one like any other event.
_FROM_ASSESSMENT = uuid.UUID("0b6f1a52-4e2c-4d0e-9f3b-6c1d2e3a4b5c")
SECTION = "criminal_justice"  # its retired fields (FieldDef.retired) are read here


def event_id(person_id: str, kind: Kind) -> str:
    return str(uuid.uuid5(_FROM_ASSESSMENT, f"{person_id}|{kind.value}"))


def is_from_assessment(event: JourneyEvent) -> bool:
    return event.id == event_id(event.person_id, event.kind)


def events_from_assessment(person_id: str, answers: Mapping[str, Value], today: date,
                           recorded_by: str = "the assessment") -> list[JourneyEvent]:
    """The answers as events, for a timeline whose recorded events do not say the same.

    `answers`: the criminal-justice section's values (dates as dates or as stored, ISO
    text). An event is made only where its date was answered."""
    def made(kind: Kind, on: date, place: Value = "", **details: object) -> JourneyEvent:
        return JourneyEvent(event_id(person_id, kind), person_id, kind, on,
                            str(place or ""), {k: v for k, v in details.items() if v},
                            recorded_by=recorded_by, recorded_hlc="")

    found = []
    arrested = _day(answers.get("arrest_date"))
    if arrested is not None:
        found.append(made(Kind.ARREST, arrested, answers.get("custody_suite"),
                          offence=answers.get("arrest_offence")))
        if answers.get("restriction_on_bail") is True:
            found.append(made(Kind.BAIL_RESTRICTION, arrested, imposed=True))
    court = _day(answers.get("court_date"))
    if court is not None:
        found.append(made(Kind.COURT_HEARING, court, answers.get("court_name"),
                          outcome="listed"))
    released = _day(answers.get("release_date"))
    if released is not None:
        found.append(made(Kind.RELEASE, released) if released <= today else made(
            Kind.EXPECTED_RELEASE, today, release_on=released.isoformat()))
    return found


def _day(value: Value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def with_assessment(recorded: list[JourneyEvent], person_id: str,
                    answers: Mapping[str, Value], today: date) -> list[JourneyEvent]:
    """The recorded events and, before them, the old answers they do not already say."""
    old = not_yet_recorded(events_from_assessment(person_id, answers, today), recorded)
    return [*old, *recorded]


def not_yet_recorded(old: list[JourneyEvent], recorded: list[JourneyEvent]
                     ) -> list[JourneyEvent]:
    """The old answers a recorded event does not already say (same kind, same day)."""
    said = {(e.kind, e.occurred_on) for e in recorded}
    return [e for e in old if (e.kind, e.occurred_on) not in said]
