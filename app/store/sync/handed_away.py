"""A person this laptop's team has handed over is read-only here until the receiving
team accepts (then they leave this laptop altogether).

The server refuses the sending team's writes from the moment it moves the person; a
write made here in the meantime would sit refused in the outbox, the worker believing it
saved. So the store refuses it at once, in the flush that would have queued it, whatever
screen or service made it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.store.errors import StoreError
from app.store.sync.models import HandoverRow, SyncState

TEAM_KEY = "team_id"


class HandedOverError(StoreError):
    def __init__(self, to_team: str) -> None:
        self.to_team = to_team
        super().__init__(
            f"Nothing was saved: this person has been handed over to {to_team}. Their "
            "record is read-only here until that team accepts them.")


def refuse_writes(session: Session, person_ids: Iterable[str]) -> None:
    """Raise HandedOverError if any of these people is in a handover away from this
    laptop's team. One indexed statement; a laptop that does not know its team yet
    (never synced) has handed nobody over."""
    ids = {i for i in person_ids if i}
    if not ids:
        return
    mine = select(SyncState.value).where(SyncState.key == TEAM_KEY).scalar_subquery()
    away = session.connection().execute(
        select(HandoverRow.to_team_name).where(
            HandoverRow.person_id.in_(ids), HandoverRow.state != "accepted",
            HandoverRow.to_team_id != func.coalesce(mine, HandoverRow.to_team_id))
        .limit(1)).scalar()
    if away is not None:
        raise HandedOverError(away)


def held_away(session: Session, person_id: str) -> str:
    """The team this person is being handed to, if this laptop's team handed them over;
    '' otherwise. For screens to say so before anyone types."""
    try:
        refuse_writes(session, (person_id,))
    except HandedOverError as refused:
        return refused.to_team
    return ""
