"""What the task rules read, for many people at once, and the digest the task list keeps.

Set-based: a first sync rebuilds thousands of people's digests, and a query per person per
source would make that minutes. Each source is one query per chunk of people.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from app.domain.clock import HlcStamp
from app.domain.consent import ConsentRecord
from app.domain.journey.digest import from_digest as journey_from_digest
from app.domain.journey.handover import Handover, HandoverReason
from app.domain.journey.treatment import episodes
from app.domain.outcomes.schedule import slots_ahead
from app.domain.tasks import (
    CarePlanReview,
    PersonTaskInputs,
    TaskDecision,
    TaskSettings,
    task_index,
)
from app.domain.tasks.digest import to_digest
from app.store.careplan_models import CarePlanVersion as VersionRow
from app.store.consent_repo import consent_record
from app.store.models import Person
from app.store.outcome_repo import OutcomeRepository
from app.store.person_models import Consent, Contact, PersonDigest, SectionConfirmation
from app.store.sync.models import HandoverRow, SyncState
from app.store.work_repo import WorkRepository


def build_inputs(db: Session, ids: Sequence[str],
                 today: date | None = None) -> dict[str, PersonTaskInputs]:
    """Each person's task inputs, journey included (from the journey digest). The TOP
    forms due are every slot open on `today` or opening within the next year, each with
    the day it closes (the list drops a missed review when the next one opens)."""
    today = today or date.today()
    people = {row.id: row for row in db.scalars(select(Person).where(Person.id.in_(ids)))}
    journeys = {person_id: text for person_id, text in db.execute(
        select(PersonDigest.person_id, PersonDigest.journey_json)
        .where(PersonDigest.person_id.in_(ids)))}
    work = WorkRepository(db)
    by = _grouped
    referrals, updates = by(work.referrals(*ids)), by(work.referral_updates(*ids))
    booked, outcomes = by(work.appointments(*ids)), by(work.outcomes(*ids))
    handovers, plans = _handovers(db, ids), _plans(db, ids)
    forms = by(OutcomeRepository(db).forms(*ids))
    events = {person_id: tuple(journey_from_digest(journeys.get(person_id) or "[]", person_id))
              for person_id in people}
    confirmed, seen, consents = _confirmed(db, ids), _last_seen(db, ids), _consents(db, ids)
    return {person_id: PersonTaskInputs(
        person_id, date_of_birth=_day(row.date_of_birth),
        journey=events[person_id],
        handovers=tuple(handovers[person_id]), care_plan=plans.get(person_id),
        confirmed_on=confirmed[person_id], known_since=_hlc_day(row.created_hlc),
        last_seen_on=seen.get(person_id), consents=tuple(consents[person_id]),
        referrals=tuple(referrals[person_id]), referral_updates=tuple(updates[person_id]),
        appointments=tuple(booked[person_id]),
        appointment_outcomes=tuple(outcomes[person_id]),
        outcome_forms_due=tuple(slots_ahead(episodes(events[person_id]), forms[person_id],
                                            today=today)))
        for person_id, row in people.items() if not row.deleted}


def decisions_of(db: Session, ids: Sequence[str]) -> dict[str, list[TaskDecision]]:
    return _grouped(WorkRepository(db).decisions(*ids))


# The index is a lower bound: a task never shows before its `tasks_shows_on`. The store
# does not know the device's stale-section setting, so it indexes with the shortest one
# anyone would set; a longer one only makes a few more people candidates.
INDEX_SETTINGS = TaskSettings(stale_section_days=14)


def rebuild(db: Session, ids: Sequence[str], today: date,
            settings: TaskSettings = INDEX_SETTINGS) -> None:
    """Write each person's task digest and index; people with no digest row are left
    (the caseload's rebuild makes the row, then this)."""
    inputs, decisions = build_inputs(db, ids, today), decisions_of(db, ids)
    rows = []
    for person_id, given in inputs.items():
        index = task_index(given, decisions.get(person_id, ()), today, settings)
        rows.append({"key": person_id, "tasks_json": to_digest(given),
                     "tasks_shows_on": _iso(index.shows_on),
                     "tasks_overdue_on": _iso(index.overdue_on)})
    # Gone since (deleted, merged away): built as empty, so nobody waits on them again.
    rows += [{"key": person_id, "tasks_json": "{}", "tasks_shows_on": None,
              "tasks_overdue_on": None} for person_id in set(ids) - set(inputs)]
    if rows:
        table = PersonDigest.__table__
        db.execute(table.update().where(table.c.person_id == bindparam("key")).values(
            tasks_json=bindparam("tasks_json"), tasks_shows_on=bindparam("tasks_shows_on"),
            tasks_overdue_on=bindparam("tasks_overdue_on")), rows)


def _grouped(items: Sequence[object]) -> defaultdict[str, list]:
    found: defaultdict[str, list] = defaultdict(list)
    for item in items:
        found[item.person_id].append(item)  # type: ignore[attr-defined]
    return found


def _handovers(db: Session, ids: Sequence[str]) -> defaultdict[str, list[Handover]]:
    """Handovers to this laptop's team waiting to be accepted: the receiving team's task
    (the sending team's laptop shows the person as in handover instead). The teams go
    by name: a task line is read, never matched."""
    found: defaultdict[str, list[Handover]] = defaultdict(list)
    mine = select(SyncState.value).where(SyncState.key == "team_id").scalar_subquery()
    for row in db.scalars(select(HandoverRow).where(
            HandoverRow.person_id.in_(ids), HandoverRow.state == "open",
            HandoverRow.to_team_id == mine)):
        found[row.person_id].append(Handover(
            row.id, row.person_id, row.from_team_name, row.to_team_name,
            HandoverReason(row.reason), date.fromisoformat(row.opened_at[:10]),
            date.fromisoformat(row.accept_by)))
    return found


def _plans(db: Session, ids: Sequence[str]) -> dict[str, CarePlanReview]:
    """The latest signed version's review date: a draft's is not agreed yet."""
    latest: dict[str, tuple[int, str, str]] = {}
    for person_id, number, version_id, content in db.execute(select(
            VersionRow.person_id, VersionRow.number, VersionRow.id, VersionRow.content_json)
            .where(VersionRow.person_id.in_(ids), VersionRow.status == "signed",
                   VersionRow.deleted.is_(False))):
        if person_id not in latest or number > latest[person_id][0]:
            latest[person_id] = (number, version_id, content)
    plans = {}
    for person_id, (_, version_id, content) in latest.items():
        review = json.loads(content).get("review_date")
        if review:
            plans[person_id] = CarePlanReview(version_id, date.fromisoformat(review))
    return plans


def _confirmed(db: Session, ids: Sequence[str]) -> defaultdict[str, dict[str, date]]:
    found: defaultdict[str, dict[str, date]] = defaultdict(dict)
    for person_id, section, at in db.execute(select(
            SectionConfirmation.person_id, SectionConfirmation.section,
            SectionConfirmation.confirmed_at).where(SectionConfirmation.person_id.in_(ids))):
        found[person_id][section] = date.fromisoformat(at[:10])
    return found


def _last_seen(db: Session, ids: Sequence[str]) -> dict[str, date]:
    seen: dict[str, date] = {}
    for person_id, at in db.execute(select(Contact.person_id, Contact.at_utc).where(
            Contact.person_id.in_(ids), Contact.deleted.is_(False))):
        day = date.fromisoformat(at[:10])
        seen[person_id] = max(day, seen.get(person_id, day))
    return seen


def _consents(db: Session, ids: Sequence[str]) -> defaultdict[str, list[ConsentRecord]]:
    found: defaultdict[str, list[ConsentRecord]] = defaultdict(list)
    for row in db.scalars(select(Consent).where(Consent.person_id.in_(ids),
                                                Consent.deleted.is_(False))):
        found[row.person_id].append(consent_record(row))
    return found


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _hlc_day(stamp: str) -> date | None:
    try:
        wall = HlcStamp.decode(stamp).wall_ms
    except ValueError:
        return None
    return datetime.fromtimestamp(wall / 1000, UTC).date()


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True)
class Candidate:
    """A person whose list may show a task today, with what the rules need."""

    person_id: str
    given_name: str
    family_name: str
    date_of_birth: str | None
    key_worker_id: str | None
    tasks_json: str
    journey_json: str


