"""Booking appointments, recording what happened, a worker's day and the card a person keeps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from app.domain import appointments as rules
from app.domain.appointments import Appointment, AppointmentOutcome, AppointmentStatus, Outcome
from app.domain.audit import AuditAction
from app.services.errors import InvalidInput, NotFound
from app.services.session import WorkerSession
from app.store.device import DbSession
from app.store.people_repo import PeopleRepository
from app.store.work_repo import WorkRepository


@dataclass(frozen=True)
class Booking:
    """What the worker typed; `at` None when no time was given (check says so)."""

    on: date
    at: time | None
    where: str
    with_whom: str
    what_for: str
    follows_up: str | None = None  # the missed appointment this one rebooks
    supersedes: str | None = None  # a booking corrected (new day, time or place)


@dataclass(frozen=True)
class Listed:
    """One booking with its status on the day asked about, and whose it is."""

    appointment: Appointment
    status: AppointmentStatus
    outcome: AppointmentOutcome | None
    person_name: str = ""


def book(*, session: WorkerSession, person_id: str, booking: Booking,
         today: date | None = None) -> Appointment:
    today = today or date.today()
    given = Appointment("", person_id, booking.on, booking.at, booking.where.strip(),
                        booking.with_whom.strip(), booking.what_for.strip(),
                        session.worker.full_name, follows_up=booking.follows_up,
                        supersedes=booking.supersedes)
    problems = rules.check(given, today=today)
    if problems:
        raise InvalidInput(problems)
    with session.transaction() as db:
        if not PeopleRepository(db).exists(person_id):
            raise NotFound("That person")
        work = WorkRepository(db, session.context, session.worker.full_name)
        named = [i for i in (given.supersedes, given.follows_up) if i]
        if any(a.person_id != person_id for a in work.appointments_by_id(*named)):
            raise InvalidInput({"on": "That booking is another person's. Change one of "
                                      "this person's bookings."})
        stored = work.add_appointment(given)
        session.audit(db, AuditAction.EDIT, record_type="appointment", record_id=person_id,
                      detail={"appointment": stored.id, "on": stored.on.isoformat()})
    return stored


def record_outcome(*, session: WorkerSession, appointment_id: str, outcome: Outcome,
                   reason: str = "", today: date | None = None) -> AppointmentOutcome:
    """Attended, did not attend, or cancelled (with a reason)."""
    today = today or date.today()
    with session.transaction() as db:
        repo = WorkRepository(db, session.context, session.worker.full_name)
        booked = _booking(repo, appointment_id)
        earlier = rules.latest_outcomes(repo.outcomes(booked.person_id)).get(booked.id)
        given = AppointmentOutcome("", booked.id, booked.person_id, outcome, today,
                                   session.worker.full_name, "", reason.strip(),
                                   earlier.id if earlier else None)
        problems = rules.check_outcome(given, booked, today=today)
        if problems:
            raise InvalidInput(problems)
        stored = repo.add_outcome(given)
        session.audit(db, AuditAction.EDIT, record_type="appointment",
                      record_id=booked.person_id,
                      detail={"appointment": booked.id, "outcome": outcome.value})
    return stored


def _booking(repo: WorkRepository, appointment_id: str) -> Appointment:
    found = repo.appointments_by_id(appointment_id)
    if not found:
        raise NotFound("That appointment")
    return found[0]


def of_person(*, session: WorkerSession, person_id: str,
              today: date | None = None) -> list[Listed]:
    """The person's standing bookings, soonest first, each with its status today."""
    today = today or date.today()
    with session.transaction(read_only=True) as db:
        repo = WorkRepository(db)
        booked, outcomes = repo.appointments(person_id), repo.outcomes(person_id)
    latest = rules.latest_outcomes(outcomes)
    return [Listed(a, rules.status_on(a, latest.get(a.id), today), latest.get(a.id))
            for a in rules.standing(booked)]


def day(*, session: WorkerSession, on: date, mine_only: bool = True) -> list[Listed]:
    """One day's bookings by time: the worker's own (booked by them) or everyone's."""
    with session.transaction(read_only=True) as db:
        repo = WorkRepository(db)
        booked = repo.appointments_between(on, on)
        outcomes = repo.outcomes_for([a.id for a in booked])
        names = _names(db, {a.person_id for a in booked})
    if mine_only:
        booked = [a for a in booked if a.booked_by == session.worker.full_name
                  or a.with_whom == session.worker.full_name]
    latest = rules.latest_outcomes(outcomes)
    return [Listed(a, status, latest.get(a.id), names.get(a.person_id, ""))
            for a, status in rules.day_view(booked, latest, on)]


def _names(db: DbSession, person_ids: set[str]) -> dict[str, str]:
    people = PeopleRepository(db)
    return {p.id: p.name.display() for p in people.get_many(people.present(list(person_ids)))}
