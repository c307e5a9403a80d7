"""A signed-in worker's session: the open store, who they are, and how to lock it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from app.domain.audit import AuditAction
from app.services.errors import SessionLocked
from app.services.reference import ReferenceData
from app.services.views import WorkerInfo
from app.store import audit
from app.store.device import DbSession, DeviceStore, OpenStore
from app.store.identity import WriteContext


class WorkerSession:
    def __init__(self, store: OpenStore, worker: WorkerInfo, reference: ReferenceData,
                 device: DeviceStore | None = None) -> None:
        self._store = store
        self.worker = worker
        self.reference = reference
        self.device = device  # the files around the store: key wraps, the sign-in key
        self.context = WriteContext(store.device_id, worker.id, store.clock)
        self.server_token = ""  # the worker's server sign-in, kept in memory until lock

    @property
    def open_store(self) -> OpenStore:
        return self._store

    def on_revoked(self, note: dict[str, object] | None = None) -> None:
        """The server says this laptop is revoked: leave a note of what is lost for the
        next start, destroy the key wraps, then lock."""
        if self.device is not None:
            if note:
                self.device.record_revocation(note)
            self.device.destroy_key_wraps()
        self.close()

    @property
    def device_id(self) -> str:
        return self._store.device_id

    @property
    def is_open(self) -> bool:
        return self._store.is_open

    @contextmanager
    def transaction(self, *, read_only: bool = False) -> Iterator[DbSession]:
        """`read_only`: a read that writes nothing, not even an audit entry; it neither
        waits for nor holds up the writers (see OpenStore.transaction)."""
        if not self.is_open:
            raise SessionLocked()
        with self._store.transaction(read_only=read_only) as session:
            yield session

    def audit(self, session: DbSession, action: AuditAction, *, record_type: str | None = None,
              record_id: str | None = None, detail: dict[str, object] | None = None) -> None:
        audit.append(session, action=action, device_id=self.device_id, hlc=self.context.hlc(),
                     worker_id=self.worker.id, record_type=record_type, record_id=record_id,
                     detail=detail)

    def close(self, action: AuditAction = AuditAction.LOCK) -> None:
        """Audit, then close the database and wipe the key. Safe to call twice."""
        if not self.is_open:
            return
        with self.transaction() as session:
            self.audit(session, action)
        self._store.close()


def lock(*, session: WorkerSession) -> None:
    session.close(AuditAction.LOCK)


def sign_out(*, session: WorkerSession) -> None:
    session.close(AuditAction.SIGN_OUT)


def verify_audit_trail(*, session: WorkerSession) -> audit.AuditVerification:
    with session.transaction() as db:
        return audit.verify(db)
