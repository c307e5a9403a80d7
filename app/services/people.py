"""People on the caseload. The assessment issue grows this into the full record."""

from __future__ import annotations

from app.domain.audit import AuditAction
from app.services.errors import InvalidInput
from app.services.session import WorkerSession
from app.services.views import PersonSummary
from app.store.models import Person
from app.store.repositories import PersonRepository


def _summary(row: Person) -> PersonSummary:
    return PersonSummary(row.id, row.given_name, row.family_name, row.date_of_birth)


def add_person(*, session: WorkerSession, given_name: str, family_name: str,
               date_of_birth: str | None = None) -> PersonSummary:
    problems = {}
    if not given_name.strip():
        problems["given_name"] = "Enter a first name (use 'Unknown' if they will not say)."
    if not family_name.strip():
        problems["family_name"] = "Enter a family name (use 'Unknown' if they will not say)."
    if problems:
        raise InvalidInput(problems)
    with session.transaction() as db:
        row = PersonRepository(db).add(session.context, given_name=given_name.strip(),
                                       family_name=family_name.strip(),
                                       date_of_birth=date_of_birth or None)
        session.audit(db, AuditAction.CREATE, record_type="person", record_id=row.id)
        return _summary(row)


def find_people(*, session: WorkerSession, text: str = "") -> list[PersonSummary]:
    with session.transaction() as db:
        return [_summary(row) for row in PersonRepository(db).search(text)]
