"""The journey as the assessment recorded it before there was a journey.

The criminal-justice section once held the latest arrest, court date and release date,
typed by hand and overwritten each time. Those answers become the first events of the
person's timeline, read from the assessment as it stands (ids made from the person and
the answer), so every laptop shows the same events and nothing is pushed twice. The
fields themselves are retired from the form: from now on these are journey events.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from app.domain.assessment.fields import Value
from app.domain.journey.events import JourneyEvent
from app.domain.journey.kinds import Kind

PREFIX = "assessment:"  # an event id that starts so came from the old answers
SECTION = "criminal_justice"  # its retired fields (FieldDef.retired) are read here


def is_from_assessment(event: JourneyEvent) -> bool:
    return event.id.startswith(PREFIX)


def events_from_assessment(person_id: str, answers: Mapping[str, Value], today: date,
                           recorded_by: str = "the assessment") -> list[JourneyEvent]:
    """The answers as events, for a timeline whose recorded events do not say the same.

    `answers`: the criminal-justice section's values. An event is made only where its
    date was answered."""
    def made(kind: Kind, on: Value, place: Value = "", **details: object) -> JourneyEvent:
        assert isinstance(on, date)
        return JourneyEvent(f"{PREFIX}{person_id}:{kind.value}", person_id, kind, on,
                            str(place or ""), {k: v for k, v in details.items() if v},
                            recorded_by=recorded_by, recorded_hlc="")

    found = []
    arrested = answers.get("arrest_date")
    if isinstance(arrested, date):
        found.append(made(Kind.ARREST, arrested, answers.get("custody_suite"),
                          offence=answers.get("arrest_offence")))
        if answers.get("restriction_on_bail") is True:
            found.append(made(Kind.BAIL_RESTRICTION, arrested, imposed=True))
    court = answers.get("court_date")
    if isinstance(court, date):
        found.append(made(Kind.COURT_HEARING, court, answers.get("court_name"),
                          outcome="listed"))
    released = answers.get("release_date")
    if isinstance(released, date):
        found.append(made(Kind.RELEASE, released) if released <= today else made(
            Kind.EXPECTED_RELEASE, today, release_on=released.isoformat()))
    return found


def not_yet_recorded(old: list[JourneyEvent], recorded: list[JourneyEvent]
                     ) -> list[JourneyEvent]:
    """The old answers a recorded event does not already say (same kind, same day)."""
    said = {(e.kind, e.occurred_on) for e in recorded}
    return [e for e in old if (e.kind, e.occurred_on) not in said]
