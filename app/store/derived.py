"""Local indexes and digests derived from synced rows, rebuilt after a pull touches them.

Set-based: a first sync touches thousands of people, and a query per person per index
would make it minutes instead of seconds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from app.domain.assessment import risk_summary
from app.store.models import Person
from app.store.people_repo import PeopleRepository
from app.store.person_models import (
    AssessmentValue,
    BlockingKey,
    Contact,
    PersonDigest,
    SectionConfirmation,
)

_CHUNK = 500


def refresh(db: Session, person_ids: Iterable[str]) -> None:
    ids = sorted(set(person_ids))
    PeopleRepository(db).reindex_many(ids)
    for start in range(0, len(ids), _CHUNK):
        _digests(db, ids[start:start + _CHUNK])


def _digests(db: Session, ids: list[str]) -> None:
    alive = set(db.scalars(select(Person.id).where(Person.id.in_(ids),
                                                   Person.deleted.is_(False))))
    risk: dict[str, dict[str, object]] = {}
    for row in db.scalars(select(AssessmentValue).where(
            AssessmentValue.person_id.in_(alive), AssessmentValue.section == "risk",
            AssessmentValue.deleted.is_(False))):
        risk.setdefault(row.person_id, {})[row.field] = json.loads(row.value_json)
    confirmed: dict[str, dict[str, str]] = {}
    for c in db.scalars(select(SectionConfirmation).where(
            SectionConfirmation.person_id.in_(alive))):
        confirmed.setdefault(c.person_id, {})[c.section] = c.confirmed_at
    last_contact: dict[str, Contact] = {}
    for c in db.scalars(select(Contact).where(Contact.person_id.in_(alive),
                                              Contact.deleted.is_(False))
                        .order_by(Contact.created_hlc)):
        last_contact[c.person_id] = c  # ordered: the last one wins
    digests = {d.person_id: d for d in db.scalars(
        select(PersonDigest).where(PersonDigest.person_id.in_(alive)))}
    for person_id in sorted(alive):
        summary = risk_summary({"risk": risk.get(person_id, {})})
        digest = digests.get(person_id) or PersonDigest(person_id=person_id,
                                                         touched_by_json="[]")
        digest.risk_level, digest.risk_headline = summary.level, summary.headline()
        digest.confirmations_json = json.dumps(confirmed.get(person_id, {}))
        contact = last_contact.get(person_id)
        digest.last_contact_at = contact.at_utc if contact else None
        digest.last_contact_setting = contact.setting if contact else None
        if person_id not in digests:
            db.add(digest)


def forget(db: Session, person_id: str) -> None:
    db.execute(delete(BlockingKey).where(BlockingKey.person_id == person_id))
    db.execute(delete(PersonDigest).where(PersonDigest.person_id == person_id))
    db.execute(text("DELETE FROM people_search WHERE person_id = :p"), {"p": person_id})
