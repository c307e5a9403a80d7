"""A handover: a person passed on purpose from one team to another.

The receiving team must accept it; until then the person shows as "in handover" on both
sides and the sending team keeps read access. Two working days without acceptance and
both team leads are told: nobody should fall through the gap at the prison gate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.working_days import add_working_days

ACCEPT_WITHIN_WORKING_DAYS = 2


class HandoverReason(StrEnum):
    RELEASE = "release"
    TRANSFER = "transfer"
    MOVE = "move"  # to another team for any other reason


@dataclass(frozen=True)
class Handover:
    id: str
    person_id: str
    from_team: str
    to_team: str
    reason: HandoverReason
    created_on: date
    accepted_on: date | None = None
    accepted_by: str = ""

    @property
    def accepted(self) -> bool:
        return self.accepted_on is not None

    def accept_by(self, extra_holidays: Iterable[date] = ()) -> date:
        return add_working_days(self.created_on, ACCEPT_WITHIN_WORKING_DAYS, extra_holidays)

    def is_overdue(self, today: date, extra_holidays: Iterable[date] = ()) -> bool:
        """Not accepted, and the second working day after it was made has ended."""
        return not self.accepted and today > self.accept_by(extra_holidays)
