"""What the screens show of handovers: the inbox, the caseload's mark, the record's line.

The rules (who may ask, who may accept, the deadline) are `handover`'s; this module only
reads, and names the people, so a screen never shows a bare id.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from app.services.handover import HandoverView, waiting
from app.services.session import WorkerSession
from app.services.views import PersonSummary
from app.store.device import DbSession
from app.store.handover_repo import HandoverEntry, HandoverRepository
from app.store.people_repo import PeopleRepository
from app.store.sync import handed_away


@dataclass(frozen=True)
class InboxEntry:
    """One handover waiting, with the person's name as the inbox lists it."""

    view: HandoverView
    person_name: str

    @property
    def entry(self) -> HandoverEntry:
        return self.view.entry


def inbox(*, session: WorkerSession, today: date | None = None) -> list[InboxEntry]:
    """Inbound and outbound handovers not yet accepted, oldest deadline first."""
    views = waiting(session=session, today=today)
    ids = list(dict.fromkeys(v.entry.handover.person_id for v in views))
    with session.transaction(read_only=True) as db:
        people = PeopleRepository(db)  # a handover can arrive before its person's rows
        names = {p.id: p.name.display() for p in people.get_many(people.present(ids))}
    return [InboxEntry(v, names.get(v.entry.handover.person_id,
                                    "Not on this laptop yet (arrives at the next sync)"))
            for v in views]


def inbound_waiting(*, session: WorkerSession) -> int:
    """How many handovers a worker here must accept: the main window's count."""
    return sum(1 for v in waiting(session=session) if v.inbound)


def open_handover(*, session: WorkerSession, person_id: str) -> HandoverEntry | None:
    """The person's handover not yet accepted, if any (one at a time: `handover`'s rule)."""
    with session.transaction(read_only=True) as db:
        entries = HandoverRepository(db).of_person(person_id)
        away = handed_away.held_away(db, person_id)
    found = next((e for e in reversed(entries) if e.state != "accepted"), None)
    return replace(found, outbound=bool(away)) if found else None


def mark_in_handover(db: DbSession, listed: list[PersonSummary]) -> list[PersonSummary]:
    """The caseload's 'in handover' mark: one query for every handover not yet accepted
    (a handful on any laptop), never one per listed person."""
    if not listed:
        return listed
    waiting_now = {e.handover.person_id: e.to_team_name
                   for e in HandoverRepository(db).waiting()}
    return [replace(p, in_handover=waiting_now[p.id]) if p.id in waiting_now else p
            for p in listed]
