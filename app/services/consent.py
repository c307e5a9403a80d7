"""Consent to share, recorded on purpose: which agencies, verbal or written, until when.

One decision can cover several agencies; each becomes its own record, so withdrawing one
later leaves the others. Withdrawal is a separate, confirmed step on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.audit import AuditAction
from app.domain.consent import (
    REVIEW_AFTER_DAYS,
    ConsentForm,
    PartnerAgency,
    active_consent,
    check_terms,
)
from app.domain.dates import parse_date
from app.domain.errors import InvalidValue
from app.services.errors import InvalidInput
from app.services.session import WorkerSession
from app.store.consent_repo import ConsentRepository
from app.store.people_repo import PeopleRepository


@dataclass(frozen=True)
class ConsentInput:
    agencies: tuple[str, ...]
    how: str  # verbal or written
    review_on: str  # dd/mm/yyyy as typed
    explained: bool  # the worker confirms they explained what is shared and why


def default_review(today: date | None = None) -> date:
    return (today or date.today()) + timedelta(days=REVIEW_AFTER_DAYS)


def record_consent(*, session: WorkerSession, person_id: str, typed: ConsentInput,
                   today: date | None = None) -> tuple[str, ...]:
    """Record consent for each agency ticked; returns the agencies newly recorded (one
    already active is left as it is)."""
    today = today or date.today()
    review_on = _checked(typed, today)
    with session.transaction() as db:
        held = PeopleRepository(db).get(person_id).consents
        repo = ConsentRepository(db, session.context)
        added = tuple(agency for agency in typed.agencies
                      if active_consent(held, PartnerAgency(agency), today) is None)
        for agency in added:
            repo.give(person_id, agency, today, session.worker.full_name, typed.how, review_on)
        if not added:  # every agency ticked had consent already: nothing happened
            return added
        session.audit(db, AuditAction.EDIT, record_type="consent", record_id=person_id,
                      detail={"given": list(added), "how": typed.how,
                              "review_on": review_on.isoformat()})
    return added


def _checked(typed: ConsentInput, today: date) -> date:
    problems: dict[str, str] = {}
    if not typed.agencies:
        problems["agencies"] = "Tick each agency they agree to share with."
    for agency in typed.agencies:
        PartnerAgency(agency)  # an unknown agency is a programming error, not user input
    if typed.how not in {f.value for f in ConsentForm}:
        problems["how"] = "Say whether they gave consent verbally or in writing."
    if not typed.explained:
        problems["explained"] = ("Confirm you have explained what is shared, with whom and "
                                 "why, and that they can withdraw at any time.")
    review_on = default_review(today)
    try:
        if typed.review_on.strip():
            review_on = parse_date(typed.review_on, field="review date")
        check_terms(how=typed.how if "how" not in problems else "", given_on=today,
                    review_on=review_on)
    except InvalidValue as error:
        problems["review_on"] = str(error)
    if problems:
        raise InvalidInput(problems)
    return review_on


def give_consent(*, session: WorkerSession, person_id: str, agency: str,
                 given_on: date | None = None, how: str = "",
                 review_on: date | None = None) -> None:
    """One agency's consent, recorded directly (scripts, imports and tests; the screen
    goes through record_consent, which asks how and until when)."""
    PartnerAgency(agency)  # an unknown agency is a programming error, not user input
    with session.transaction() as db:
        ConsentRepository(db, session.context).give(
            person_id, agency, given_on or date.today(), session.worker.full_name, how,
            review_on)
        session.audit(db, AuditAction.EDIT, record_type="consent", record_id=person_id,
                      detail={"agency": agency, "given": True})


def withdraw_consent(*, session: WorkerSession, person_id: str, agency: str,
                     today: date | None = None) -> int:
    PartnerAgency(agency)
    with session.transaction() as db:
        count = ConsentRepository(db, session.context).withdraw(
            person_id, agency, today or date.today(), session.worker.full_name)
        session.audit(db, AuditAction.EDIT, record_type="consent", record_id=person_id,
                      detail={"agency": agency, "withdrawn": count})
    return count
