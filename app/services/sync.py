"""Enrol with the central server, sync, and show where sync stands."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from app.domain.audit import AuditAction
from app.services.session import WorkerSession
from app.store.repositories import DeviceMetaRepository
from app.store.sync_models import SyncState
from app.store.sync_store import EncryptedSyncStore
from sync.client.engine import Progress, SyncEngine, SyncReport
from sync.client.transport import (
    DeviceRevoked,
    HttpTransport,
    ServerRefused,
    ServerUnreachable,
    SyncError,
)

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


def transport_for(session: WorkerSession) -> HttpTransport:
    return HttpTransport(_state(session, "server_url"), _state(session, "device_token"))


def sync_now(*, session: WorkerSession, progress: Progress | None = None,
             transport: HttpTransport | None = None) -> SyncReport:
    """One full cycle. A revoked device loses its key wraps here (the caller then locks)."""
    store = EncryptedSyncStore(session.open_store)
    engine = SyncEngine(store, transport or transport_for(session))
    try:
        report = engine.run_once(progress)
    except DeviceRevoked:
        session.on_revoked()
        raise
    with session.transaction() as db:
        session.audit(db, AuditAction.SYNC, detail={
            "pushed": report.pushed, "pulled": report.pulled, "refused": len(report.refused),
            "conflicts": report.conflicts})
    return report


def sync_status(*, session: WorkerSession) -> SyncStatus:
    counts = EncryptedSyncStore(session.open_store).counts()
    return SyncStatus(is_enrolled(session=session), _state(session, "server_url"),
                      counts["pending"], counts["refused"], counts["conflicts"],
                      _state(session, "last_pull_at"))


def remember_enrolment(session: WorkerSession, *, server_url: str, token: str,
                       server_device_id: str, team_name: str) -> None:
    with session.transaction() as db:
        for key, value in (("server_url", server_url), ("device_token", token),
                           ("server_device_id", server_device_id), ("team_name", team_name)):
            db.merge(SyncState(key=key, value=value))
        DeviceMetaRepository(db).put("mode", "enrolled")


def escrow_store_key(session: WorkerSession, transport: HttpTransport) -> None:
    transport.upload_escrow(base64.b64encode(session.open_store.key_for_escrow()).decode())
