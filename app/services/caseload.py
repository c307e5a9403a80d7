"""The caseload and search: who the worker is working with, at a glance."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from datetime import date, datetime

from app.domain.appointments import next_booking, sooner
from app.domain.assessment import stale_sections
from app.domain.dates import OLDEST_PLAUSIBLE_AGE, age_on, is_young_person
from app.domain.journey import required_assessment
from app.domain.journey.digest import from_digest
from app.domain.journey.state import KeyDate, derive
from app.services.handover_inbox import mark_in_handover
from app.services.session import WorkerSession
from app.services.views import PersonSummary, uk_date
from app.store.caseload_repo import CaseloadRepository, DigestRow
from app.store.device import DbSession
from app.store.people_repo import PeopleRepository
from app.store.work_repo import WorkRepository


def _summaries(db: DbSession, session: WorkerSession, rows: list[DigestRow],
               today: date) -> list[PersonSummary]:
    """Each row as the list shows it. What comes next counts an appointment booked on the
    Work tab as much as the journey's own dates (two reads for the whole list: the
    journey digest knows only the journey's dates)."""
    ids = [row.person_id for row in rows]
    work = WorkRepository(db)
    booked, answered = defaultdict(list), defaultdict(list)
    for appointment in work.appointments(*ids) if ids else ():
        booked[appointment.person_id].append(appointment)
    for outcome in work.outcomes(*ids) if booked else ():
        answered[outcome.person_id].append(outcome)
    return [_summary(row, session, today, next_booking(
        booked[row.person_id], answered[row.person_id], today)) for row in rows]


def _summary(row: DigestRow, session: WorkerSession, today: date,
             booking: KeyDate | None = None) -> PersonSummary:
    dob = date.fromisoformat(row.date_of_birth) if row.date_of_birth else None
    young = bool(dob and is_young_person(dob, today))
    confirmed = {s: datetime.fromisoformat(at) for s, at in row.confirmations.items()}
    stale = stale_sections(confirmed, today, session.reference.stale_section_days,
                           section_ids=session.reference.schema.section_ids_for(young=young))
    contact = f"{uk_date(row.last_contact_at)} {row.last_contact_setting}" \
        if row.last_contact_at else ""
    setting, journey_next, released = _where_and_next(row.journey, row.person_id, today, dob)
    key = sooner(journey_next, booking)
    return PersonSummary(
        row.person_id, row.given_name, row.family_name, row.date_of_birth,
        age=age_on(dob, today) if dob else None,
        young_person=young,
        last_contact=contact, risk_level=row.risk_level, risk_headline=row.risk_headline,
        stale_sections=tuple(stale), setting=setting,
        next_key_date=f"{key.on:%d/%m/%Y} {key.what}" if key else "",
        days_since_release=released,
    )


@functools.lru_cache(maxsize=4096)
def _where_and_next(journey: str, person_id: str, today: date,
                    dob: date | None) -> tuple[str, KeyDate | None, int | None]:
    """Where the person is, what comes next, and the days since a release within the
    overdose-risk window: the same digest on the same day gives the same answer, so a
    refresh after every save re-derives only the people whose journey changed."""
    events = from_digest(journey, person_id)
    state = derive(events, today, required_assessment.derive(events, today, dob).appointment)
    return (state.setting.value, state.next_key_date,
            state.days_since_release if state.recently_released else None)


def summaries(db: DbSession, session: WorkerSession, person_ids: list[str],
              today: date | None = None) -> dict[str, PersonSummary]:
    rows = CaseloadRepository(db).rows(person_ids=person_ids, limit=len(person_ids) or 1)
    today = today or date.today()
    listed = mark_in_handover(db, _summaries(db, session, list(rows), today))
    return {summary.id: summary for summary in listed}


def caseload(*, session: WorkerSession, mine_only: bool = False,
             limit: int = 200) -> list[PersonSummary]:
    """My people (allocated to me; never allocated: touched by me) or the whole team's,
    latest first."""
    today = date.today()
    with session.transaction(read_only=True) as db:
        rows = CaseloadRepository(db).rows(
            worker_id=session.worker.id if mine_only else None, limit=limit)
        return mark_in_handover(db, _summaries(db, session, list(rows), today))


def search_people(*, session: WorkerSession, text: str, limit: int = 50) -> list[PersonSummary]:
    """Names (also by sound), aliases, identifiers and dates of birth, best match first.

    A date typed as 14/03/1985, 14/3/85 or 1985-03-14 is read as a date of birth; the
    other words still have to match, so "smith 14/3/85" narrows to that Smith."""
    if not text.strip():
        return caseload(session=session, limit=limit)
    words, born = read_search(text)
    if not words.strip() and not born:
        return []
    with session.transaction(read_only=True) as db:
        ids = PeopleRepository(db).search_ids(words, limit=limit, born=born)
        found = summaries(db, session, ids)
    return [found[i] for i in ids if i in found]


def nobody_found_message(*, text: str) -> str:
    """What an empty search result says: what was looked for, and what to try next."""
    words, born = read_search(text)
    looked = []
    if born:
        looked.append("born " + " or ".join(f"{d:%d/%m/%Y}" for d in sorted(born)))
    if words.strip():
        looked.append(f"named like '{words.strip()}' (spelling or sound)")
    said = " and ".join(looked) or f"matching '{text.strip()}'"
    return (f"Nobody found {said}.\n\nTry part of the surname, a PNC ID, NHS or prison "
            "number, or a date of birth as dd/mm/yyyy. Not known here yet? Press Ctrl+N to "
            "add them: we look for them again before saving.")


_UK_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def read_search(text: str, today: date | None = None) -> tuple[str, frozenset[date]]:
    """The typed search split into the words to match and the dates of birth it names."""
    today = today or date.today()
    words: list[str] = []
    born: set[date] = set()
    for token in text.split():
        dates = _dates_of_birth(token, today)
        if dates:
            born |= dates
        else:
            words.append(token)
    return " ".join(words), frozenset(born)


def _dates_of_birth(token: str, today: date) -> set[date]:
    """Every real, past, plausible date the token can be: "14/3/85" is 1985 only (2085 is
    to come), "1/2/10" both 1910 and 2010. Storage refuses two-digit years; a search may
    try both centuries, since the worker sees who it finds."""
    iso, uk = _ISO_DATE.match(token), _UK_DATE.match(token)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
        years = [year]
    elif uk:
        day, month, year = (int(part) for part in uk.groups())
        years = [year] if len(uk.group(3)) == 4 else [1900 + year, 2000 + year]
    else:
        return set()
    found = set()
    for y in years:
        try:
            candidate = date(y, month, day)
        except ValueError:
            continue  # 31/02: not a date; left as words, so nobody is found
        if today.year - OLDEST_PLAUSIBLE_AGE <= candidate.year and candidate <= today:
            found.add(candidate)
    return found


def held_by(*, session: WorkerSession, worker_id: str | None,
            limit: int = 200) -> list[PersonSummary]:
    """A key worker's people (None: nobody's), by name, as the caseload shows them."""
    today = date.today()
    with session.transaction(read_only=True) as db:
        rows = CaseloadRepository(db).held_by(worker_id, limit)
        return mark_in_handover(db, _summaries(db, session, list(rows), today))
