"""What team leads do: read notifications (break-glass, key recovery, overdue handovers),
recover a key, approve or refuse a laptop for a worker new to it; the teams a person can
be handed over to, and the team's workers a person can be given to."""

from __future__ import annotations

import base64

from fastapi import APIRouter, Path
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server.api import schemas as s
from sync.server.api.deps import Db, DeviceCaller, MasterKey, WorkerCaller
from sync.server.api.schemas import UUID_PATTERN
from sync.server.errors import Refused, not_found
from sync.server.models import Device, Notification, Worker, utcnow
from sync.server.models.org import LAPTOP_ROLES, KeyRelease, WorkerCredential
from sync.server.services import access, escrow, handovers
from sync.server.services.auth import Caller

router = APIRouter(tags=["team"])
_REFUSALS = {code: {"model": s.ErrorBody} for code in (401, 403, 404)}


def _lead_team(caller: Caller) -> str:
    worker = caller.require_worker()
    if worker.role != "team_lead" or worker.team_id is None:
        raise Refused(403, p.ERR_FORBIDDEN_ROLE, "only a team lead reads team notifications")
    return worker.team_id


@router.get(p.TEAMS_PATH, response_model=s.TeamsPage, responses=_REFUSALS)
def teams(db: Db, caller: WorkerCaller) -> s.TeamsPage:
    """Every team a person can be handed over to (the caller's own among them)."""
    return s.TeamsPage(teams=[s.TeamEntry(team_id=t.id, name=t.name, agency=t.agency)
                              for t in handovers.teams(db, caller)])


@router.get(p.TEAM_WORKERS_PATH, response_model=list[s.TeamWorker], responses=_REFUSALS)
def team_workers(db: Db, caller: DeviceCaller) -> list[s.TeamWorker]:
    """The laptop's team's workers who can hold a caseload, by name: a lead's laptop gives
    a person to any of them. Asked with the laptop's own token at every sync (a worker
    who unlocked offline has no server sign-in), and only ever its own team: the names
    are those its rows already carry. Switched-off workers are listed inactive, so a
    laptop that shows someone's old allocation still has their name."""
    found = [w for w in access.team_workers(db, caller.device.team_id).values()
             if w.role in LAPTOP_ROLES]
    return [s.TeamWorker(worker_id=w.worker_id, display_name=w.display_name, role=w.role,
                         active=w.active)
            for w in sorted(found, key=lambda w: (w.display_name.casefold(), w.worker_id))]


@router.get(p.NOTIFICATIONS_PATH, response_model=list[s.Notification], responses=_REFUSALS)
def notifications(db: Db, caller: WorkerCaller, unread_only: bool = False) -> list[s.Notification]:
    """The team's notifications, newest first. Handovers gone past their accept-by day
    are flagged first (to both teams' leads, once), so a lead never reads a list that
    lacks one."""
    team_id = _lead_team(caller)
    handovers.flag_overdue(db)
    query = select(Notification).where(Notification.team_id == team_id)
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


@router.get(p.KEY_RELEASES_PATH, response_model=list[s.KeyRelease], responses=_REFUSALS)
def key_releases(db: Db, caller: WorkerCaller, decided: bool = False) -> list[s.KeyRelease]:
    """Workers new to a laptop of the team who asked for its key and wait for an answer
    (`decided`: every approval and refusal too)."""
    rows = escrow.releases(db, team_id=_lead_team(caller), pending_only=not decided)
    return [_release_view(*row) for row in rows]


_WORKER_ON_DEVICE = p.TEAM_DEVICES_PATH + "/{device_id}/workers/{worker_id}"
_DECISION_REFUSALS = {**_REFUSALS, 409: {"model": s.ErrorBody,
                                         "description": "the laptop is revoked"}}


@router.post(_WORKER_ON_DEVICE + "/approve", response_model=s.KeyRelease,
             responses=_DECISION_REFUSALS)
def approve_key_release(db: Db, caller: WorkerCaller,
                        device_id: str = Path(pattern=UUID_PATTERN),
                        worker_id: str = Path(pattern=UUID_PATTERN)) -> s.KeyRelease:
    """The worker may be given the laptop's key at their next sign-in on it: whether
    they asked already, or not yet (approved ahead)."""
    return _decide(db, caller, device_id, worker_id, approve=True)


@router.post(_WORKER_ON_DEVICE + "/refuse", response_model=s.KeyRelease,
             responses=_DECISION_REFUSALS)
def refuse_key_release(db: Db, caller: WorkerCaller,
                       device_id: str = Path(pattern=UUID_PATTERN),
                       worker_id: str = Path(pattern=UUID_PATTERN)) -> s.KeyRelease:
    """The worker is not given the laptop's key, and asking again asks nobody: it stays
    refused until a lead (or IT) approves it."""
    return _decide(db, caller, device_id, worker_id, approve=False)


def _decide(db: Session, caller: Caller, device_id: str, worker_id: str, *,
            approve: bool) -> s.KeyRelease:
    lead = caller.require_worker()
    row = escrow.decide(db, device_id=device_id, worker_id=worker_id, approve=approve,
                        actor=caller.actor, lead=lead)
    return _release_view(row, db.get_one(Device, device_id), db.get_one(Worker, worker_id))


def _release_view(row: KeyRelease, device: Device, worker: Worker) -> s.KeyRelease:
    return s.KeyRelease(
        device_id=device.id, device_name=device.name, worker_id=worker.id,
        username=worker.username, display_name=worker.display_name,
        state=row.state,  # type: ignore[arg-type]
        requested_at=row.requested_at.isoformat() if row.requested_at else None,
        decided_at=row.decided_at.isoformat() if row.decided_at else None,
        decided_by=row.decided_by)


@router.get(p.TEAM_DEVICES_PATH, response_model=list[s.TeamDevice], responses=_REFUSALS)
def team_devices(db: Db, caller: WorkerCaller) -> list[s.TeamDevice]:
    """The lead's team's laptops, working ones first, by name, each with the workers who
    have signed in on it online: a lead on the phone to a worker who forgot their
    password picks the laptop from this before recovering its key."""
    team_id = _lead_team(caller)
    devices = list(db.scalars(select(Device).where(Device.team_id == team_id)
                              .order_by(Device.revoked_at.is_not(None), Device.name)))
    users = _laptop_users(db, [d.id for d in devices])
    return [s.TeamDevice(
        device_id=d.id, name=d.name, enrolled_at=d.enrolled_at.isoformat(),
        last_seen_at=d.last_seen_at.isoformat() if d.last_seen_at else None,
        revoked=d.revoked_at is not None,
        revoked_at=d.revoked_at.isoformat() if d.revoked_at else None,
        users=users.get(d.id, [])) for d in devices]


def _laptop_users(db: Session, device_ids: list[str]) -> dict[str, list[s.LaptopUser]]:
    """Who has used each laptop: a sync credential is issued at every online sign-in
    there (enrolment included), and a replaced one is kept as revoked, so its rows name
    everyone who ever signed in online, not only those signed in now."""
    if not device_ids:
        return {}
    rows = db.execute(select(WorkerCredential.device_id, Worker).distinct()
                      .join(Worker, Worker.id == WorkerCredential.worker_id)
                      .where(WorkerCredential.device_id.in_(device_ids))
                      .order_by(Worker.display_name, Worker.username)).tuples()
    found: dict[str, list[s.LaptopUser]] = {}
    for device_id, worker in rows:
        found.setdefault(device_id, []).append(s.LaptopUser(
            worker_id=worker.id, username=worker.username, display_name=worker.display_name))
    return found
