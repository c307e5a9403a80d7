"""A worker who forgot their password, and their team lead on the phone.

The lead's side asks the server for the store key it holds in escrow for the worker's
laptop and turns it into a recovery code to read out (app.domain.recovery_code). The
laptop's side takes that code at the sign-in window: it opens the store with the key,
gives the worker a new key wrap in place of the forgotten one, and audits it; nothing
else in the store changes, and a code that is wrong changes nothing at all.

The worker's password on the server is another matter: IT sets a new one there
(`admin set-password` or the console), and the app asks for that one wherever it
reaches the server in the worker's name.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from app.domain.audit import AuditAction
from app.domain.passphrase import passphrase_problems
from app.services.errors import InvalidInput, ServiceError, SignInRefused
from app.services.reference import ReferenceData
from app.services.session import WorkerSession
from app.services.views import WorkerInfo
from app.store.device import DbSession, DeviceStore, OpenStore
from app.store.errors import StoreError, WrongKeyError
from app.store.keys import KdfParams
from app.store.repositories import WorkerRepository
from app.store.throttle import SignInThrottle
from sync.protocol.recovery_code import (  # noqa: F401 - the sign-in screen's measures
    CODE_CHARACTERS,
    GROUP_LENGTH,
    GROUPS,
    CodeProblem,
    groups,
    parse_code,
)

if TYPE_CHECKING:
    from sync.client.transport import HttpTransport

TEAM_LEAD = "team_lead"
MIN_REASON = 10  # the server's own minimum for a recovery's reason
NOT_KNOWN = ("Nobody with this username has signed in on this laptop. A colleague new to "
             "it signs in with their organisation password instead (that needs the "
             "network).")
WRONG_LAPTOP = ("This code does not open this laptop. Check with your team lead that they "
                "chose this laptop: each laptop has its own code. Nothing was changed.")
SERVER_PASSWORD = ("Your password on the server has not changed: it is still the one you "
                   "forgot. Ask IT to set you a new one; where the app asks for your password "
                   "to reach the server (looking someone up, the team lead's desk), type "
                   "the one IT gives you.")


# ---- the team lead's side ----------------------------------------------------------------
@dataclass(frozen=True)
class TeamLaptop:
    device_id: str
    name: str
    last_seen: str  # dd/mm/yyyy hh:mm UTC, or 'never'
    revoked: bool
    user_ids: tuple[str, ...]  # who has signed in on it online
    user_names: tuple[str, ...]

    @property
    def label(self) -> str:
        """One line for a list: name, who uses it, when it was last seen."""
        who = ", ".join(self.user_names) or "nobody yet"
        state = "REVOKED: its key cannot be recovered" if self.revoked \
            else f"last seen {self.last_seen}"
        return f"{self.name}  —  used by {who}  —  {state}"


@dataclass(frozen=True)
class RecoveredKey:
    """What the lead reads out: the code in groups, and for whom and which laptop."""

    groups: tuple[str, ...]
    laptop_name: str
    worker_name: str


def team_laptops(*, session: WorkerSession, password: str = "") -> list[TeamLaptop]:
    """The team's laptops as the server lists them, working ones first."""
    _require_lead(session)
    with _server_in_words():
        found = _lead_transport(session, password).team_devices()
    return [TeamLaptop(d["device_id"], d["name"], _when(d["last_seen_at"]), d["revoked"],
                       tuple(u["worker_id"] for u in d["users"]),
                       tuple(u["display_name"] for u in d["users"])) for d in found]


def recover_key(*, session: WorkerSession, password: str = "", laptop: TeamLaptop | None,
                worker_id: str, worker_name: str, reason: str) -> RecoveredKey:
    """The laptop's key, as a recovery code; the server audits it and tells the team, and
    this laptop's own audit trail says a key was shown on it."""
    _require_lead(session)
    reason = " ".join(reason.split())
    _check_request(laptop, worker_id, reason)
    assert laptop is not None
    with _server_in_words():
        reply = _lead_transport(session, password).recover_key(laptop.device_id, worker_id,
                                                               reason)
    with session.transaction() as db:
        session.audit(db, AuditAction.EXPORT, record_type="store-key",
                      record_id=laptop.device_id,
                      detail={"for_worker_id": worker_id, "reason": reason})
    key = base64.b64decode(reply["store_key"])
    return RecoveredKey(tuple(groups(key)), laptop.name, worker_name)


def _check_request(laptop: TeamLaptop | None, worker_id: str, reason: str) -> None:
    problems: dict[str, str] = {}
    if not worker_id:
        problems["worker"] = "Choose the worker who forgot their password."
    if laptop is None:
        problems["laptop"] = "Choose the laptop they are sitting at."
    elif laptop.revoked:
        problems["laptop"] = ("This laptop is revoked: its key is never recovered. Enrol a "
                              "new laptop for them instead.")
    if len(reason) < MIN_REASON:
        problems["reason"] = (f"Say why in a few words (at least {MIN_REASON} characters): "
                              "the audit trail and your team's notifications show it.")
    if problems:
        raise InvalidInput(problems)


