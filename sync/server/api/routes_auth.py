"""A worker's sign-in on a device (needed once per worker per device; then offline works)."""

from __future__ import annotations

import base64

from fastapi import APIRouter, Depends

from sync import protocol as p
from sync.server.api import schemas as s
from sync.server.api.deps import Db, Hasher, MasterKey, SettingsDep, SignInCaller
from sync.server.api.ratelimit import limit_by_client
from sync.server.services import auth, escrow

router = APIRouter(tags=["auth"])


@router.post(
    p.SIGN_IN_PATH,
    response_model=s.SignInResponse,
    dependencies=[Depends(limit_by_client("sign-in"))],
    responses={code: {"model": s.ErrorBody} for code in (401, 403, 429)},
)
def sign_in(
    body: s.SignInRequest,
    db: Db,
    caller: SignInCaller,
    hasher: Hasher,
    key: MasterKey,
    settings: SettingsDep,
) -> s.SignInResponse:
    """Check the worker's password; return a session and the escrowed store key, if any,
    so the device can wrap that key with this worker's passphrase."""
    signed = auth.sign_in(
        db,
        hasher,
        caller.device,
        username=body.username,
        password=body.password,
        session_hours=settings.session_hours,
    )
    store_key = escrow.read(db, key, caller.device.id)
    return s.SignInResponse(
        worker=s.WorkerInfo(**auth.worker_info(signed.worker)),
        session_token=signed.token,
        session_expires_at=signed.expires_at_iso,
        store_key=base64.b64encode(store_key).decode() if store_key else None,
    )
