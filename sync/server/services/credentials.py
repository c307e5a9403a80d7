"""Per-worker sync credentials: the server, not the laptop, decides who wrote a change.

A device token proves which laptop calls; it says nothing of who typed. At sign-in a
worker gets a credential for that laptop, kept in the laptop's encrypted store. A push
carries the credentials of the workers whose changes it holds; a change is taken only
from a worker whose credential is good for this laptop, who is not disabled, is in the
laptop's team and has a role that may change people's records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import crypto
from sync.server.models import Worker, WorkerCredential, utcnow
from sync.server.models.org import LAPTOP_ROLES
from sync.server.services import audit

Refusal = tuple[int, str]
# No good credential yet (a laptop from before credentials, or a worker who has not
# signed in online there since): the change waits on the laptop, nothing is refused.
UNVERIFIED: Refusal = (p.NOT_VERIFIED, "the worker who made this change has not signed in "
                       "online on this laptop since it was updated; it is kept and sent "
                       "once they have")
DISABLED: Refusal = (403, "this worker's account is switched off: their changes are not taken")


def issue(session: Session, worker: Worker, device_id: str) -> str:
    """A new credential for `worker` on the laptop `device_id`; any earlier one for the
    same pair stops working."""
    session.execute(update(WorkerCredential).where(
        WorkerCredential.worker_id == worker.id, WorkerCredential.device_id == device_id,
        WorkerCredential.revoked_at.is_(None)).values(revoked_at=utcnow()))
    token = crypto.new_token()
    session.add(WorkerCredential(token_hash=crypto.token_hash(token), worker_id=worker.id,
                                 device_id=device_id))
    audit.record(session, "worker.sync_credential_issued", actor=f"worker:{worker.id}",
                 worker_id=worker.id, device_id=device_id)
    return token


def hashes(credentials: dict[str, str]) -> dict[str, str]:
    """token hash -> the worker the laptop says it belongs to."""
    return {crypto.token_hash(token): worker_id for worker_id, token in credentials.items()}


@dataclass(frozen=True)
class Author:
    """What the server holds of one worker named by a push: None, or why not; and their
    name as the server knows it (what a record of their decision shows)."""

    refusal: Refusal | None
    name: str = ""
    role: str = ""


def judge(claimed: dict[str, str], held: list[Any], *, device_id: str,
          team_id: str) -> dict[str, Author]:
    """Each claimed worker's standing, from the credentials found by hash, each with its
    worker's row (`held`: rows of storage/push_batch.credentials_later). A credential
    presented for another worker than its own counts as none."""
    authors: dict[str, Author] = {}
    for row in held:
        if claimed.get(row.token_hash) != row.worker_id:
            continue
        found = row.worker_found
        authors[row.worker_id] = Author(_standing(row, device_id, team_id),
                                        row.display_name if found else "",
                                        row.role if found else "")
    return authors


def _standing(row: Any, device_id: str, team_id: str) -> Refusal | None:
    if row.revoked_at is not None or row.device_id != device_id or row.worker_found is None:
        return UNVERIFIED
    if row.disabled_at is not None:
        return DISABLED
    if row.team_id != team_id:
        return 403, "this worker is not in this laptop's team"
    if row.role not in LAPTOP_ROLES:  # as access.require_clinical, for the API
        return 403, f"a {row.role} may not change people's records"
    return None


def refusal_for(authors: dict[str, Author], worker_id: str) -> Refusal | None:
    author = authors.get(worker_id)
    return UNVERIFIED if author is None else author.refusal


def disabled_in_team(session: Session, team_id: str) -> list[str]:
    """Workers of the team who are switched off: every laptop of the team forgets them
    (their key wraps go, so they cannot unlock it offline) at its next pull."""
    return sorted(session.scalars(Worker.__table__.select()
                                  .with_only_columns(Worker.__table__.c.id)
                                  .where(Worker.__table__.c.team_id == team_id,
                                         Worker.__table__.c.disabled_at.is_not(None))))
