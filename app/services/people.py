"""The person record: find before create, create, read, update, consent, merge."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from typing import TypeVar

from app.domain.audit import AuditAction
from app.domain.dates import parse_date, validate_date_of_birth
from app.domain.errors import InvalidValue
from app.domain.linkage import blocking_keys
from app.domain.matching import MatchLevel, find_likely_matches
from app.domain.person import (
    Address,
    Alias,
    ContactDetails,
    Identifiers,
    Person,
    PersonName,
    district_is_out_of_area,
)
from app.services.caseload import summaries
from app.services.errors import InvalidInput, PossibleDuplicates
from app.services.session import WorkerSession
from app.services.views import MatchView, PersonInput, PersonRecord, PersonSummary
from app.store.allocation_repo import AllocationRepository
from app.store.assessment_repo import AssessmentRepository
from app.store.caseload_repo import CaseloadRepository
from app.store.people_repo import PeopleRepository

T = TypeVar("T")


def parse_person(typed: PersonInput, *, session: WorkerSession, person_id: str = "",
                 today: date | None = None) -> Person:
    """The typed form as a domain Person, or InvalidInput naming every field that is wrong."""
    today = today or date.today()
    problems: dict[str, str] = {}
    for key in ("given_name", "family_name"):
        if not getattr(typed, key).strip():
            problems[key] = "Enter a name (use 'Unknown' if they will not say)."
    dob = _checked(problems, "date_of_birth", lambda: validate_date_of_birth(
        parse_date(typed.date_of_birth, field="date of birth"), today=today)
        if typed.date_of_birth.strip() else None)
    ids = Identifiers()
    for key in ("pnc_id", "prison_number", "nhs_number"):
        one = _checked(problems, key, lambda k=key: Identifiers.validated(
            **{k: getattr(typed, k)}, today=today))
        if one is not None:
            ids = replace(ids, **{key: getattr(one, key)})
    _check_codes(typed, session, problems)
    if problems:
        raise InvalidInput(problems)
    return _person(typed, person_id, dob, ids, session)


def _checked(problems: dict[str, str], key: str, parse: Callable[[], T]) -> T | None:
    try:
        return parse()
    except InvalidValue as error:
        problems[key] = str(error)
        return None


def _check_codes(typed: PersonInput, session: WorkerSession, problems: dict[str, str]) -> None:
    sets = session.reference.schema.value_sets
    for key, value_set in (("sex", "sex"), ("ethnicity", "ethnicity"),
                           ("home_district", "home_districts")):
        code = getattr(typed, key)
        if code and code not in sets[value_set]:
            problems[key] = f"'{code}' is not a known choice. Pick one from the list."


def _person(typed: PersonInput, person_id: str, dob: date | None, ids: Identifiers,
            session: WorkerSession) -> Person:
    districts = session.reference.schema.value_sets["home_districts"]
    out_of_area = typed.out_of_area
    if out_of_area is None:
        out_of_area = bool(typed.home_district) and district_is_out_of_area(
            typed.home_district, districts)
    return Person(
        id=person_id,
        name=PersonName(typed.given_name.strip(), typed.family_name.strip(),
                        typed.middle_name.strip()),
        date_of_birth=dob,
        sex=typed.sex, gender=typed.gender.strip(), ethnicity=typed.ethnicity,
        nationality=typed.nationality.strip(),
        aliases=tuple(Alias(text.strip(), kind) for text, kind in typed.aliases if text.strip()),
        address=Address(typed.address_line1.strip(), typed.address_line2.strip(),
                        typed.town.strip(), typed.postcode.strip().upper(), typed.home_district),
        contact=ContactDetails(typed.phone.strip(), typed.email.strip()),
        identifiers=ids, out_of_area=out_of_area,
    )


def find_matches(*, session: WorkerSession, person: PersonInput,
                 exclude_id: str = "") -> list[MatchView]:
    """Existing records that may be this person, best first, with the evidence for each."""
    try:
        candidate = parse_person(person, session=session, person_id=exclude_id)
    except InvalidInput:
        return []  # the form shows its own errors; matching waits for valid input
    with session.transaction(read_only=True) as db:
        existing = PeopleRepository(db).candidates(blocking_keys(candidate))
        matches = find_likely_matches(candidate, existing, limit=8)
        found = summaries(db, session, [m.person.id for m in matches])
    return [MatchView(found[m.person.id], m.score, str(m.level), m.evidence) for m in matches
            if m.person.id in found]


REASON_NEEDED = ("Say why this is a different person from the record(s) shown, "
                 "e.g. 'different mother's name; checked with custody sergeant'.")


def create_person(*, session: WorkerSession, person: PersonInput,
                  acknowledged_matches: Iterable[str] = (), reason: str = "") -> PersonSummary:
    """Create after find. A strong (LIKELY) match stops the create: the worker either opens
    that record or, having seen it (``acknowledged_matches``), creates anyway with a
    ``reason``, which the local audit trail keeps beside the ids of the records passed over.
    """
    parsed = parse_person(person, session=session)
    strong = [m for m in find_matches(session=session, person=person)
              if m.level == MatchLevel.LIKELY]
    seen = set(acknowledged_matches)
    unseen = [m for m in strong if m.person.id not in seen]
    if unseen:
        raise PossibleDuplicates(unseen)
    if strong and not reason.strip():
        raise InvalidInput({"reason": REASON_NEEDED})
    with session.transaction() as db:
        person_id = PeopleRepository(db, session.context).add(parsed)
        CaseloadRepository(db).refresh(person_id, touched_by=session.worker.id)
        # Whoever first records a person is their key worker until a team lead says
        # otherwise: nobody is left without one.
        AllocationRepository(db, session.context).allocate(
            person_id, session.worker.id, session.worker.full_name, session.worker.full_name)
        session.audit(db, AuditAction.CREATE, record_type="person", record_id=person_id,
                      detail=_override_detail(strong, reason))
        return summaries(db, session, [person_id])[person_id]


def _override_detail(strong: list[MatchView], reason: str) -> dict[str, object] | None:
    """What the audit trail keeps when a new record was made despite strong matches.

    Local only: the audit trail does not sync. Ids, not names, so the trail repeats no
    more personal data than it must; the reason is the worker's own words."""
    if not strong:
        return None
    return {"created_despite": sorted(m.person.id for m in strong),
            "reason": reason.strip()}


def update_person(*, session: WorkerSession, person_id: str, person: PersonInput) -> list[str]:
    parsed = parse_person(person, session=session, person_id=person_id)
    with session.transaction() as db:
        changed = PeopleRepository(db, session.context).update(person_id, parsed)
        if changed:
            CaseloadRepository(db).refresh(person_id, touched_by=session.worker.id)
            session.audit(db, AuditAction.EDIT, record_type="person", record_id=person_id,
                          detail={"fields": changed})
    return changed


def get_person(*, session: WorkerSession, person_id: str,
               today: date | None = None) -> PersonRecord:
    today = today or date.today()
    with session.transaction() as db:
        people = PeopleRepository(db)
        person = people.get(person_id)
        merged_from = tuple(AssessmentRepository(db).merged_ids(person_id))
        merged_into = people.merged_into(person_id)
        session.audit(db, AuditAction.VIEW, record_type="person", record_id=person_id)
    return PersonRecord(person, person.age(today), str(person.pathway(today)),
                        tuple(sorted(str(a) for a in person.agencies_that_may_see(today))),
                        merged_from, merged_into)
