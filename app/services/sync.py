"""Enrol with the central server, sync, and show where sync stands."""

from __future__ import annotations

import base64
import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import requests

from app.config import app_version
from app.domain.audit import AuditAction
from app.domain.errors import InvalidValue
from app.domain.identifiers import normalise_nhs_number, normalise_pnc_id, normalise_prison_number
from app.services import key_workers, signing
from app.services.errors import SessionLocked
from app.services.session import WorkerSession
from app.store.keys import SignInServer
from app.store.repositories import DeviceMetaRepository
from app.store.sync import credentials as sync_credentials
from app.store.sync.models import SyncState
from app.store.sync.store import EncryptedSyncStore
from sync import protocol as p
from sync.client.engine import Progress, SyncEngine, SyncReport
from sync.client.transport import (
    DeviceRevoked,
    HttpTransport,
    ServerRefused,
    ServerUnreachable,
    SyncError,
)
from sync.client.trust import new_session

_log = logging.getLogger(__name__)

__all__ = ["DeviceRevoked", "ServerRefused", "ServerUnreachable", "SyncError", "SyncReport",
           "SyncStatus", "is_enrolled", "sync_now", "sync_status"]


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    server_url: str
    pending: int
    refused: int
    conflicts: int
    last_sync: str  # ISO time of the last completed pull, "" if never


def _state(session: WorkerSession, key: str) -> str:
    with session.transaction() as db:
        row = db.get(SyncState, key)
        return row.value if row else ""


def is_enrolled(*, session: WorkerSession) -> bool:
    return bool(_state(session, "device_token"))


# One HTTP connection pool per server for the life of the app: each cycle then reuses
# the open connection (the server keeps it 75 s) instead of connecting afresh. Not per
# thread: the database thread is a pool thread that comes and goes between cycles. A
# lookup may run beside a background sync; requests' pool is thread-safe and our server
# sets no cookies, the one part of a Session that is shared state. The credentials go
# with each request, never into the pool.
_pools: dict[str, requests.Session] = {}
_pools_lock = threading.Lock()


def _connection(base_url: str) -> requests.Session:
    with _pools_lock:
        # Certificates checked against the operating system's store (an internal CA).
        return _pools.setdefault(base_url, new_session())


def keep_sync_credential(session: WorkerSession, signed: p.SignInResponse) -> None:
    """Keep the credential a server sign-in gave (none for a role that may not write)."""
    token = signed.get("sync_credential")
    if token:
        with session.transaction() as db:
            sync_credentials.keep(db, signed["worker"]["worker_id"], token)


def ensure_sync_credential(*, session: WorkerSession, password: str,
                           wait: bool = False) -> None:
    """A worker who signed in here before sync credentials existed has none, and their
    changes wait. On an enrolled laptop their passphrase is their server password, so
    one server sign-in gets it: in the background (`wait` False: unlocking never waits
    on the network), or now (the headless `sync`, which pushes straight after)."""
    if not is_enrolled(session=session) or session.worker.id in credentials_for(
            session=session):
        return

    def fetch() -> None:
        try:
            with session.transaction() as db:
                url, token = (db.get(SyncState, key) for key in ("server_url", "device_token"))
            transport = HttpTransport(url.value if url else "", token.value if token else "",
                                      attempts=1, timeout=(3, 10))
            signed = transport.sign_in(session.worker.username, password)
            keep_sync_credential(session, signed)
            session.server_token = session.server_token or signed["session_token"]
        except (SyncError, SessionLocked, ValueError) as error:  # the next sign-in tries again
            _log.warning("no sync credential for this worker yet: %s", error)

    if wait:
        fetch()
    else:
        threading.Thread(target=fetch, name="sync-credential", daemon=True).start()


def credentials_for(*, session: WorkerSession) -> dict[str, str]:
    """Each worker's sync credential on this laptop, by worker id."""
    with session.transaction() as db:
        return sync_credentials.held(db)


class WorkerDisabled(SyncError):
    def __init__(self) -> None:
        super().__init__("Your account has been switched off on the server, so this laptop "
                         "no longer opens for you. Your unsent work is kept on the laptop. "
                         "Ask your team lead.")


_SWITCHED_OFF = ("403: the account of the worker who made this change was switched off; "
                 "kept on this laptop, not sent")


def _forget_disabled(session: WorkerSession, worker_ids: set[str]) -> None:
    """The server says these workers are switched off: they lose their key wraps and
    credentials here, so they cannot unlock this laptop even offline. Their unsent
    changes stay here, listed as refused: never sent, and never holding back a
    colleague's changes (the server refuses any that reach it, on record)."""
    still_here = set(session.device.usernames()) if session.device is not None else set()
    with session.transaction() as db:
        held = set(sync_credentials.held(db))
        gone = [(worker_id, username) for worker_id, username in
                sync_credentials.forget(db, worker_ids)
                if username in still_here or worker_id in held]  # each told once, not daily
        for worker_id, username in gone:
            kept = sync_credentials.set_aside_unsent(db, {worker_id}, _SWITCHED_OFF)
            session.audit(db, AuditAction.WORKER_DISABLED, record_type="worker",
                          record_id=worker_id, detail={"username": username,
                                                       "unsent_kept": kept})
    if session.device is not None:
        for _worker_id, username in gone:
            session.device.remove_worker_wrap(username)
    if session.worker.id in worker_ids:
        session.close()
        raise WorkerDisabled()


