"""A person's answer ids are made from a salt only laptops holding the person know, so
another team that looked the person up cannot take an unanswered question's id first."""

from __future__ import annotations

from sqlalchemy import select

from app.services import assessment, people
from app.services.views import PersonInput
from app.store.assessment_repo import answer_id, natural_id
from app.store.models import Person
from app.store.person_models import AssessmentValue, SectionConfirmation


def test_a_new_persons_answers_take_ids_from_their_own_salt(signed_in):
    person = people.create_person(session=signed_in, person=PersonInput(
        given_name="Zebedee", family_name="Quartermaine")).id
    assessment.save_section(session=signed_in, person_id=person, section="housing",
                            typed={"housing_notes": "sofa surfing"})
    with signed_in.transaction() as db:
        salt = db.scalar(select(Person.id_salt).where(Person.id == person))
        value = db.scalars(select(AssessmentValue).where(
            AssessmentValue.person_id == person)).one()
        confirmation = db.scalars(select(SectionConfirmation)).one()
    assert len(salt) == 32
    assert value.id == answer_id(person, salt, "housing", "housing_notes")
    assert value.id != natural_id(person, "housing", "housing_notes")  # not guessable
    assert confirmation.id == answer_id(person, salt, "housing")


def test_a_person_recorded_before_salts_keeps_the_ids_they_had(signed_in):
    person = people.create_person(session=signed_in, person=PersonInput(
        given_name="Old", family_name="Record")).id
    with signed_in.transaction() as db:
        db.get(Person, person).id_salt = ""  # as migration 0008 leaves older people
    assessment.save_section(session=signed_in, person_id=person, section="housing",
                            typed={"housing_notes": "hostel"})
    with signed_in.transaction() as db:
        value = db.scalars(select(AssessmentValue).where(
            AssessmentValue.person_id == person)).one()
    assert value.id == natural_id(person, "housing", "housing_notes")
