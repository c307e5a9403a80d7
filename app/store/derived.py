"""Local indexes and digests derived from synced rows, rebuilt after a pull touches them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from app.domain.assessment import risk_summary
from app.store.assessment_repo import AssessmentRepository
from app.store.caseload_repo import CaseloadRepository
from app.store.models import Person
from app.store.people_repo import PeopleRepository
from app.store.person_models import BlockingKey, PersonDigest


def refresh(db: Session, person_ids: Iterable[str]) -> None:
    for person_id in sorted(person_ids):
        person = db.get(Person, person_id)
        if person is None or person.deleted:
            continue
        PeopleRepository(db).reindex(person_id=person_id)
        repo = AssessmentRepository(db)
        risk = risk_summary(repo.values(person_id))
        contacts = repo.contacts(person_id)
        CaseloadRepository(db).refresh(
            person_id, risk_level=risk.level, risk_headline=risk.headline(),
            confirmations={s: c.at_utc for s, c in repo.confirmations(person_id).items()},
            contact=(contacts[0].at_utc, contacts[0].setting) if contacts else None)


def forget(db: Session, person_id: str) -> None:
    db.execute(delete(BlockingKey).where(BlockingKey.person_id == person_id))
    db.execute(delete(PersonDigest).where(PersonDigest.person_id == person_id))
    db.execute(text("DELETE FROM people_search WHERE person_id = :p"), {"p": person_id})
