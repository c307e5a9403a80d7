"""Allocations rows <-> who each person's key worker is. Rows are only ever added."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.allocation_models import KeyWorkerAllocation
from app.store.caseload_repo import CaseloadRepository
from app.store.identity import WriteContext, stamp_new
from app.store.repositories import utc_now


@dataclass(frozen=True)
class Allocation:
    person_id: str
    key_worker_id: str
    key_worker_name: str
    allocated_by: str
    allocated_at: str


def _allocation(row: KeyWorkerAllocation) -> Allocation:
    return Allocation(row.person_id, row.key_worker_id, row.key_worker_name,
                      row.allocated_by_name, row.allocated_at)


class AllocationRepository:
    def __init__(self, session: Session, ctx: WriteContext | None = None) -> None:
        self._session = session
        self._ctx = ctx

    def history(self, person_id: str) -> list[Allocation]:
        """Oldest first; the last is the current key worker."""
        return [_allocation(row) for row in self._session.scalars(
            select(KeyWorkerAllocation).where(KeyWorkerAllocation.person_id == person_id)
            .order_by(KeyWorkerAllocation.created_hlc))]

    def key_worker_names(self) -> dict[str, str]:
        """worker id -> name, of everyone any allocation on this laptop names."""
        rows = self._session.execute(select(
            KeyWorkerAllocation.key_worker_id, KeyWorkerAllocation.key_worker_name).distinct())
        return {worker_id: name for worker_id, name in rows}

    def current(self, person_id: str) -> Allocation | None:
        found = self.history(person_id)
        return found[-1] if found else None

    def allocate(self, person_id: str, worker_id: str, worker_name: str,
                 allocated_by: str) -> Allocation:
        assert self._ctx is not None, "a write needs a write context"
        row = KeyWorkerAllocation(person_id=person_id, key_worker_id=worker_id,
                                  key_worker_name=worker_name, allocated_by_name=allocated_by,
                                  allocated_at=utc_now())
        stamp_new(row, self._ctx, append_only=True)
        self._session.add(row)
        CaseloadRepository(self._session).refresh(person_id, key_worker_id=worker_id)
        self._session.flush()
        return _allocation(row)
