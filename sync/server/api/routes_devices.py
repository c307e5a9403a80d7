"""Device enrolment and store-key escrow."""

from __future__ import annotations

import base64

from argon2 import PasswordHasher
from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server.api import schemas as s
from sync.server.api.deps import (
    BearerToken,
    Db,
    DeviceCaller,
    Hasher,
    MasterKey,
    SettingsDep,
)
from sync.server.api.ratelimit import limit_by_client
from sync.server.errors import Refused
from sync.server.models import Device, Team, Worker
from sync.server.services import audit, auth, credentials, escrow, org

router = APIRouter(tags=["devices"])
_REFUSALS = {401: {"model": s.ErrorBody}, 403: {"model": s.ErrorBody}}


@router.post(
    p.ENROL_PATH,
    response_model=s.EnrolResponse,
    status_code=201,
    dependencies=[Depends(limit_by_client("enrol"))],
    responses={code: {"model": s.ErrorBody} for code in (401, 403, 429)},
)
def enrol(body: s.EnrolRequest, db: Db, hasher: Hasher, settings: SettingsDep
          ) -> s.EnrolResponse:
    """Trade a one-time enrolment code for this device's own credential (shown once).

    With `username` and `password`, the enrolling worker is checked first (password,
    account on, a role that may use a laptop, the code's team) and signed in by the same
    call; a refusal spends nothing and leaves no device. Without them (laptops of an
    older version) the code alone enrols, and the laptop signs its worker in after."""
    if (body.username is None) != (body.password is None):
        raise Refused(422, p.ERR_INVALID_REQUEST, "give username and password together")
    row = org.usable_code(db, body.code)
    worker = None
    if body.username is not None and body.password is not None:
        team = db.get_one(Team, row.team_id)
        worker = auth.check_enrolling_worker(db, hasher, team, username=body.username,
                                             password=body.password)
    enrolled = org.enrol_with_code(db, row, device_name=body.device_name, worker=worker)
    if worker is not None:  # the laptop is theirs: its key is never withheld from them
        escrow.approve_user(db, enrolled.device, worker, how="enrolled the laptop")
    return s.EnrolResponse(
        device_id=enrolled.device.id,
        device_token=enrolled.token,
        team_id=enrolled.team.id,
        team_name=enrolled.team.name,
        protocol_version=p.PROTOCOL_VERSION,
        sign_in=_sign_in(db, hasher, worker, enrolled.device, body.password or "",
                         settings.session_hours) if worker else None,
    )


def _sign_in(db: Session, hasher: PasswordHasher, worker: Worker, device: Device,
             password: str, hours: int) -> s.SignInResponse:
    """What POST /auth/sign-in gives a clinical worker, for the worker who enrolled: the
    session and their sync credential (no store key yet: the laptop escrows it next)."""
    signed = auth.sign_in_enrolled(db, hasher, worker, device, password=password,
                                   session_hours=hours)
    return s.SignInResponse(
        worker=s.WorkerInfo(**auth.worker_info(worker)),
        session_token=signed.token,
        session_expires_at=signed.expires_at_iso,
        store_key=None,
        sync_credential=credentials.issue(db, worker, device.id),
    )


@router.post(p.WIPED_PATH, response_model=s.WipedReceipt,
             responses={401: {"model": s.ErrorBody}, 409: {"model": s.ErrorBody}})
def report_wiped(db: Db, token: BearerToken) -> s.WipedReceipt:
    """A revoked laptop says it has destroyed its keys: the one call its token is still
    good for. Audited (device.wiped) and shown by `admin list-devices`."""
    device = auth.revoked_device_for_token(db, token and token.credentials)
    wiped_at = org.record_wiped(db, device)
    return s.WipedReceipt(device_id=device.id, wiped_at=wiped_at)


@router.put(p.APP_VERSION_PATH, response_model=s.AppVersionReceipt, responses=_REFUSALS)
def put_app_version(body: s.AppVersionReport, db: Db,
                    caller: DeviceCaller) -> s.AppVersionReceipt:
    """The app version this laptop runs, for IT's list of laptops (sent when it changes)."""
    device = caller.device
    if device.app_version != body.version:
        audit.record(db, "device.app_version", actor=f"device:{device.id}",
                     device_id=device.id, before=device.app_version, after=body.version)
        device.app_version = body.version
    return s.AppVersionReceipt(device_id=device.id, app_version=body.version)


@router.put(p.ESCROW_PATH, response_model=s.EscrowReceipt, responses=_REFUSALS)
def put_escrow(
    body: s.EscrowUpload, db: Db, caller: DeviceCaller, key: MasterKey
) -> s.EscrowReceipt:
    """Escrow this device's local store key; it is sealed under the server master key."""
    row = escrow.store(db, key, caller.device, base64.b64decode(body.store_key))
    return s.EscrowReceipt(device_id=row.device_id, stored_at=row.stored_at)


@router.post(p.SIGN_IN_KEY_PATH, response_model=s.SignInKey, responses=_REFUSALS)
def new_sign_in_key(db: Db, caller: DeviceCaller) -> s.SignInKey:
    """A key good only for worker sign-in on this device, which the laptop keeps beside its
    key wraps, so a worker who has never used it can sign in there. Replaces any earlier one."""
    key = auth.new_sign_in_key(caller.device)
    audit.record(db, "device.sign_in_key_issued", actor=caller.actor, device_id=caller.device.id)
    return s.SignInKey(sign_in_key=key)