def transport_for(session: WorkerSession) -> HttpTransport:
    with session.transaction() as db:  # one read, not one per key: it starts every cycle
        url, token = (db.get(SyncState, key) for key in ("server_url", "device_token"))
    base = url.value if url else ""
    return HttpTransport(base, token.value if token else "", session=_connection(base))


def sync_now(*, session: WorkerSession, progress: Progress | None = None,
             transport: HttpTransport | None = None) -> SyncReport:
    """One full cycle. A revoked device loses its key wraps here (the caller then locks)."""
    store = EncryptedSyncStore(session.open_store)
    transport = transport or transport_for(session)
    engine = SyncEngine(store, transport, credentials=credentials_for(session=session))
    try:
        report = engine.run_once(progress)
    except DeviceRevoked as revoked:
        _revoke(session, store, revoked)
        raise
    if report.unverified:  # the server no longer takes these: the next sign-in gets new
        with session.transaction() as db:
            sync_credentials.drop(db, report.unverified)
    if report.disabled_workers:
        _forget_disabled(session, report.disabled_workers)
    _keep_signing_current(session, transport)
    key_workers.keep_team_workers(session=session, transport=transport)
    _report_app_version(session, transport)
    if session.device is not None and session.device.sign_in_server() is None:
        _catch_up_sign_in_key(session, transport)
    with session.transaction() as db:
        session.audit(db, AuditAction.SYNC, detail={
            "pushed": report.pushed, "pulled": report.pulled, "refused": len(report.refused),
            "conflicts": report.conflicts})
    return report


_REPORTED_VERSION = "app_version_reported"


def _report_app_version(session: WorkerSession, transport: HttpTransport) -> None:
    """Tell the server which version this laptop runs, once per version (IT's list of
    laptops shows it before an upgrade). Not fatal: the next sync tries again."""
    running = app_version()
    if _state(session, _REPORTED_VERSION) == running:
        return
    try:
        transport.report_app_version(running)
    except SyncError as error:
        _log.info("app version not reported: %s", error)
        return
    with session.transaction() as db:
        db.merge(SyncState(key=_REPORTED_VERSION, value=running))


_REVOCATIONS_AT = "revocations_fetched_at"
REVOCATIONS_EVERY_S = 3600


def _revocations_due(session: WorkerSession) -> bool:
    last = _state(session, _REVOCATIONS_AT)
    return not last or time.time() - float(last) > REVOCATIONS_EVERY_S


def _keep_signing_current(session: WorkerSession, transport: HttpTransport) -> None:
    """Renew this laptop's signing certificate when it nears its end, and keep the
    organisation's list of revoked laptops. Not fatal: the next sync tries again."""
    try:
        signing.renew_if_expiring(session=session, issue=transport.signing_certificate)
        if _revocations_due(session):  # hourly: not a round trip more on every cycle
            signing.keep_revocation_list(session=session,
                                         crl_pem=transport.signing_revocations())
            with session.transaction() as db:
                db.merge(SyncState(key=_REVOCATIONS_AT, value=str(time.time())))
    except (SyncError, signing.SigningUnavailable) as error:
        _log.warning("signing certificate or revocation list not refreshed: %s", error)


def sync_status(*, session: WorkerSession) -> SyncStatus:
    counts = EncryptedSyncStore(session.open_store).counts()
    return SyncStatus(is_enrolled(session=session), _state(session, "server_url"),
                      counts["pending"], counts["refused"], counts["conflicts"],
                      _state(session, "last_pull_at"))


def remember_enrolment(session: WorkerSession, *, server_url: str, token: str,
                       server_device_id: str, team_name: str, team_id: str = "") -> None:
    with session.transaction() as db:
        for key, value in (("server_url", server_url), ("device_token", token),
                           ("server_device_id", server_device_id), ("team_name", team_name),
                           ("team_id", team_id)):
            db.merge(SyncState(key=key, value=value))
        DeviceMetaRepository(db).put("mode", "enrolled")


def take_organisation_signing_certificate(session: WorkerSession,
                                         transport: HttpTransport) -> None:
    """Plans this laptop signs then verify as trusted on every laptop of the organisation."""
    csr = signing.make_certificate_request(session=session)
    issued = transport.signing_certificate(csr)
    signing.install_issued_certificate(session=session, certificate_pem=issued["certificate"],
                                       ca_pem=issued["ca_certificate"])


def keep_sign_in_key(session: WorkerSession, transport: HttpTransport, *,
                     server_url: str) -> None:
    """Ask the server for this laptop's sign-in key and keep it beside the key wraps, so a
    worker who has never used the laptop can sign in on it (their first time needs a network)."""
    if session.device is None:
        return
    issued = transport.new_sign_in_key()
    session.device.put_sign_in_server(SignInServer(server_url, issued["sign_in_key"]))


