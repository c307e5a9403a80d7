"""A person's journey: record an event (or a correction), and read the timeline with
everything derived from it — setting, next key date, Required Assessment, episodes and
prescribing — as one view, read in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from app.domain.appointments import next_booking, sooner
from app.domain.audit import AuditAction
from app.domain.journey import required_assessment as ra
from app.domain.journey.events import DetailValue, InvalidEvent, JourneyEvent, check
from app.domain.journey.events import superseded_by as corrections
from app.domain.journey.kinds import Kind
from app.domain.journey.state import JourneyState, derive
from app.domain.journey.treatment import Episode, Prescription, current_prescription, episodes
from app.services.errors import InvalidInput, NotFound
from app.services.session import WorkerSession
from app.store.journey_repo import JourneyRepository
from app.store.people_repo import PeopleRepository
from app.store.work_repo import WorkRepository

# Where a kind of event happens, suggested from the county's lists (resources/valuesets);
# a place not on a list is still accepted: people are arrested and held out of county.
PLACE_VALUE_SETS: Mapping[Kind, str] = {
    Kind.ARREST: "custody_suites", Kind.DRUG_TEST: "custody_suites",
    Kind.COURT_HEARING: "courts", Kind.COURT_ORDER: "courts",
    Kind.PRISON_RECEPTION: "prisons", Kind.PRISON_TRANSFER: "prisons",
    Kind.PRISON_TRIAGE: "prisons", Kind.RELEASE: "prisons",
}


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def appointment_text(on: date, at: str = "") -> str:
    """'Thursday 05/03/2026 at 10:00': the day named, so nobody misreads 05/03 as May."""
    return f"{_DAYS[on.weekday()]} {on:%d/%m/%Y}" + (f" at {at}" if at else "")


@dataclass(frozen=True)
class EventInput:
    kind: Kind
    occurred_on: date
    place: str = ""
    details: Mapping[str, DetailValue] | None = None
    supersedes: str | None = None  # the wrong event this one corrects


@dataclass(frozen=True)
class Journey:
    person_id: str
    events: tuple[JourneyEvent, ...]  # all of them, oldest first, corrected ones too
    corrected_by: Mapping[str, JourneyEvent]  # wrong event id -> its correction
    state: JourneyState
    required_assessment: ra.RaState
    episodes: tuple[Episode, ...]
    prescription: Prescription | None


def journey_of(*, session: WorkerSession, person_id: str, today: date | None = None,
               protocol: ra.RaProtocol = ra.DEFAULT_PROTOCOL) -> Journey:
    today = today or date.today()
    with session.transaction(read_only=True) as db:
        born = PeopleRepository(db).get(person_id).date_of_birth
        events = JourneyRepository(db).standing(person_id, today)
        work = WorkRepository(db)
        booked = next_booking(work.appointments(person_id), work.outcomes(person_id), today)
    journey = derive_journey(person_id, events, today, born, protocol)
    # An appointment booked on the Work tab comes next as much as a court date does.
    soonest = sooner(journey.state.next_key_date, booked)
    return replace(journey, state=replace(journey.state, next_key_date=soonest))


def derive_journey(person_id: str, events: list[JourneyEvent], today: date,
                   born: date | None, protocol: ra.RaProtocol = ra.DEFAULT_PROTOCOL) -> Journey:
    assessment = ra.derive(events, today, born, protocol)
    return Journey(person_id, tuple(events), corrections(events),
                   derive(events, today, assessment.appointment), assessment,
                   tuple(episodes(events)), current_prescription(events, today))


def record_event(*, session: WorkerSession, person_id: str, typed: EventInput,
                 today: date | None = None) -> JourneyEvent:
    """Check and store one event; InvalidInput names the field to fix."""
    today = today or date.today()
    event = JourneyEvent("", person_id, typed.kind, typed.occurred_on, typed.place.strip(),
                         _cleaned(typed.details or {}), typed.supersedes)
    with session.transaction() as db:
        people = PeopleRepository(db)
        if not people.exists(person_id):
            raise NotFound("That person")
        repo = JourneyRepository(db, session.context, session.worker.full_name)
        known = repo.standing(person_id, today)
        _check(session, event, today, known, people.get(person_id).date_of_birth)
        stored = repo.add(event)
        session.audit(db, AuditAction.EDIT, record_type="journey_event", record_id=person_id,
                      detail={"event": stored.id, "kind": stored.kind.value,
                              "supersedes": stored.supersedes})
    return stored


def _cleaned(details: Mapping[str, DetailValue]) -> dict[str, DetailValue]:
    """Blank answers are left out: an event records what was said, not empty boxes."""
    return {name: value.strip() if isinstance(value, str) else value
            for name, value in details.items()
            if value is not None and not (isinstance(value, str) and not value.strip())}


def _check(session: WorkerSession, event: JourneyEvent, today: date,
           known: list[JourneyEvent], born: date | None) -> None:
    sets = {name: set(values.codes)
            for name, values in session.reference.schema.value_sets.items()}
    try:
        check(event, today=today, known={e.id: e for e in known}, value_sets=sets)
        ra.check_notice(event, ra.derive(known, event.occurred_on, born), born)
    except InvalidEvent as error:
        raise InvalidInput({error.field or "event": str(error)}) from None
