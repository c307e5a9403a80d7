"""A handover: a person passed on purpose from one team to another.

The receiving team must accept it; until then the person shows as "in handover" on both
sides and the sending team keeps read access. Two working days without acceptance and
both team leads are told: nobody should fall through the gap at the prison gate. The
deadline (`accept_by`) is the protocol's (sync.protocol.working_days), so laptop and
server agree on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


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
    accept_by: date  # the second working day after it was made
    accepted_on: date | None = None
    accepted_by: str = ""

    @property
    def accepted(self) -> bool:
        return self.accepted_on is not None

    def is_overdue(self, today: date) -> bool:
        """Not accepted, and the day it had to be accepted by has ended."""
        return not self.accepted and today > self.accept_by
