"""Device enrolment and store-key escrow."""

from __future__ import annotations

import base64

from fastapi import APIRouter, Depends

from sync import protocol as p
from sync.server.api import schemas as s
from sync.server.api.deps import Db, DeviceCaller, MasterKey
from sync.server.api.ratelimit import limit_by_client
from sync.server.services import audit, auth, escrow, org

router = APIRouter(tags=["devices"])
_REFUSALS = {401: {"model": s.ErrorBody}, 403: {"model": s.ErrorBody}}


@router.post(
    p.ENROL_PATH,
    response_model=s.EnrolResponse,
    status_code=201,
    dependencies=[Depends(limit_by_client("enrol"))],
    responses={401: {"model": s.ErrorBody}, 429: {"model": s.ErrorBody}},
)
def enrol(body: s.EnrolRequest, db: Db) -> s.EnrolResponse:
    """Trade a one-time enrolment code for this device's own credential (shown once)."""
    enrolled = org.enrol_device(db, code=body.code, device_name=body.device_name)
    return s.EnrolResponse(
        device_id=enrolled.device.id,
        device_token=enrolled.token,
        team_id=enrolled.team.id,
        team_name=enrolled.team.name,
        protocol_version=p.PROTOCOL_VERSION,
    )


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
