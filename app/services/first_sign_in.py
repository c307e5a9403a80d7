"""A worker's first sign-in on a laptop someone else enrolled.

Their key wrap does not exist here yet. The laptop's sign-in key (kept beside the wraps)
lets the server check the worker's organisation password and hand back the store key it
holds in escrow; the laptop then wraps that key with the worker's password, so every later
sign-in is offline like anyone else's.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from app.services.errors import SignInRefused
from app.store.device import DeviceStore, OpenStore
from app.store.errors import StoreError
from app.store.keys import KdfParams, SignInServer
from app.store.models import Worker
from app.store.repositories import WorkerRepository
from app.store.sync import credentials as sync_credentials
from sync import protocol as p
from sync.client.transport import (
    DeviceRevoked,
    HttpTransport,
    ServerRefused,
    ServerUnreachable,
    SyncError,
)

NEEDS_NETWORK = ("Your first sign-in on this laptop needs the network. Connect and try "
                 "again.")
KEY_WITHDRAWN = ("The server no longer lets new colleagues sign in on this laptop (too many "
                 "wrong passwords). A colleague who has used it before can sign in and sync "
                 "to restore it; if the laptop went missing, tell your team lead.")
AWAITING_APPROVAL = ("This laptop is new to you: your team lead has been asked to approve it "
                     "for you. Sign in again once they have.")
APPROVAL_REFUSED = ("Your team lead has not approved this laptop for you. Ask them, or use a "
                    "laptop you have used before.")
NO_ESCROW = ("This laptop's key has not reached the server yet. Ask the colleague who set "
             "it up to sign in and sync once, then try again.")


@dataclass(frozen=True)
class FirstSignIn:
    store: OpenStore
    worker: Worker
    server_token: str  # the worker's server session, so lookups need no second password


def first_sign_in(device: DeviceStore, server: SignInServer, *, username: str, password: str,
                  kdf: KdfParams) -> FirstSignIn:
    """Raises WrongCredentials for a password the server refuses, KeyWithdrawn and
    DeviceRevoked as they come, SignInRefused (worded for the worker) for anything else:
    AWAITING_APPROVAL when the server keeps the key until the team lead approves this
    laptop for the worker (nothing is kept here; the worker signs in again later)."""
    signed = _server_sign_in(server, username, password)
    if not signed["store_key"]:
        raise SignInRefused(NO_ESCROW)
    try:
        store = device.open_with_escrowed_key(base64.b64decode(signed["store_key"]))
    except StoreError as error:
        raise SignInRefused(str(error)) from error
    try:
        row = _worker_row(store, username, signed)
        # Last, so a failure above leaves no wrap that would skip the server next time.
        device.add_worker_wrap(store, username=username, passphrase=password, kdf=kdf)
    except BaseException:
        store.close()  # and the key it holds wiped; the worker can simply try again
        raise
    return FirstSignIn(store, row, signed["session_token"])


def _worker_row(store: OpenStore, username: str, signed: p.SignInResponse) -> Worker:
    """The worker's row here, and their sync credential for this laptop with it."""
    info = signed["worker"]
    with store.transaction() as db:
        repo = WorkerRepository(db)
        row = repo.by_username(username) or repo.add(
            username=username, full_name=info["display_name"], role=info["role"],
            worker_id=info["worker_id"])
        if signed.get("sync_credential"):
            sync_credentials.keep(db, info["worker_id"], signed["sync_credential"])
        return row


class WrongCredentials(Exception):
    """The server does not know this username with this password."""


class KeyWithdrawn(Exception):
    """The server no longer accepts this laptop's sign-in key."""


_REFUSALS = {
    p.ERR_WRONG_TEAM: "Your account belongs to a different team from this laptop. Use one "
                      "of your own team's laptops, or ask IT to move you.",
    p.ERR_WORKER_DISABLED: "Your account is switched off on the server. Ask your team lead.",
    # The server's policy `approval`: the password was right, the laptop is not yet theirs.
    p.ERR_KEY_RELEASE_PENDING: AWAITING_APPROVAL,
    p.ERR_KEY_RELEASE_REFUSED: APPROVAL_REFUSED,
}


def _server_sign_in(server: SignInServer, username: str, password: str) -> p.SignInResponse:
    try:
        # One attempt: a worker is waiting at the sign-in window, and a 429's Retry-After
        # (minutes) is theirs to see, not a reason to sit on the database thread.
        return HttpTransport(server.url, server.key, attempts=1).sign_in(username, password)
    except ServerUnreachable as error:
        raise SignInRefused(NEEDS_NETWORK) from error
    except DeviceRevoked:
        raise
    except ServerRefused as error:
        code = error.body.get("error")
        if code == p.ERR_INVALID_CREDENTIALS:
            raise WrongCredentials() from error
        if code == p.ERR_UNAUTHENTICATED:
            raise KeyWithdrawn() from error
        raise SignInRefused(_REFUSALS.get(code, str(error))) from error
    except SyncError as error:
        raise SignInRefused(str(error)) from error
