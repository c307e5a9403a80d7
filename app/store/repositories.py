"""Rows <-> domain values. Repositories never commit: services own the transaction."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from app.store.identity import WriteContext, stamp_new
from app.store.models import DeviceMeta, Draft, Person, Worker


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class WorkerRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, *, username: str, full_name: str, role: str = "worker") -> Worker:
        worker = Worker(username=username, full_name=full_name, role=role, created_at=utc_now())
        self._session.add(worker)
        self._session.flush()
        return worker

    def by_username(self, username: str) -> Worker | None:
        return self._session.scalar(select(Worker).where(Worker.username == username))


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


class PersonRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, ctx: WriteContext, *, given_name: str, family_name: str,
            date_of_birth: str | None) -> Person:
        person = Person(given_name=given_name, family_name=family_name,
                        date_of_birth=date_of_birth)
        stamp_new(person, ctx)
        self._session.add(person)
        self._session.flush()
        return person

    def search(self, text: str = "", limit: int = 200) -> list[Person]:
        query = select(Person).where(Person.deleted.is_(False))
        for word in text.split():
            pattern = f"%{word.lower()}%"
            query = query.where(or_(func.lower(Person.given_name).like(pattern),
                                    func.lower(Person.family_name).like(pattern)))
        query = query.order_by(Person.family_name, Person.given_name).limit(limit)
        return list(self._session.scalars(query))
