"""A person first recorded on a laptop is in the server's audit trail:
person.created, with the worker whose credential carried it and the laptop, written
from the sync ledger outside the push (so no push waits on the audit chain), once."""

from __future__ import annotations

import pytest

from app.services import people
from app.services.sync import sync_now
from app.services.views import PersonInput

pytestmark = pytest.mark.slow


def _made(laptop, given: str) -> str:
    return people.create_person(session=laptop.session, person=PersonInput(
        given_name=given, family_name="Walker", date_of_birth="02/03/1990")).id


def test_people_pushed_from_a_laptop_are_audited_once_with_their_worker(enrol, server):
    ann = enrol("ann", "Custody North")
    lee, kai = _made(ann, "Lee"), _made(ann, "Kai")
    sync_now(session=ann.session)

    log = server.admin("audit-log", "--event", "person.created")
    lines = [line for line in log.splitlines() if "person.created" in line]
    assert len(lines) == 2, log
    worker = ann.session.worker.id
    assert all(f"worker:{worker}" in line and '"via": "sync"' in line for line in lines)
    for person_id in (lee, kai):  # one each, found by the person
        found = server.admin("audit-log", "--event", "person.created", "--person-id",
                             person_id)
        assert len(found.splitlines()) == 1, found

    people.update_person(session=ann.session, person_id=lee, person=PersonInput(
        given_name="Lee", family_name="Walker", date_of_birth="02/03/1990", town="Ipswich"))
    sync_now(session=ann.session)  # an edit makes nobody
    again = server.admin("audit-log", "--event", "person.created")
    assert sum("person.created" in line for line in again.splitlines()) == 2  # not twice
    assert "audit trail intact" in server.admin("verify-audit")