def unbuilt(db: Session, limit: int = 2000, worker_id: str | None = None) -> list[str]:
    """People whose task digest is missing: new, or written to since (partial index);
    `worker_id`: only the people allocated to them."""
    query = select(PersonDigest.person_id).where(PersonDigest.tasks_json.is_(None))
    if worker_id is not None:
        query = query.where(PersonDigest.key_worker_id == worker_id)
    return list(db.scalars(query.limit(limit)))


def candidates(db: Session, today: date, *, worker_id: str | None = None,
               overdue_only: bool = False, limit: int | None = None) -> list[Candidate]:
    """People whose index says a task may show (or be overdue) today: a worker's own
    (allocated to them) or the team's, most overdue first. Each walks an index and stops;
    nobody else is read. (Whoever records a person is their key worker; people from
    before allocations, held by nobody, are on the team's list.)"""
    column = PersonDigest.tasks_overdue_on if overdue_only else PersonDigest.tasks_shows_on
    base = (select(Person.id, Person.given_name, Person.family_name, Person.date_of_birth,
                   PersonDigest.key_worker_id, PersonDigest.tasks_json,
                   PersonDigest.journey_json)
            .select_from(PersonDigest).join(Person, Person.id == PersonDigest.person_id)
            .where(column <= today.isoformat(), PersonDigest.tasks_json.is_not(None),
                   Person.deleted.is_(False), Person.merged_into.is_(None)))
    if worker_id is not None:
        query = base.where(PersonDigest.key_worker_id == worker_id)
        return [Candidate(*row) for row in db.execute(query.limit(limit) if limit else query)]
    # The team's: the longest overdue first, then those only due; each walks its index.
    overdue = base.where(PersonDigest.tasks_overdue_on <= today.isoformat()).order_by(
        PersonDigest.tasks_overdue_on)
    found = [Candidate(*row) for row in db.execute(overdue.limit(limit) if limit else overdue)]
    if overdue_only or (limit is not None and len(found) >= limit):
        return found
    due = base.where(or_(PersonDigest.tasks_overdue_on.is_(None),
                         PersonDigest.tasks_overdue_on > today.isoformat())).order_by(column)
    rest = None if limit is None else limit - len(found)
    return found + [Candidate(*row) for row in db.execute(due.limit(rest) if rest else due)]
