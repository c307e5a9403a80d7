"""The team's cohort, as the quarterly figures read it: one CohortPerson per person held on
this laptop (not deleted, not merged into another record, not handed over to another team).

Set-based, like task_inputs: one query per source per chunk of people, so a team's whole
caseload is read in a few dozen statements whatever its size. First contact and route are
worked out by the domain (cohort.cohort_person), as the server does, so the laptop's
dashboard and the server's report agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.outcomes.cohort import CohortPerson, cohort_person
from app.store import journey_repo, outcome_repo, work_repo
from app.store.journey_models import JourneyEventRow
from app.store.models import Person
from app.store.outcome_models import TopFormRow
from app.store.person_models import SectionConfirmation
from app.store.sync.handed_away import TEAM_KEY
from app.store.sync.models import HandoverRow, SyncState
from app.store.task_inputs import _hlc_day
from app.store.work_models import AppointmentOutcomeRow, AppointmentRow

CHUNK = 500


def team_cohort(db: Session, *, today: date) -> list[CohortPerson]:
    """Every person of the team, oldest record first. A record whose creation stamp
    cannot be read counts from `today` (it is at least that new to the figures)."""
    found: list[CohortPerson] = []
    for chunk in _chunks(team_people(db)):
        found += _read(db, chunk, today)
    return found


def team_people(db: Session) -> list[tuple[str, str | None, str]]:
    """(id, date of birth, creation stamp) of each person the team holds here. People in a
    handover away from this team (until the other team accepts, when they leave the laptop)
    are the other team's: handed_away.refuse_writes reads them the same way."""
    mine = select(SyncState.value).where(SyncState.key == TEAM_KEY).scalar_subquery()
    away = select(HandoverRow.person_id).where(
        HandoverRow.state != "accepted",
        HandoverRow.to_team_id != func.coalesce(mine, HandoverRow.to_team_id))
    rows = db.execute(select(Person.id, Person.date_of_birth, Person.created_hlc).where(
        Person.deleted.is_(False), Person.merged_into.is_(None), Person.id.not_in(away))
        .order_by(Person.created_hlc))
    return [(person_id, born, stamp) for person_id, born, stamp in rows]


def _chunks(people: Sequence[tuple[str, str | None, str]]
            ) -> Iterator[Sequence[tuple[str, str | None, str]]]:
    for start in range(0, len(people), CHUNK):
        yield people[start:start + CHUNK]


def _read(db: Session, people: Sequence[tuple[str, str | None, str]],
          today: date) -> list[CohortPerson]:
    ids = [person_id for person_id, _, _ in people]
    journeys = _by_person(journey_repo.to_domain, _rows(
        db, JourneyEventRow, ids, JourneyEventRow.occurred_on, JourneyEventRow.created_hlc))
    forms = _by_person(outcome_repo.to_domain, _rows(db, TopFormRow, ids, TopFormRow.created_hlc))
    booked = _by_person(work_repo.appointment, _rows(db, AppointmentRow, ids,
                                                     AppointmentRow.created_hlc))
    kept = _by_person(work_repo.outcome, _rows(db, AppointmentOutcomeRow, ids,
                                               AppointmentOutcomeRow.created_hlc))
    assessed = _assessed(db, ids)
    return [cohort_person(
        person_id, birth_year=_year(born), known_since=_hlc_day(stamp) or today,
        journey=journeys[person_id], forms=forms[person_id],
        appointments=booked[person_id], appointment_outcomes=kept[person_id],
        assessed_on=sorted(assessed[person_id])) for person_id, born, stamp in people]


def _rows(db: Session, model: Any, ids: Sequence[str], *order: Any) -> Iterable[Any]:
    """The model's rows of these people as plain rows (no ORM objects: for a team's
    whole caseload making them took most of the time); the repositories' converters read
    them by column name all the same."""
    table = model.__table__
    return db.execute(select(table).where(table.c.person_id.in_(ids)).order_by(*order))


def _by_person(convert: Callable[[Any], Any], rows: Iterable[Any]
               ) -> defaultdict[str, list[Any]]:
    found: defaultdict[str, list[Any]] = defaultdict(list)
    for row in rows:
        found[row.person_id].append(convert(row))
    return found


def _assessed(db: Session, ids: Sequence[str]) -> defaultdict[str, set[date]]:
    """The days a section of the assessment was confirmed (saving one confirms it): the
    days the person was assessed, as far as this laptop knows."""
    found: defaultdict[str, set[date]] = defaultdict(set)
    for person_id, at in db.execute(select(
            SectionConfirmation.person_id, SectionConfirmation.confirmed_at).where(
            SectionConfirmation.person_id.in_(ids), SectionConfirmation.deleted.is_(False))):
        found[person_id].add(date.fromisoformat(at[:10]))
    return found


def _year(born: str | None) -> int | None:
    """Year of birth only: the figures never need the day."""
    try:
        return int(born[:4]) if born else None
    except ValueError:
        return None