def _require_lead(session: WorkerSession) -> None:
    if session.worker.role != TEAM_LEAD:
        raise InvalidInput({"role": "Only a team lead can recover a key: ask yours."})


def _lead_transport(session: WorkerSession, password: str) -> HttpTransport:
    # Imported here: sync is heavy, and the sign-in window's service imports this module.
    from app.services.sync import worker_transport

    return worker_transport(session, password)


@contextmanager
def _server_in_words() -> Iterator[None]:
    """'Laptop … was revoked on …', not 'The server refused the request (409): …'."""
    from sync.client.transport import ServerRefused, SyncError

    try:
        yield
    except ServerRefused as error:
        message = str(error.body.get("message") or "").strip()
        if not message:
            raise ServiceError(str(error)) from error
        raise ServiceError(message[:1].upper() + message[1:]
                           + ("" if message.endswith(".") else ".")) from error
    except SyncError as error:
        raise ServiceError(str(error)) from error


def _when(iso: str | None) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]} {iso[11:16]} UTC" if iso else "never"


# ---- the laptop's side: the worker types the code ---------------------------------------
@dataclass(frozen=True)
class Recovery:
    """What the laptop needs to take a recovery code for one of its workers."""

    device: DeviceStore
    throttle: SignInThrottle
    kdf: KdfParams
    reference: ReferenceData


def recover_with_code(recovery: Recovery, *, username: str, code: str, passphrase: str,
                      confirmation: str) -> str:
    """Open the store with the code's key and replace the worker's key wrap with one for
    their new passphrase; returns the username to sign in with. InvalidInput (by field)
    for anything wrong, with nothing changed."""
    username = username.strip().lower()
    key = _check_typed(recovery.device, username, code, passphrase, confirmation)
    try:
        store = recovery.device.open_with_escrowed_key(key)
    except WrongKeyError:
        raise InvalidInput({"code": WRONG_LAPTOP}) from None
    except StoreError as error:
        raise SignInRefused(str(error)) from error
    try:
        _rewrap(recovery, store, username, passphrase)
    finally:
        store.close()  # the worker signs in as usual next, with the new passphrase
    return username


def _check_typed(device: DeviceStore, username: str, code: str, passphrase: str,
                 confirmation: str) -> bytes:
    """Everything that can be checked before the key is tried, each beside its field."""
    problems: dict[str, str] = {}
    if username not in device.usernames():
        problems["username"] = NOT_KNOWN
    key = b""
    try:
        key = parse_code(code)
    except CodeProblem as problem:
        problems["code"] = str(problem)
    found = passphrase_problems(passphrase, username=username)
    if found:
        problems["passphrase"] = " ".join(found)
    elif passphrase != confirmation:
        problems["confirmation"] = "The two passwords are different. Type the same one twice."
    if problems:
        raise InvalidInput(problems)
    return key


def _rewrap(recovery: Recovery, store: OpenStore, username: str, passphrase: str) -> None:
    with store.transaction() as db:
        row = WorkerRepository(db).by_username(username)
        info = WorkerInfo(row.id, row.username, row.full_name, row.role) if row else None
    if info is None:  # a wrap without a worker row: the files were mixed up
        raise InvalidInput({"username": NOT_KNOWN})
    named = passphrase_problems(passphrase, username=username, full_name=info.full_name)
    if named:
        raise InvalidInput({"passphrase": " ".join(named)})
    session = WorkerSession(store, info, recovery.reference, device=recovery.device)
    # The wrap is written inside the audit's transaction: if it cannot be written, the
    # audit entry is rolled back with it, and the old wrap is still there.
    with session.transaction() as db:
        session.audit(db, AuditAction.EDIT, record_type="key-wrap", record_id=info.id,
                      detail={"username": username, "how": "recovery code from a team lead"})
        recovery.device.replace_worker_wrap(store, username=username, passphrase=passphrase,
                                            kdf=recovery.kdf)
        _forgive_wrong_attempts(session, db, recovery.throttle)


def _forgive_wrong_attempts(session: WorkerSession, db: DbSession,
                            throttle: SignInThrottle) -> None:
    """The worker proved they hold the key: the growing wait their forgotten password
    earned must not keep them out now. The attempts go into the audit trail, as a
    sign-in would have put them."""
    for failed_at in throttle.record_success(session.worker.username):
        when = datetime.fromtimestamp(failed_at, UTC).isoformat(timespec="seconds")
        session.audit(db, AuditAction.SIGN_IN_FAILED, detail={"at": when})
