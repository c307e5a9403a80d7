"""The young people's pathway: an under-18's custody triage waits for their safeguarding."""

from __future__ import annotations

from datetime import date

import pytest

from app.services import assessment, people
from app.services.errors import InvalidInput
from app.services.views import PersonInput

TODAY = date(2026, 12, 5)
SAFEGUARDING = {"appropriate_adult_present": "Y", "known_to_childrens_social_care": "N",
                "looked_after_child": "N", "exploitation_concern": "Y",
                "young_peoples_service_referral": "Y"}


def _person(session, born: str) -> str:
    return people.create_person(session=session, person=PersonInput(
        given_name="Kai", family_name="Walker", date_of_birth=born, sex="1")).id


def test_an_under_18s_triage_is_refused_until_their_safeguarding_is_answered(signed_in):
    young = _person(signed_in, "01/06/2010")

    with pytest.raises(InvalidInput) as refused:
        assessment.save_triage(session=signed_in, person_id=young, today=TODAY,
                               typed={"substances": {"drug1": "cannabis"}})

    assert set(refused.value.problems) == set(SAFEGUARDING)
    assert "under 18" in refused.value.problems["exploitation_concern"]
    assert assessment.load_assessment(session=signed_in, person_id=young).contacts == ()


def test_answered_safeguarding_lets_the_triage_save_even_if_asked_earlier(signed_in):
    young = _person(signed_in, "01/06/2010")
    assessment.save_sections(session=signed_in, person_id=young,
                             typed={"young_person": dict(list(SAFEGUARDING.items())[:2])})

    saved = assessment.save_triage(session=signed_in, person_id=young, today=TODAY, typed={
        "substances": {"drug1": "cannabis"},
        "young_person": dict(list(SAFEGUARDING.items())[2:])})

    assert saved.contact.setting == "custody"


def test_an_adults_triage_asks_nothing_more(signed_in):
    adult = _person(signed_in, "02/03/1990")

    saved = assessment.save_triage(session=signed_in, person_id=adult, today=TODAY,
                                   typed={"substances": {"drug1": "crack"}})

    assert saved.contact.setting == "custody"


def test_the_triage_and_the_record_show_the_section_to_under_18s_only(signed_in):
    schema = signed_in.reference.schema
    young_fields = {t.field.id for t in schema.triage(young=True)} - {
        t.field.id for t in schema.triage()}

    assert young_fields == set(SAFEGUARDING)
    assert "young_person" not in [s.id for s in schema.sections_for(young=False)]
    assert "young_person" in [s.id for s in schema.sections_for(young=True)]


def test_an_adults_record_is_never_told_the_young_persons_section_is_unchecked(signed_in):
    from app.services.caseload import caseload

    adult, young = _person(signed_in, "02/03/1990"), _person(signed_in, "01/06/2010")

    stale = {s.id: s.stale_sections for s in caseload(session=signed_in)}
    assert "young_person" not in stale[adult] and "young_person" in stale[young]
    assert "young_person" not in assessment.load_assessment(
        session=signed_in, person_id=adult).stale
