"""The person record: validation, find-before-create, consent, search, caseload."""

from datetime import date

import pytest

from app.services import assessment, consent, people
from app.services.caseload import caseload, search_people
from app.services.errors import InvalidInput, PossibleDuplicates
from app.services.views import PersonInput

DARREN = PersonInput(given_name="Darren", family_name="Smith", date_of_birth="23/11/1984",
                     sex="1", pnc_id="2001/0000001Q", aliases=(("Dazza", "nickname"),),
                     home_district="colchester")


def test_every_bad_field_is_named_with_how_to_fix_it(signed_in):
    bad = PersonInput(given_name="", family_name="Smith", date_of_birth="31/02/1990",
                      pnc_id="2001/0000001A", nhs_number="123", prison_number="1234ABC",
                      sex="Q")
    with pytest.raises(InvalidInput) as caught:
        people.create_person(session=signed_in, person=bad)
    problems = caught.value.problems
    assert set(problems) == {"given_name", "date_of_birth", "pnc_id", "nhs_number",
                             "prison_number", "sex"}
    assert "check letter" in problems["pnc_id"].lower()
    assert caseload(session=signed_in) == []


def test_identifiers_are_stored_normalised_and_found_by_any_spelling(signed_in):
    created = people.create_person(session=signed_in, person=PersonInput(
        given_name="Ann", family_name="Other", pnc_id="2001/1q",
        nhs_number="943 476 5919", prison_number="a1234bc"))
    record = people.get_person(session=signed_in, person_id=created.id).person
    assert record.identifiers.pnc_id == "2001/0000001Q"
    assert record.identifiers.nhs_number == "9434765919"
    assert record.identifiers.prison_number == "A1234BC"
    for typed in ("2001/0000001Q", "20010000001q", "9434765919", "943 476 5919", "A1234BC",
                  "Oth", "ann other"):
        assert [p.id for p in search_people(session=signed_in, text=typed)] == [created.id], typed


def test_a_near_identical_second_entry_is_stopped_with_evidence(signed_in):
    first = people.create_person(session=signed_in, person=DARREN)
    typo = PersonInput(given_name="Daren", family_name="Smyth", date_of_birth="23/11/1984",
                       sex="1")
    with pytest.raises(PossibleDuplicates) as caught:
        people.create_person(session=signed_in, person=typo)
    match = caught.value.matches[0]
    assert match.person.id == first.id and match.level == "likely"
    assert any("date of birth" in e for e in match.evidence)
    assert "surname sounds like SMITH" in match.evidence
    second = people.create_person(session=signed_in, person=typo,
                                  acknowledged_matches=[first.id], reason="checked: brothers")
    assert second.id != first.id


def test_an_alias_finds_the_existing_person(signed_in):
    first = people.create_person(session=signed_in, person=DARREN)
    by_alias = PersonInput(given_name="Dazza", family_name="Smith", date_of_birth="23/11/1984")
    matches = people.find_matches(session=signed_in, person=by_alias)
    assert matches and matches[0].person.id == first.id
    assert any("Dazza" in e for e in matches[0].evidence)
    assert [p.id for p in search_people(session=signed_in, text="dazza")] == [first.id]


def test_under_18_is_on_the_young_peoples_pathway(signed_in):
    today = date.today()
    dob = f"01/01/{today.year - 15}"
    young = people.create_person(session=signed_in, person=PersonInput(
        given_name="Kai", family_name="Young", date_of_birth=dob))
    assert young.young_person and young.age in (14, 15)
    record = people.get_person(session=signed_in, person_id=young.id)
    assert record.pathway == "young_people" and record.young_person


def test_out_of_area_follows_the_home_district_and_is_helped(signed_in):
    away = people.create_person(session=signed_in, person=PersonInput(
        given_name="Sam", family_name="Away", home_district="southend"))
    home = people.create_person(session=signed_in, person=PersonInput(
        given_name="Sam", family_name="Home", home_district="colchester"))
    assert people.get_person(session=signed_in, person_id=away.id).person.out_of_area
    assert not people.get_person(session=signed_in, person_id=home.id).person.out_of_area


def test_consent_is_recorded_per_agency_and_withdrawal_is_kept(signed_in):
    person = people.create_person(session=signed_in, person=DARREN)
    consent.give_consent(session=signed_in, person_id=person.id, agency="probation",
                         given_on=date(2026, 1, 5))
    consent.give_consent(session=signed_in, person_id=person.id, agency="housing",
                         given_on=date(2026, 1, 5))
    consent.withdraw_consent(session=signed_in, person_id=person.id, agency="housing",
                             today=date(2026, 2, 1))
    record = people.get_person(session=signed_in, person_id=person.id)
    assert record.consenting_agencies == ("probation",)
    housing = [c for c in record.person.consents if c.agency == "housing"]
    assert housing[0].withdrawn_on == date(2026, 2, 1)
    assert housing[0].recorded_by == "Jo Bloggs" == housing[0].withdrawal_recorded_by


def test_caseload_shows_last_contact_risk_and_stale_sections(signed_in):
    person = people.create_person(session=signed_in, person=DARREN)
    assessment.record_contact(session=signed_in, person_id=person.id, setting="custody")
    assessment.save_section(session=signed_in, person_id=person.id, section="risk",
                            typed={"overdose_risk": "high", "self_harm_risk": "low"})
    [row] = caseload(session=signed_in, mine_only=True)
    assert row.id == person.id
    assert row.last_contact.endswith("custody")
    assert row.risk_level == "high" and "overdose" in row.risk_headline
    assert "risk" not in row.stale_sections and "housing" in row.stale_sections
