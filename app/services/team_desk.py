"""The team lead's desk: the team's caseload by worker, and what the server tells leads
(break-glass accesses, wrong-password alarms, handovers overdue, key recoveries).

The caseload is this laptop's, offline; the notifications need the server and the lead's
own sign-in there (their password once per unlocked session).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.services import tasks
from app.services.errors import InvalidInput
from app.services.key_workers import known_workers
from app.services.session import WorkerSession
from app.services.sync import worker_transport
from app.store.caseload_repo import load_by_worker
from app.store.people_repo import PeopleRepository

TEAM_LEAD = "team_lead"
# What each notification kind means, said as a lead reads it at the start of a shift.
KINDS = {
    "break_glass": "Break-glass access", "sign_in_locked": "Wrong passwords: account locked",
    "handover_overdue": "Handover not accepted in time", "key_recovered": "Key recovered",
    "new_worker_on_laptop": "A worker new to a laptop", "key_release_requested":
    "A laptop waits for your approval", "key_release_approved": "Laptop approved",
    "key_release_refused": "Laptop refused", "sign_in_key_withdrawn": "Sign-in key withdrawn",
}
URGENT = frozenset({"break_glass", "sign_in_locked", "handover_overdue"})


@dataclass(frozen=True)
class WorkerLoad:
    worker_id: str | None  # None: people nobody holds
    name: str
    people: int
    overdue_people: int  # people with at least one task overdue


@dataclass(frozen=True)
class NotificationView:
    notification_id: int
    kind: str
    what: str  # the kind in words
    at: str  # dd/mm/yyyy hh:mm, UTC as the server keeps it
    worker_name: str
    person_name: str  # '' if the person is not on this laptop
    detail: str
    read: bool

    @property
    def urgent(self) -> bool:
        return self.kind in URGENT and not self.read


def _require_lead(session: WorkerSession) -> None:
    if session.worker.role != TEAM_LEAD:
        raise InvalidInput({"role": "The desk is for team leads: ask yours."})


def caseload_by_worker(*, session: WorkerSession, today: date | None = None
                       ) -> list[WorkerLoad]:
    """Each key worker with how many people they hold and how many have something
    overdue; then the people nobody holds. Busiest first."""
    _require_lead(session)
    today = today or date.today()
    tasks.build_missing(session, today)  # "overdue" comes from the task index
    with session.transaction(read_only=True) as db:
        loads = load_by_worker(db, today.isoformat())
    names = {w.worker_id: w.name for w in known_workers(session=session)}
    held = [WorkerLoad(w, names.get(w, "A former colleague"), n, late)
            for w, n, late in loads if w is not None]
    nobody = [WorkerLoad(None, "Nobody (not allocated)", n, late)
              for w, n, late in loads if w is None]
    for worker_id, name in names.items():  # a colleague who holds nobody yet
        if all(load.worker_id != worker_id for load in held):
            held.append(WorkerLoad(worker_id, name, 0, 0))
    return sorted(held, key=lambda w: (-w.people, w.name.lower())) + nobody


def notifications(*, session: WorkerSession, password: str = "",
                  unread_only: bool = False) -> list[NotificationView]:
    """The team's notifications from the server, newest first, in words."""
    _require_lead(session)
    found = worker_transport(session, password).notifications(unread_only=unread_only)
    names = {w.worker_id: w.name for w in known_workers(session=session)}
    with session.transaction(read_only=True) as db:
        people = PeopleRepository(db)
        ids = [n["person_id"] for n in found if n["person_id"]]
        on_laptop = {p.id: p.name.display() for p in people.get_many(people.present(ids))}
    return [NotificationView(
        n["notification_id"], n["kind"], KINDS.get(n["kind"], n["kind"].replace("_", " ")),
        _when(n["created_at"]), names.get(n["worker_id"] or "", ""),
        on_laptop.get(n["person_id"] or "", ""), n["detail"], n["read"]) for n in found]


def mark_read(*, session: WorkerSession, notification_id: int, password: str = "") -> None:
    _require_lead(session)
    worker_transport(session, password).mark_read(notification_id)


def _when(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]} {iso[11:16]}"
