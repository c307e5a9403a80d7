"""A custody triage is a contact — the record stops saying nobody has seen them."""

from app.services import assessment, people
from app.services.caseload import caseload
from app.services.views import PersonInput


def test_saving_a_triage_records_a_custody_contact(signed_in):
    person = people.create_person(session=signed_in, person=PersonInput(
        given_name="Lee", family_name="Walker", date_of_birth="02/03/1990", sex="1"))
    saved = assessment.save_triage(session=signed_in, person_id=person.id, typed={
        "substances": {"drug1": "crack", "alcohol_drinking_days": "3"}})
    view = assessment.load_assessment(session=signed_in, person_id=person.id)
    assert [c.setting for c in view.contacts] == ["custody"]
    assert saved.contact.setting == "custody" and saved.change_count == 2
    assert view.since_last_contact == ()  # the triage's own answers are not "since"
    assert "custody" in caseload(session=signed_in)[0].last_contact


def test_a_refused_triage_records_no_contact(signed_in):
    import pytest

    from app.services.errors import InvalidInput

    person = people.create_person(session=signed_in, person=PersonInput(
        given_name="Lee", family_name="Walker", date_of_birth="02/03/1990", sex="1"))
    with pytest.raises(InvalidInput):
        assessment.save_triage(session=signed_in, person_id=person.id, typed={
            "substances": {"alcohol_drinking_days": "40"}})
    assert assessment.load_assessment(session=signed_in, person_id=person.id).contacts == ()
