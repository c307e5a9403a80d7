"""A worker's sign-in on a device (needed once per worker per device; then offline works)."""

from __future__ import annotations

import base64
import time

from fastapi import APIRouter, Depends

from sync import protocol as p
from sync.server.api import schemas as s
from sync.server.api.deps import Db, Hasher, MasterKey, SettingsDep, SignInCaller
from sync.server.api.ratelimit import limit_by_client
from sync.server.errors import Refused
from sync.server.models.org import LAPTOP_ROLES
from sync.server.services import auth, credentials, escrow

router = APIRouter(tags=["auth"])


@router.post(
    p.SIGN_IN_PATH,
    response_model=s.SignInResponse,
    dependencies=[Depends(limit_by_client("sign-in"))],
    responses={**{code: {"model": s.ErrorBody} for code in (401, 429)},
               403: {"model": s.ErrorBody, "description": "among others, key_release_pending "
                     "and key_release_refused: a worker new to the laptop, not approved"}},
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
    so the device can wrap that key with this worker's passphrase. Through the device's
    sign-in key (a worker new to the laptop) only a clinical worker may sign in, and the
    store key goes to clinical workers only: the app shows a laptop's whole store.

    Two limits: per client address (the dependency) and per account, whatever the address
    or credential (services/account_limits, inside auth.sign_in).

    Under the server policy `approval` (the default), a worker new to the laptop is given
    nothing (no key, no session) until approved for it: the password is checked first,
    so a wrong one asks nobody and says nothing about approval (services/escrow)."""
    # A savepoint: the session auth.sign_in opens is undone if the key is withheld.
    attempt = db.begin_nested()
    try:
        signed = auth.sign_in(
            db,
            hasher,
            caller.device,
            username=body.username,
            password=body.password,
            session_hours=settings.session_hours,
        )
    except Refused as refusal:
        attempt.commit()  # what auth.sign_in wrote of the refusal is kept
        if caller.by_sign_in_key and refusal.error == p.ERR_INVALID_CREDENTIALS:
            auth.sign_in_key_failed(db, caller.device, now=time.time())
        raise
    clinical = signed.worker.role in LAPTOP_ROLES
    if caller.by_sign_in_key and not clinical:
        raise Refused(403, p.ERR_FORBIDDEN_ROLE, f"a {signed.worker.role} cannot open a "
                      "laptop's records; use the partner view")
    if caller.by_sign_in_key and settings.key_release == "approval":
        state = escrow.release_state(db, caller.device.id, signed.worker.id)
        if state != "approved":
            attempt.rollback()
            escrow.withhold(db, caller.device, signed.worker, state)
    attempt.commit()
    if clinical and not caller.by_sign_in_key:
        escrow.approve_user(db, caller.device, signed.worker, how="signed in with the device")
    store_key = escrow.read(db, key, caller.device.id) if clinical else None
    if store_key and caller.by_sign_in_key:
        escrow.tell_lead_of_new_worker(db, caller.device, signed.worker)
    # The server, not the laptop, says who wrote a pushed change: by this credential.
    credential = credentials.issue(db, signed.worker, caller.device.id) if clinical else None
    return s.SignInResponse(
        worker=s.WorkerInfo(**auth.worker_info(signed.worker)),
        session_token=signed.token,
        session_expires_at=signed.expires_at_iso,
        store_key=base64.b64encode(store_key).decode() if store_key else None,
        sync_credential=credential,
    )
