"""The caseload and search: who the worker is working with, at a glance."""

from __future__ import annotations

from datetime import date, datetime

from app.domain.assessment import stale_sections
from app.domain.dates import age_on, is_young_person
from app.services.session import WorkerSession
from app.services.views import PersonSummary, uk_date
from app.store.caseload_repo import CaseloadRepository, DigestRow
from app.store.device import DbSession
from app.store.people_repo import PeopleRepository


def _summary(row: DigestRow, session: WorkerSession, today: date) -> PersonSummary:
    dob = date.fromisoformat(row.date_of_birth) if row.date_of_birth else None
    confirmed = {s: datetime.fromisoformat(at) for s, at in row.confirmations.items()}
    stale = stale_sections(confirmed, today, session.reference.stale_section_days,
                           section_ids=session.reference.schema.section_ids)
    contact = f"{uk_date(row.last_contact_at)} {row.last_contact_setting}" \
        if row.last_contact_at else ""
    return PersonSummary(
        row.person_id, row.given_name, row.family_name, row.date_of_birth,
        age=age_on(dob, today) if dob else None,
        young_person=bool(dob and is_young_person(dob, today)),
        last_contact=contact, risk_level=row.risk_level, risk_headline=row.risk_headline,
        stale_sections=tuple(stale),
    )


def summaries(db: DbSession, session: WorkerSession, person_ids: list[str],
              today: date | None = None) -> dict[str, PersonSummary]:
    rows = CaseloadRepository(db).rows(person_ids=person_ids, limit=len(person_ids) or 1)
    return {row.person_id: _summary(row, session, today or date.today()) for row in rows}


def caseload(*, session: WorkerSession, mine_only: bool = False,
             limit: int = 200) -> list[PersonSummary]:
    """My people (created, contacted or updated by me) or the whole team's, latest first."""
    today = date.today()
    with session.transaction() as db:
        rows = CaseloadRepository(db).rows(
            worker_id=session.worker.id if mine_only else None, limit=limit)
        return [_summary(row, session, today) for row in rows]


def search_people(*, session: WorkerSession, text: str, limit: int = 50) -> list[PersonSummary]:
    """Names, aliases and identifiers, best match first."""
    if not text.strip():
        return caseload(session=session, limit=limit)
    with session.transaction() as db:
        ids = PeopleRepository(db).search_ids(text, limit=limit)
        found = summaries(db, session, ids)
    return [found[i] for i in ids if i in found]
