"""The caseload: a local digest per person so the list never opens every record."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Select, and_, case, desc, func, or_, select, text
from sqlalchemy.orm import Session, defer

from app.store.models import Person as PersonRow
from app.store.person_models import PersonDigest


@dataclass(frozen=True)
class DigestRow:
    person_id: str
    given_name: str
    family_name: str
    date_of_birth: str | None
    last_contact_at: str | None
    last_contact_setting: str | None
    risk_level: str
    risk_headline: str
    confirmations: dict[str, str]  # section -> confirmed_at
    journey: str = "[]"  # app.domain.journey.digest


class CaseloadRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def refresh(self, person_id: str, *, risk_level: str | None = None,
                risk_headline: str | None = None, confirmations: dict[str, str] | None = None,
                contact: tuple[str, str] | None = None, touched_by: str | None = None,
                key_worker_id: str | None = None, journey: str | None = None) -> None:
        row = self._session.get(PersonDigest, person_id)
        if row is None:
            row = PersonDigest(person_id=person_id, risk_level="not_assessed",
                               risk_headline="Risk not assessed", confirmations_json="{}",
                               touched_by_json="[]")
            self._session.add(row)
        if risk_level is not None:
            row.risk_level, row.risk_headline = risk_level, risk_headline or ""
        if confirmations is not None:
            row.confirmations_json = json.dumps(confirmations)
        if contact is not None:
            row.last_contact_at, row.last_contact_setting = contact
        if touched_by is not None:
            touched = set(json.loads(row.touched_by_json)) | {touched_by}
            row.touched_by_json = json.dumps(sorted(touched))
        if key_worker_id is not None:
            row.key_worker_id = key_worker_id
        if journey is not None:
            row.journey_json = journey

    def rows(self, *, worker_id: str | None = None, person_ids: list[str] | None = None,
             limit: int = 200) -> list[DigestRow]:
        """Latest contact first, then those never contacted by name.

        Asked as two queries that each walk an index (last contact; family name) and stop
        at `limit`: one query sorting the whole join read every person on every refresh."""
        contacted = self._filtered(
            select(PersonRow, PersonDigest).select_from(PersonDigest)
            .join(PersonRow, PersonRow.id == PersonDigest.person_id)  # from the digest's index
            .where(PersonDigest.last_contact_at.is_not(None)), worker_id, person_ids).order_by(
            desc(PersonDigest.last_contact_at))  # one column: SQLite then walks its index
        found = sorted(self._run(contacted.limit(limit)), key=_by_name)
        found.sort(key=lambda row: row.last_contact_at or "", reverse=True)  # stable: names
        if len(found) < limit:
            never = self._select(worker_id, person_ids).where(
                PersonDigest.last_contact_at.is_(None)).order_by(
                PersonRow.family_name, PersonRow.given_name)
            found += self._run(never.limit(limit - len(found)))
        return found

    def held_by(self, worker_id: str | None, limit: int = 200) -> list[DigestRow]:
        """The people a key worker holds (None: held by nobody), by name: the lead's desk."""
        if worker_id is None:  # most people, maybe: walk the name index and stop at limit
            query = select(PersonRow, PersonDigest).select_from(PersonRow).join(
                PersonDigest, PersonDigest.person_id == PersonRow.id).where(
                func.coalesce(PersonDigest.key_worker_id, "") == "")  # not by that index
        else:  # a caseload's worth: found through the key-worker index, then sorted
            query = select(PersonRow, PersonDigest).select_from(PersonDigest).join(
                PersonRow, PersonRow.id == PersonDigest.person_id).where(
                PersonDigest.key_worker_id == worker_id)
        query = self._filtered(query, None, None)
        return self._run(query.order_by(PersonRow.family_name, PersonRow.given_name)
                         .limit(limit))

    def _select(self, worker_id: str | None, person_ids: list[str] | None) -> Select:
        return self._filtered(select(PersonRow, PersonDigest).outerjoin(
            PersonDigest, PersonDigest.person_id == PersonRow.id), worker_id, person_ids)

    @staticmethod
    def _filtered(query: Select, worker_id: str | None, person_ids: list[str] | None) -> Select:
        # The task list's digest is not the caseload's: left unread (a few hundred bytes
        # a row, on every refresh).
        query = query.options(defer(PersonDigest.tasks_json)).where(
            PersonRow.deleted.is_(False), PersonRow.merged_into.is_(None))
        if worker_id is not None:  # allocated to them; never allocated, touched by them
            query = query.where(or_(
                PersonDigest.key_worker_id == worker_id,
                and_(PersonDigest.key_worker_id.is_(None),
                     PersonDigest.touched_by_json.contains(f'"{worker_id}"'))))
        if person_ids is not None:
            query = query.where(PersonRow.id.in_(person_ids))
        return query

    def _run(self, query: Select) -> list[DigestRow]:
        return [_digest(person, digest) for person, digest in self._session.execute(query)]


def _digest(person: PersonRow, digest: PersonDigest | None) -> DigestRow:
    return DigestRow(
        person.id, person.given_name, person.family_name, person.date_of_birth,
        digest.last_contact_at if digest else None,
        digest.last_contact_setting if digest else None,
        digest.risk_level if digest else "not_assessed",
        digest.risk_headline if digest else "Risk not assessed",
        json.loads(digest.confirmations_json) if digest else {},
        digest.journey_json if digest else "[]",
    )


def _by_name(row: DigestRow) -> tuple[str, str]:
    return row.family_name, row.given_name


def load_by_worker(session: Session, today: str) -> list[tuple[str | None, int, int]]:
    """(key worker id, people, people with something overdue) for the team's people on
    this laptop; None: held by nobody. `today` as ISO text (the task index's dates).

    Counted from the digest's (key worker, overdue) index alone, then the few people
    merged or deleted taken away (their own partial index): joining every digest to its
    person read 100,000 rows, 0.6 s."""
    late = func.sum(case((PersonDigest.tasks_overdue_on <= today, 1), else_=0))
    counted = {worker: (int(n), int(overdue or 0)) for worker, n, overdue in session.execute(
        select(PersonDigest.key_worker_id, func.count(), late)
        .group_by(PersonDigest.key_worker_id))}
    gone = session.execute(
        select(PersonDigest.key_worker_id, func.count(), late)
        .where(PersonDigest.person_id.in_(select(PersonRow.id).where(text(_GONE))))
        .group_by(PersonDigest.key_worker_id))
    for worker, n, overdue in gone:
        held, held_late = counted[worker]
        counted[worker] = (held - int(n), held_late - int(overdue or 0))
    return [(worker, n, overdue) for worker, (n, overdue) in counted.items() if n]


# As migration 0016's partial index says it, so SQLite uses the index.
_GONE = "people.deleted = 1 OR people.merged_into IS NOT NULL"
