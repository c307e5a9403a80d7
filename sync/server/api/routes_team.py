"""What team leads do: read notifications (break-glass, key recovery), recover a key."""

from __future__ import annotations

import base64

from fastapi import APIRouter, Path
from sqlalchemy import select

from sync import protocol as p
from sync.server.api import schemas as s
from sync.server.api.deps import Db, MasterKey, WorkerCaller
from sync.server.errors import Refused, not_found
from sync.server.models import Notification, utcnow
from sync.server.services import escrow
from sync.server.services.auth import Caller

router = APIRouter(tags=["team"])
_REFUSALS = {code: {"model": s.ErrorBody} for code in (401, 403, 404)}


def _lead_team(caller: Caller) -> str:
    worker = caller.require_worker()
    if worker.role != "team_lead" or worker.team_id is None:
        raise Refused(403, p.ERR_FORBIDDEN_ROLE, "only a team lead reads team notifications")
    return worker.team_id


@router.get(p.NOTIFICATIONS_PATH, response_model=list[s.Notification], responses=_REFUSALS)
def notifications(db: Db, caller: WorkerCaller, unread_only: bool = False) -> list[s.Notification]:
    query = select(Notification).where(Notification.team_id == _lead_team(caller))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    rows = db.scalars(query.order_by(Notification.id.desc()).limit(200))
    return [
        s.Notification(
            notification_id=n.id,
            kind=n.kind,
            created_at=n.created_at.isoformat(),
            worker_id=n.worker_id,
            person_id=n.person_id,
            detail=n.detail,
            read=n.read_at is not None,
        )
        for n in rows
    ]


@router.post(p.NOTIFICATIONS_PATH + "/{notification_id}/read", status_code=204, responses=_REFUSALS)
def mark_read(
    db: Db,
    caller: WorkerCaller,
    # Bounded to the column's range: a larger number would overflow the driver (a 500).
    notification_id: int = Path(ge=1, le=2**31 - 1),
) -> None:
    note = db.get(Notification, notification_id)
    if note is None or note.team_id != _lead_team(caller):
        raise not_found("notification")
    note.read_at = note.read_at or utcnow()


@router.post(p.RECOVER_PATH, response_model=s.RecoverKeyResponse,
             responses={**_REFUSALS, 409: {"model": s.ErrorBody,
                                           "description": "the laptop is revoked"}})
def recover_key(
    body: s.RecoverKeyRequest, db: Db, caller: WorkerCaller, key: MasterKey
) -> s.RecoverKeyResponse:
    """A team lead recovers a device's store key for a worker who forgot a passphrase;
    never a revoked laptop's."""
    store_key = escrow.recover_for_worker(
        db,
        key,
        caller.require_worker(),
        device_id=body.device_id,
        worker_id=body.worker_id,
        reason=body.reason,
    )
    return s.RecoverKeyResponse(
        device_id=body.device_id, store_key=base64.b64encode(store_key).decode()
    )
