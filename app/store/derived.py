"""Local indexes and digests derived from synced rows, rebuilt after a pull touches them.

Set-based: a first sync touches thousands of people, and a query per person per index
would make it minutes instead of seconds.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from datetime import date

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from app.domain.assessment import risk_summary
from app.domain.journey.digest import to_digest
from app.domain.journey.events import JourneyEvent
from app.domain.journey.from_assessment import SECTION, with_assessment
from app.store import task_inputs
from app.store.allocation_models import KeyWorkerAllocation
from app.store.journey_models import JourneyEventRow
from app.store.journey_repo import to_domain as journey_event
from app.store.models import Person
from app.store.people_repo import PeopleRepository
from app.store.person_models import (
    AssessmentValue,
    Contact,
    PersonDigest,
    SectionConfirmation,
)
from sync import protocol as p

_CHUNK = 500
# What a refresh rewrites of an existing digest (the rest is kept).
_DIGEST_COLUMNS = ("risk_level", "risk_headline", "confirmations_json", "last_contact_at",
                   "last_contact_setting", "key_worker_id", "journey_json")


# Which synced tables each derived index is built from: a pulled page of assessment
# answers (most incremental syncs) need not rebuild anyone's search entry.
SEARCH_SOURCES = frozenset({"people", "person_aliases", "person_merges"})
DIGEST_SOURCES = frozenset({"people", "person_merges", "assessment_values",
                            "section_confirmations", "contacts", "key_worker_allocations",
                            "journey_events", "consents", "care_plan_versions",
                            "appointments", "appointment_outcomes", "referrals",
                            "referral_updates", "task_decisions", "top_forms",
                            p.HANDOVERS_TABLE})


def refresh(db: Session, person_ids: Iterable[str], *, new: Collection[str] = (),
            search: Iterable[str] | None = None) -> None:
    """Rebuild the digests of `person_ids`, and the search and matching entries of
    `search` (default: the same people). `new`: people first stored in this transaction
    (nothing derived from them yet)."""
    ids = sorted(set(person_ids))
    PeopleRepository(db).reindex_many(ids if search is None else sorted(set(search)), new=new)
    for start in range(0, len(ids), _CHUNK):
        _digests(db, ids[start:start + _CHUNK])


def refresh_for_rows(db: Session, touched: Iterable[tuple[str, str]], *,
                     new: Collection[str] = ()) -> None:
    """After a pull: `touched` holds (table, person_id) of every row applied; each index
    is rebuilt only for the people whose rows it is built from."""
    pairs = set(touched)
    refresh(db, {person for table, person in pairs if table in DIGEST_SOURCES}, new=new,
            search={person for table, person in pairs if table in SEARCH_SOURCES})


def _digests(db: Session, ids: list[str]) -> None:
    """Read as plain rows and written as two statements: built as mapped objects, the
    digests of a 2,000-row page cost more than storing the page."""
    alive = list(db.scalars(select(Person.id).where(Person.id.in_(ids),
                                                    Person.deleted.is_(False))))
    risk: dict[str, dict[str, object]] = {}
    for person_id, name, value_json in db.execute(select(
            AssessmentValue.person_id, AssessmentValue.field, AssessmentValue.value_json).where(
            AssessmentValue.person_id.in_(alive), AssessmentValue.section == "risk",
            AssessmentValue.deleted.is_(False))):
        risk.setdefault(person_id, {})[name] = json.loads(value_json)
    confirmed: dict[str, dict[str, str]] = {}
    for person_id, section, at in db.execute(select(
            SectionConfirmation.person_id, SectionConfirmation.section,
            SectionConfirmation.confirmed_at).where(SectionConfirmation.person_id.in_(alive))):
        confirmed.setdefault(person_id, {})[section] = at
    last_contact: dict[str, tuple[str, str]] = {}
    for person_id, at, setting in db.execute(select(
            Contact.person_id, Contact.at_utc, Contact.setting).where(
            Contact.person_id.in_(alive), Contact.deleted.is_(False))
            .order_by(Contact.created_hlc)):
        last_contact[person_id] = (at, setting)  # ordered: the last one wins
    key_workers = current_key_workers(db, alive)
    journeys = journey_digests(db, alive)
    have = set(db.scalars(select(PersonDigest.person_id).where(
        PersonDigest.person_id.in_(alive))))
    rows = [_digest(person_id, risk.get(person_id, {}), confirmed.get(person_id, {}),
                    last_contact.get(person_id)) | {"key_worker_id": key_workers.get(person_id),
                                                    "journey_json": journeys.get(person_id, "[]")}
            for person_id in sorted(alive)]
    table = PersonDigest.__table__
    fresh = [row for row in rows if row["person_id"] not in have]
    if fresh:  # touched_by_json: a new digest starts with no one having touched it
        db.execute(table.insert(), [{**row, "touched_by_json": "[]"} for row in fresh])
    changed = [{**row, "key": row["person_id"]} for row in rows if row["person_id"] in have]
    if changed:
        db.execute(table.update().where(table.c.person_id == bindparam("key")).values(
            {name: bindparam(name) for name in _DIGEST_COLUMNS}), changed)
    task_inputs.rebuild(db, alive, date.today())


def _digest(person_id: str, risk: dict[str, object], confirmed: dict[str, str],
            contact: tuple[str, str] | None) -> dict[str, object]:
    summary = risk_summary({"risk": risk})
    return {"person_id": person_id, "risk_level": summary.level,
            "risk_headline": summary.headline(), "confirmations_json": json.dumps(confirmed),
            "last_contact_at": contact[0] if contact else None,
            "last_contact_setting": contact[1] if contact else None}


def current_key_workers(db: Session, person_ids: list[str]) -> dict[str, str]:
    """Each person's key worker: their latest allocation by clock stamp."""
    found: dict[str, str] = {}
    for person_id, worker_id in db.execute(select(
            KeyWorkerAllocation.person_id, KeyWorkerAllocation.key_worker_id).where(
            KeyWorkerAllocation.person_id.in_(person_ids))
            .order_by(KeyWorkerAllocation.created_hlc)):
        found[person_id] = worker_id  # ordered: the last one wins
    return found


def journey_digests(db: Session, person_ids: list[str]) -> dict[str, str]:
    """Each person's standing journey events, compact (app.domain.journey.digest)."""
    found: dict[str, list[JourneyEvent]] = {}
    for row in db.scalars(select(JourneyEventRow).where(
            JourneyEventRow.person_id.in_(person_ids))):
        found.setdefault(row.person_id, []).append(journey_event(row))
    answers: dict[str, dict[str, object]] = {}
    for person_id, name, value_json in db.execute(select(
            AssessmentValue.person_id, AssessmentValue.field, AssessmentValue.value_json).where(
            AssessmentValue.person_id.in_(person_ids), AssessmentValue.section == SECTION,
            AssessmentValue.deleted.is_(False))):
        answers.setdefault(person_id, {})[name] = json.loads(value_json)
    today = date.today()
    return {person_id: to_digest(with_assessment(found.get(person_id, []), person_id,
                                                 answers.get(person_id, {}), today))
            for person_id in {*found, *answers}}


def forget(db: Session, person_id: str) -> None:
    PeopleRepository(db).drop_indexes([person_id])
    db.execute(delete(PersonDigest).where(PersonDigest.person_id == person_id))
