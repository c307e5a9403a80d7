"""Rows <-> domain values. Repositories never commit: services own the transaction."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.store.models import DeviceMeta, Draft, Worker, new_uuid


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class WorkerRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, *, username: str, full_name: str, role: str = "worker",
            worker_id: str | None = None) -> Worker:
        # An enrolled device uses the server's worker id, so records name the same person
        # on every laptop.
        worker = Worker(id=worker_id or new_uuid(), username=username, full_name=full_name,
                        role=role, created_at=utc_now())
        self._session.add(worker)
        self._session.flush()
        return worker

    def by_username(self, username: str) -> Worker | None:
        return self._session.scalar(select(Worker).where(Worker.username == username))

    def names(self) -> dict[str, str]:
        """worker id -> full name, of everyone who has signed in on this laptop."""
        rows = self._session.execute(select(Worker.id, Worker.full_name))
        return {worker_id: name for worker_id, name in rows}


class DeviceMetaRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, key: str) -> str | None:
        row = self._session.get(DeviceMeta, key)
        return row.value if row else None

    def put(self, key: str, value: str) -> None:
        self._session.merge(DeviceMeta(key=key, value=value))


class DraftRepository:
    def __init__(self, session: Session, worker_id: str) -> None:
        self._session = session
        self._worker_id = worker_id

    def save(self, key: str, payload: dict[str, object]) -> None:
        self._session.merge(Draft(key=key, worker_id=self._worker_id,
                                  payload=json.dumps(payload), saved_at=utc_now()))

    def all(self) -> dict[str, dict[str, object]]:
        rows = self._session.scalars(select(Draft).where(Draft.worker_id == self._worker_id))
        return {row.key: json.loads(row.payload) for row in rows}

    def discard(self, key: str) -> None:
        self._session.execute(
            delete(Draft).where(Draft.key == key, Draft.worker_id == self._worker_id)
        )
