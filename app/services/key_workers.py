"""Who a team lead can give a person to, as far as this laptop knows (reads only).

A laptop knows the workers who have signed in on it and the key workers named in the
allocations it holds; the server knows the whole team but has no list of it to give yet,
so a colleague who has never signed in here or held anyone cannot be chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.services.session import WorkerSession
from app.store.allocation_repo import AllocationRepository
from app.store.repositories import WorkerRepository


@dataclass(frozen=True)
class KnownWorker:
    worker_id: str
    name: str


def known_workers(*, session: WorkerSession) -> list[KnownWorker]:
    """Signed in here, or named in an allocation: by name, each once."""
    with session.transaction(read_only=True) as db:
        # The worker's own name wins over an old copy in an allocation.
        found = {**AllocationRepository(db).key_worker_names(),
                 **WorkerRepository(db).names()}
    return sorted((KnownWorker(i, n) for i, n in found.items()), key=lambda w: w.name.lower())
