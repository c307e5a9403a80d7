"""One living assessment: sections updated, history kept, changes since last contact."""

from datetime import date

import pytest

from app.services import assessment, people
from app.services.errors import InvalidInput
from app.services.views import PersonInput


@pytest.fixture
def person(signed_in):
    return people.create_person(session=signed_in, person=PersonInput(
        given_name="Lee", family_name="Walker", date_of_birth="02/03/1990", sex="1"))


def test_a_section_saves_only_changes_and_confirms(signed_in, person):
    first = assessment.save_section(session=signed_in, person_id=person.id, section="housing",
                                    typed={"accommodation_need": "1", "housing_notes": "tent"})
    assert {c.field for c in first.changes} == {"accommodation_need", "housing_notes"}
    again = assessment.save_section(session=signed_in, person_id=person.id, section="housing",
                                    typed={"accommodation_need": "1", "housing_notes": "hostel"})
    assert [(c.field, c.old, c.new) for c in again.changes] == [("housing_notes", "tent",
                                                                "hostel")]
    view = assessment.load_assessment(session=signed_in, person_id=person.id)
    assert view.values["housing"] == {"accommodation_need": "1", "housing_notes": "hostel"}
    assert view.confirmations["housing"].by_name == "Jo Bloggs"
    assert "housing" not in view.stale and "risk" in view.stale


def test_the_full_history_of_a_field_is_kept(signed_in, person):
    for note in ("tent", "hostel", "flat"):
        assessment.save_section(session=signed_in, person_id=person.id, section="housing",
                                typed={"housing_notes": note})
    history = assessment.field_history(session=signed_in, person_id=person.id,
                                       section="housing", field="housing_notes")
    assert [(h.old, h.new) for h in history] == [(None, "tent"), ("tent", "hostel"),
                                                 ("hostel", "flat")]
    assert all(h.worker_name == "Jo Bloggs" for h in history)


def test_bad_values_are_refused_field_by_field_and_nothing_is_saved(signed_in, person):
    with pytest.raises(InvalidInput) as caught:
        assessment.save_section(session=signed_in, person_id=person.id, section="substances",
                                typed={"drug1": "heroin", "alcohol_drinking_days": "31",
                                       "drug1_age_first_used": "eleventy"})
    assert set(caught.value.problems) == {"alcohol_drinking_days", "drug1_age_first_used"}
    assert "0 to 28" in caught.value.problems["alcohol_drinking_days"]
    view = assessment.load_assessment(session=signed_in, person_id=person.id)
    assert view.values == {}


def test_age_first_used_cannot_be_older_than_the_person(signed_in, person):
    with pytest.raises(InvalidInput) as caught:
        assessment.save_section(session=signed_in, person_id=person.id, section="substances",
                                typed={"drug1": "heroin", "drug1_age_first_used": "80"})
    assert "drug1_age_first_used" in caught.value.problems


def test_what_changed_since_the_last_contact_is_shown(signed_in, person):
    assessment.save_section(session=signed_in, person_id=person.id, section="housing",
                            typed={"accommodation_need": "1"})
    assessment.record_contact(session=signed_in, person_id=person.id, setting="custody")
    assert assessment.load_assessment(session=signed_in,
                                      person_id=person.id).since_last_contact == ()
    assessment.save_section(session=signed_in, person_id=person.id, section="housing",
                            typed={"accommodation_need": "3"})
    view = assessment.load_assessment(session=signed_in, person_id=person.id)
    assert [(c.field, c.old, c.new) for c in view.since_last_contact] == [
        ("accommodation_need", "1", "3")]
    assert view.contacts[0].setting == "custody"


def test_sections_go_stale_after_the_configured_days(signed_in, person):
    assessment.save_section(session=signed_in, person_id=person.id, section="housing",
                            typed={"accommodation_need": "1"})
    later = date.today().replace(year=date.today().year + 1)
    view = assessment.load_assessment(session=signed_in, person_id=person.id, today=later)
    assert "housing" in view.stale


def test_triage_saves_several_sections_in_one_go(signed_in, person):
    saved = assessment.save_sections(session=signed_in, person_id=person.id, typed={
        "substances": {"drug1": "crack", "alcohol_drinking_days": "0"},
        "risk": {"overdose_risk": "medium"}})
    assert [s.section for s in saved] == ["substances", "risk"]
    assert saved[-1].risk.level == "medium"
