"""A near-identical person on the same date of birth stops the save; the
worker opens that record or creates anyway with a reason the audit trail keeps."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.services import people
from app.services.caseload import caseload
from app.services.errors import InvalidInput, PossibleDuplicates
from app.services.views import PersonInput
from app.store.models import AuditEvent

ZEBEDEE = PersonInput(given_name="Zebedee", family_name="QUARTERMAINE",
                      date_of_birth="14/03/1985")


@pytest.mark.parametrize(("given", "family"), [("Zebedy", "Quartermain"),
                                                ("Zebedie", "Quartermayne")])
def test_the_trials_near_identical_people_are_stopped(signed_in, given, family):
    first = people.create_person(session=signed_in, person=ZEBEDEE)
    typed = PersonInput(given_name=given, family_name=family, date_of_birth="14/03/1985")
    with pytest.raises(PossibleDuplicates) as caught:
        people.create_person(session=signed_in, person=typed)
    assert [m.person.id for m in caught.value.matches] == [first.id]
    assert caught.value.matches[0].level == "likely"
    assert len(caseload(session=signed_in)) == 1


def test_creating_anyway_needs_a_reason_and_the_audit_trail_keeps_it(signed_in):
    first = people.create_person(session=signed_in, person=ZEBEDEE)
    typed = PersonInput(given_name="Zebedy", family_name="Quartermain",
                        date_of_birth="14/03/1985")
    with pytest.raises(InvalidInput) as caught:
        people.create_person(session=signed_in, person=typed,
                             acknowledged_matches=[first.id], reason="   ")
    assert set(caught.value.problems) == {"reason"}
    assert len(caseload(session=signed_in)) == 1
    second = people.create_person(session=signed_in, person=typed,
                                  acknowledged_matches=[first.id],
                                  reason="Different mother's name; custody sergeant checked")
    with signed_in.transaction() as db:
        event = db.scalars(select(AuditEvent).where(
            AuditEvent.action == "create", AuditEvent.record_id == second.id)).one()
        detail = json.loads(event.detail)
    assert detail == {"created_despite": [first.id],
                      "reason": "Different mother's name; custody sergeant checked"}


def test_a_weak_match_is_shown_but_does_not_stop_or_ask_for_a_reason(signed_in):
    people.create_person(session=signed_in, person=ZEBEDEE)
    typed = PersonInput(given_name="Zebedy", family_name="Quartermain",
                        date_of_birth="15/03/1985")  # one digit off
    shown = people.find_matches(session=signed_in, person=typed)
    assert [m.level for m in shown] == ["possible"]
    created = people.create_person(session=signed_in, person=typed)
    with signed_in.transaction() as db:
        event = db.scalars(select(AuditEvent).where(AuditEvent.record_id == created.id,
                                                    AuditEvent.action == "create")).one()
    assert json.loads(event.detail) == {}


def test_a_shared_identifier_stops_the_save_whatever_the_name(signed_in):
    first = people.create_person(session=signed_in, person=PersonInput(
        given_name="Lee", family_name="Walker", prison_number="A1234BC"))
    with pytest.raises(PossibleDuplicates) as caught:
        people.create_person(session=signed_in, person=PersonInput(
            given_name="Robert", family_name="Green", prison_number="a1234bc"))
    assert caught.value.matches[0].person.id == first.id
    assert "same prison number A1234BC" in caught.value.matches[0].evidence


def test_a_common_surname_on_another_date_does_not_stop(signed_in):
    people.create_person(session=signed_in, person=PersonInput(
        given_name="John", family_name="Smith", date_of_birth="01/01/1980", sex="1"))
    people.create_person(session=signed_in, person=PersonInput(
        given_name="John", family_name="Smith", date_of_birth="18/06/1979", sex="1"))
    assert len(caseload(session=signed_in)) == 2
