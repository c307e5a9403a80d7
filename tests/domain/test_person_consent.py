"""Person values, the derived pathway, out-of-area districts and consent to share."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.domain.consent import (
    ConsentRecord,
    PartnerAgency,
    active_consent,
    agencies_with_consent,
    give_consent,
    withdraw_consent,
)
from app.domain.errors import InvalidPncId, InvalidValue
from app.domain.person import (
    Identifiers,
    Pathway,
    Person,
    PersonName,
    district_is_out_of_area,
)
from app.domain.valuesets import load_value_sets

TODAY = date(2025, 6, 15)
RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def person(dob=None, **kwargs):
    return Person(id="p1", name=PersonName("Darren", "Smith"), date_of_birth=dob, **kwargs)


def test_pathway_is_derived_from_date_of_birth_on_the_day():
    assert person(date(2008, 1, 1)).pathway(TODAY) is Pathway.YOUNG_PEOPLE
    assert person(date(2007, 6, 15)).pathway(TODAY) is Pathway.ADULT
    assert person(None).pathway(TODAY) is Pathway.UNKNOWN
    # The same record moves to the adult pathway on the 18th birthday without an edit.
    young = person(date(2007, 6, 16))
    assert young.pathway(TODAY) is Pathway.YOUNG_PEOPLE
    assert young.pathway(date(2025, 6, 16)) is Pathway.ADULT


def test_age_is_none_without_a_date_of_birth():
    assert person(None).age(TODAY) is None
    assert person(date(1986, 3, 7)).age(TODAY) == 39


def test_display_name_puts_surname_first_in_capitals():
    assert PersonName("Darren", "Smith", "James").display() == "SMITH, Darren James"


def test_identifiers_are_validated_and_normalised():
    ids = Identifiers.validated(pnc_id="20190012345g", prison_number="a1234bc",
                                nhs_number="943-476-5919")
    assert ids == Identifiers("2019/0012345G", "A1234BC", "9434765919")
    assert Identifiers.validated() == Identifiers()
    with pytest.raises(InvalidPncId):
        Identifiers.validated(pnc_id="2019/0012345T")


def test_out_of_area_districts_come_from_the_value_set():
    districts = load_value_sets(RESOURCES)["home_districts"]
    assert district_is_out_of_area("thurrock", districts)
    assert district_is_out_of_area("southend", districts)
    assert not district_is_out_of_area("colchester", districts)
    assert not district_is_out_of_area("unknown-code", districts)


# --- consent ------------------------------------------------------------------------------
def test_consent_given_lets_that_agency_see_the_record_from_that_day():
    consents = give_consent((), agency=PartnerAgency.PROBATION, given_on=date(2025, 6, 1),
                            recorded_by="worker-7")
    assert agencies_with_consent(consents, date(2025, 5, 31)) == frozenset()
    assert agencies_with_consent(consents, date(2025, 6, 1)) == {PartnerAgency.PROBATION}


def test_withdrawal_removes_the_agency_and_keeps_the_history():
    consents = give_consent((), agency=PartnerAgency.POLICE, given_on=date(2025, 1, 1),
                            recorded_by="worker-7")
    consents = give_consent(consents, agency=PartnerAgency.HOUSING, given_on=date(2025, 1, 1),
                            recorded_by="worker-7")
    consents = withdraw_consent(consents, agency=PartnerAgency.POLICE,
                                withdrawn_on=date(2025, 3, 1), recorded_by="worker-9")
    assert agencies_with_consent(consents, date(2025, 2, 28)) == {PartnerAgency.POLICE,
                                                                  PartnerAgency.HOUSING}
    assert agencies_with_consent(consents, date(2025, 3, 1)) == {PartnerAgency.HOUSING}
    police = [c for c in consents if c.agency is PartnerAgency.POLICE]
    assert police == [ConsentRecord(PartnerAgency.POLICE, date(2025, 1, 1), "worker-7",
                                    date(2025, 3, 1), "worker-9")]


def test_consent_given_again_after_withdrawal_is_a_new_record():
    consents = give_consent((), agency=PartnerAgency.PRISON, given_on=date(2025, 1, 1),
                            recorded_by="a")
    consents = withdraw_consent(consents, agency=PartnerAgency.PRISON,
                                withdrawn_on=date(2025, 2, 1), recorded_by="b")
    consents = give_consent(consents, agency=PartnerAgency.PRISON, given_on=date(2025, 4, 1),
                            recorded_by="c")
    assert len(consents) == 2
    assert agencies_with_consent(consents, date(2025, 3, 1)) == frozenset()
    assert active_consent(consents, PartnerAgency.PRISON, TODAY).recorded_by == "c"


def test_giving_consent_twice_is_idempotent():
    once = give_consent((), agency=PartnerAgency.POLICE, given_on=date(2025, 1, 1),
                        recorded_by="a")
    assert give_consent(once, agency=PartnerAgency.POLICE, given_on=date(2025, 2, 1),
                        recorded_by="a") == once


def test_withdrawing_consent_that_was_never_given_explains_itself():
    with pytest.raises(InvalidValue, match="no consent to share with social services"):
        withdraw_consent((), agency=PartnerAgency.SOCIAL_SERVICES, withdrawn_on=TODAY,
                         recorded_by="a")


def test_consent_must_say_who_recorded_it():
    with pytest.raises(InvalidValue, match="who recorded it"):
        give_consent((), agency=PartnerAgency.POLICE, given_on=TODAY, recorded_by=" ")


def test_person_reports_which_agencies_may_see_it():
    consents = give_consent((), agency=PartnerAgency.YOUNG_PEOPLES_SERVICE, given_on=TODAY,
                            recorded_by="a")
    assert person(date(2009, 1, 1), consents=consents).agencies_that_may_see(TODAY) == {
        PartnerAgency.YOUNG_PEOPLES_SERVICE
    }
