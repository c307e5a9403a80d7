"""Key workers: each person has one; a team lead allocates and reassigns."""

from __future__ import annotations

from app.domain.audit import AuditAction
from app.services.changes import Changed, Part
from app.services.errors import InvalidInput, NotFound
from app.services.session import WorkerSession
from app.store.allocation_repo import Allocation, AllocationRepository
from app.store.people_repo import PeopleRepository

TEAM_LEAD = "team_lead"


def key_worker(*, session: WorkerSession, person_id: str) -> Allocation | None:
    with session.transaction(read_only=True) as db:
        return AllocationRepository(db).current(person_id)


def allocations(*, session: WorkerSession, person_id: str) -> list[Allocation]:
    """Who has held the person, oldest first."""
    with session.transaction(read_only=True) as db:
        return AllocationRepository(db).history(person_id)


def allocate(*, session: WorkerSession, person_id: str, worker_id: str,
             worker_name: str) -> Changed:
    """A team lead gives the person to a worker; a worker may take on someone nobody
    holds. The server checks the same before anyone else's laptop sees it."""
    with session.transaction() as db:
        if not PeopleRepository(db).exists(person_id):
            raise NotFound("That person")
        repo = AllocationRepository(db, session.context)
        now = repo.current(person_id)
        if now is not None and now.key_worker_id == worker_id:
            return Changed()
        lead = session.worker.role == TEAM_LEAD
        if not lead and (worker_id != session.worker.id or now is not None):
            raise InvalidInput({"key_worker": "Only a team lead can give a person to a "
                                              "worker or move them to another."})
        repo.allocate(person_id, worker_id, worker_name.strip(), session.worker.full_name)
        session.audit(db, AuditAction.EDIT, record_type="key_worker", record_id=person_id,
                      detail={"key_worker": worker_id,
                              "from": now.key_worker_id if now else None})
    return Changed.of(person_id, Part.RECORD, Part.CASELOAD)
