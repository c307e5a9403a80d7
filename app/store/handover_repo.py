"""Handovers between teams on this laptop: asked for here, or as the server keeps them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.journey.handover import Handover, HandoverReason
from app.store.identity import WriteContext
from app.store.repositories import utc_now
from app.store.sync import outbox
from app.store.sync.models import HandoverRow
from sync import protocol as p


@dataclass(frozen=True)
class HandoverEntry:
    """A handover as a screen shows it: the domain's view plus its names and state."""

    handover: Handover
    state: str  # requested, open, accepted
    from_team_name: str
    to_team_name: str
    note: str
    requested_by: str
    # Handed over by this laptop's team: read-only here until accepted (sync.handed_away).
    outbound: bool = False


def _entry(row: HandoverRow) -> HandoverEntry:
    handover = Handover(
        row.id, row.person_id, row.from_team_id, row.to_team_id, HandoverReason(row.reason),
        date.fromisoformat(row.opened_at[:10]), date.fromisoformat(row.accept_by),
        date.fromisoformat(row.accepted_at[:10]) if row.accepted_at else None,
        row.accepted_by or "")
    return HandoverEntry(handover, row.state, row.from_team_name, row.to_team_name, row.note,
                         row.requested_by)


class HandoverRepository:
    def __init__(self, session: Session, ctx: WriteContext | None = None) -> None:
        self._session = session
        self._ctx = ctx

    def of_person(self, person_id: str) -> list[HandoverEntry]:
        rows = self._session.scalars(select(HandoverRow).where(
            HandoverRow.person_id == person_id).order_by(HandoverRow.opened_at))
        return [_entry(row) for row in rows]

    def waiting(self) -> list[HandoverEntry]:
        """Every handover not yet accepted, oldest first: the inbox and the outbox."""
        rows = self._session.scalars(select(HandoverRow).where(
            HandoverRow.state != "accepted").order_by(HandoverRow.accept_by))
        return [_entry(row) for row in rows]

    def get(self, handover_id: str) -> HandoverEntry | None:
        row = self._session.get(HandoverRow, handover_id)
        return _entry(row) if row is not None else None

    def request(self, *, person_id: str, from_team: tuple[str, str], to_team: tuple[str, str],
                reason: HandoverReason, note: str, requested_by: str, accept_by: date
                ) -> HandoverEntry:
        """Queue the request for the server and show it here at once, as requested."""
        assert self._ctx is not None, "a write needs a write context"
        now = utc_now()
        fields = {"to_team_id": to_team[0], "reason": reason.value, "note": note,
                  "requested_by": requested_by, "requested_at": now}
        row_id = outbox.queue_command(self._session, self._ctx, p.HANDOVER_REQUESTS_TABLE,
                                      person_id, fields)
        row = HandoverRow(id=row_id, person_id=person_id, state="requested",
                          from_team_id=from_team[0], from_team_name=from_team[1],
                          to_team_id=to_team[0], to_team_name=to_team[1], reason=reason.value,
                          note=note, requested_by=requested_by, opened_at=now,
                          accept_by=accept_by.isoformat())
        self._session.add(row)
        self._session.flush()
        outbox.tasks_to_rebuild(self._session, [person_id])
        return _entry(row)

    def accept(self, handover_id: str, accepted_by: str) -> HandoverEntry:
        assert self._ctx is not None, "a write needs a write context"
        row = self._session.get_one(HandoverRow, handover_id)
        row.accepted_at, row.accepted_by, row.state = utc_now(), accepted_by, "accepted"
        outbox.queue_command(self._session, self._ctx, p.HANDOVER_ACCEPTANCES_TABLE,
                             row.person_id, {"handover_id": row.id, "accepted_by": accepted_by,
                                             "accepted_at": row.accepted_at})
        self._session.flush()
        outbox.tasks_to_rebuild(self._session, [row.person_id])
        return _entry(row)
