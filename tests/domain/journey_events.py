"""Building journey events for domain tests: one person, ids and clock stamps in order."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from app.domain.journey.events import JourneyEvent
from app.domain.journey.kinds import Kind

PERSON = "11111111-1111-4111-8111-111111111111"
_numbers = itertools.count(1)


def event(kind: Kind, on: date, place: str = "", supersedes: str | None = None,
          **details: Any) -> JourneyEvent:
    number = next(_numbers)
    return JourneyEvent(id=f"e{number}", person_id=PERSON, kind=kind, occurred_on=on,
                        place=place, details=details, supersedes=supersedes,
                        recorded_by="w1", recorded_hlc=f"{number:015d}-00000-laptop")
