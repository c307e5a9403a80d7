"""Required Assessment compliance: of the appointments people were required to attend,
how many they attended.

Each RA1 (initial) or RA4 (follow-up) notice is one requirement with an appointment; an
RA2 moves its day. RA3 records attendance, a failure to attend or remain ends it as
failed, and one still open when the next notice comes (or at the end) is unrecorded.
A requirement counts in the quarter its appointment falls in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.domain.journey.events import JourneyEvent, effective
from app.domain.journey.kinds import Kind
from app.domain.outcomes.months import Quarter


@dataclass(frozen=True)
class RaCompliance:
    required: int = 0
    attended: int = 0
    failed: int = 0
    unrecorded: int = 0

    def __add__(self, other: RaCompliance) -> RaCompliance:
        return RaCompliance(self.required + other.required, self.attended + other.attended,
                            self.failed + other.failed, self.unrecorded + other.unrecorded)


def requirements(events: Iterable[JourneyEvent]) -> list[tuple[date, str]]:
    """Each requirement's appointment day and how it ended: attended, failed, unrecorded."""
    ended: list[tuple[date, str]] = []
    pending: date | None = None
    for event in effective(events):
        code = event.text("notice") if event.kind is Kind.RA_NOTICE else ""
        on = event.day("appointment_on") or event.occurred_on
        if code in ("RA1", "RA4") or (code == "RA2" and pending is None):
            if pending is not None:
                ended.append((pending, "unrecorded"))
            pending = on
        elif code == "RA2":
            pending = on
        elif pending is not None and (code == "RA3" or event.kind is Kind.RA_FAILED_TO_ATTEND):
            ended.append((pending, "attended" if code == "RA3" else "failed"))
            pending = None
    return [*ended, (pending, "unrecorded")] if pending is not None else ended


def compliance(events: Iterable[JourneyEvent], quarter: Quarter) -> RaCompliance:
    outcomes = [how for on, how in requirements(events) if on in quarter]
    return RaCompliance(len(outcomes), outcomes.count("attended"), outcomes.count("failed"),
                        outcomes.count("unrecorded"))