def _revoke(session: WorkerSession, store: EncryptedSyncStore, error: DeviceRevoked) -> None:
    """Count what the keys take with them (work never sent), leave that for the next
    start to say (the server's sentence: when, and the reason IT typed), destroy the
    keys, then tell the server they are gone."""
    note: dict[str, object] = {"at": datetime.now(UTC).isoformat(timespec="seconds"),
                               "message": str(error)}
    url = token = ""
    try:
        counts = store.counts()
        note["unsent"] = counts["pending"] + counts["refused"]  # refused: kept, never sent
        # Read before the wipe: the address and token live in the store the wipe locks.
        url, token = _state(session, "server_url"), _state(session, "device_token")
    finally:  # a store that cannot be read must still lose its keys
        session.on_revoked(note)
    report_wiped(url, token)


def report_wiped(server_url: str, device_token: str) -> None:
    """Best effort, once: IT sees "revoked, wiped <time>" in list-devices. Nothing here
    may stop the wipe, which has happened already, nor hide the revocation from the
    caller, so every failure is logged and dropped."""
    if not server_url or not device_token:
        return
    try:
        HttpTransport(server_url, device_token, attempts=1, timeout=(3, 10),
                      session=_connection(server_url)).report_wiped()
    except Exception as error:  # any failure: the wipe stands regardless
        _log.warning("the wipe was not reported to the server: %s", type(error).__name__)


def _catch_up_sign_in_key(session: WorkerSession, transport: HttpTransport) -> None:
    """Laptops enrolled before sign-in keys existed get theirs after a good sync. Not having
    one only stops new workers signing in here, so a failure waits for the next sync."""
    try:
        keep_sign_in_key(session, transport, server_url=_state(session, "server_url"))
    except DeviceRevoked as revoked:
        _revoke(session, EncryptedSyncStore(session.open_store), revoked)
        raise
    except SyncError as error:
        _log.warning("no sign-in key for this laptop yet: %s", error)


def escrow_store_key(session: WorkerSession, transport: HttpTransport) -> None:
    transport.upload_escrow(base64.b64encode(session.open_store.key_for_escrow()).decode())


# ---- people known to other teams: the custody-to-prison handover ------------------------
@dataclass(frozen=True)
class ElsewhereMatch:
    person_id: str
    owning_team_id: str
    linkage_key: str
    team_name: str = ""  # "" from an older server, which does not send it
    consent: bool | None = None  # covers this worker's agency; None: the server did not say


def worker_transport(session: WorkerSession, password: str) -> HttpTransport:
    """Worker actions need the worker's own server sign-in, once per unlocked session."""
    transport = transport_for(session)
    token = session.server_token
    if not token:
        signed = transport.sign_in(session.worker.username, password)
        keep_sync_credential(session, signed)
        token = session.server_token = signed["session_token"]
    transport.worker_session = token
    return transport


def find_elsewhere(*, session: WorkerSession, password: str, typed: str) -> list[ElsewhereMatch]:
    """By an identifier (PNC ID, prison number, NHS number) or the NDTMS linkage key."""
    transport = worker_transport(session, password)
    identifier = _identifier(typed)
    found = transport.lookup(identifier=identifier) if identifier else transport.lookup(
        linkage_key=typed.strip().upper())
    return [ElsewhereMatch(m["person_id"], m["owning_team_id"], m["linkage_key"],
                           m.get("team_name") or "", m.get("consent")) for m in found]


def fetch_person(*, session: WorkerSession, password: str, person_id: str,
                 reason: str) -> SyncReport:
    """Bring the person onto this laptop (their consent must allow it), then sync them in."""
    worker_transport(session, password).fetch(person_id, reason)
    with session.transaction() as db:
        session.audit(db, AuditAction.VIEW, record_type="person-fetch", record_id=person_id,
                      detail={"reason": reason})
    return sync_now(session=session)


def break_glass(*, session: WorkerSession, password: str, person_id: str, reason_code: str,
                reason: str) -> SyncReport:
    """Bring a person onto this laptop whatever their consent says, in an emergency: the
    password again (never one click), a reason both teams' leads read; then sync them in."""
    worker_transport(session, password).break_glass(
        person_id, password=password, reason_code=reason_code, reason=reason)
    with session.transaction() as db:
        session.audit(db, AuditAction.VIEW, record_type="person-break-glass",
                      record_id=person_id, detail={"reason_code": reason_code,
                                                   "reason": reason})
    return sync_now(session=session)


def _identifier(typed: str) -> p.Identifier | None:
    for kind, parse in (("pnc", normalise_pnc_id), ("nomis", normalise_prison_number),
                        ("nhs", normalise_nhs_number)):
        try:
            return {"kind": kind, "value": parse(typed)}  # type: ignore[typeddict-item]
        except InvalidValue:
            continue
    return None
