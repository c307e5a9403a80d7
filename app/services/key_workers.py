"""Who a team lead can give a person to (reads only, and the list the server gives).

The server lists the team's workers (GET /team/workers); a laptop keeps the last list it
was given, asked again at a sync every quarter of an hour, so a lead can give a person to
a colleague who has never used this laptop, offline too. Before any list has arrived, the
laptop knows the workers who signed in on it and the key workers named in the
allocations it holds.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass

from app.services.session import WorkerSession
from app.store.allocation_repo import AllocationRepository
from app.store.repositories import WorkerRepository
from app.store.sync.models import SyncState
from sync.client.errors import SyncError
from sync.client.transport import HttpTransport

_KEY = "team_workers"  # the last list the server gave, kept for offline use
_ASKED_AT = "team_workers_at"
# A team changes by the week: asked at a sync this often, not a round trip on every one.
ASK_EVERY_S = 15 * 60
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KnownWorker:
    worker_id: str
    name: str


def known_workers(*, session: WorkerSession) -> list[KnownWorker]:
    """The team's active workers as the server last listed them, and anyone signed in here
    or named in an allocation: by name, each once."""
    with session.transaction(read_only=True) as db:
        kept = db.get(SyncState, _KEY)
        listed = json.loads(kept.value) if kept else []
        # The server's name first, then the worker's own here over an old allocation's.
        found = {**AllocationRepository(db).key_worker_names(), **WorkerRepository(db).names(),
                 **{w["worker_id"]: w["display_name"] for w in listed if w["active"]}}
        gone = {w["worker_id"] for w in listed if not w["active"]}
    return sorted((KnownWorker(i, n) for i, n in found.items() if i not in gone),
                  key=lambda w: w.name.lower())


def keep_team_workers(*, session: WorkerSession, transport: HttpTransport) -> bool:
    """Ask the server for the team's workers (with the laptop's own token: a worker who
    unlocked offline has no server sign-in) and keep the list; False, and the old list
    kept, when it cannot be asked now or was asked lately. Never fatal: the next sync
    asks again."""
    with session.transaction(read_only=True) as db:
        asked = db.get(SyncState, _ASKED_AT)
    if asked is not None and time.time() - float(asked.value) < ASK_EVERY_S:
        return False
    try:
        listed = transport.team_workers()
    except SyncError as error:
        _log.info("team's workers not refreshed: %s", error)
        return False
    with session.transaction() as db:
        db.merge(SyncState(key=_KEY, value=json.dumps([dict(w) for w in listed])))
        db.merge(SyncState(key=_ASKED_AT, value=str(time.time())))
    return True
