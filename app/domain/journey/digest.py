"""A person's journey in a few hundred bytes, for the caseload.

The caseload lists hundreds of people and shows where each is and what comes next. Those
depend on the day (a court date passes, an arrest ages out of custody, the 28 days after
release run out), so what is kept is not the answer but the events that stand, small
enough to derive it again for each row on the day it is shown.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

from app.domain.journey.events import JourneyEvent, effective
from app.domain.journey.kinds import Kind


def to_digest(events: Iterable[JourneyEvent]) -> str:
    """The events that stand, oldest first, as compact JSON."""
    return json.dumps([[e.id, e.kind.value, e.occurred_on.isoformat(), e.place,
                        dict(e.details), e.recorded_hlc] for e in effective(events)],
                      separators=(",", ":"))


def from_digest(text: str, person_id: str) -> list[JourneyEvent]:
    return [JourneyEvent(event_id, person_id, Kind(kind), date.fromisoformat(on), place,
                         details, recorded_hlc=hlc)
            for event_id, kind, on, place, details, hlc in json.loads(text or "[]")]
