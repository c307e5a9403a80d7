"""The person: names and aliases, date of birth, sex, contact details, identifiers, consent.

A ``Person`` is a plain frozen value. Identifiers are stored in their normalised
spelling (see ``app.domain.identifiers``) so equality is exact. The pathway (young
people's or adult) is derived from the date of birth on the day asked, never stored,
so nobody has to remember to move a person over on their 18th birthday.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from app.domain.consent import ConsentRecord, PartnerAgency, agencies_with_consent
from app.domain.dates import age_on, is_young_person
from app.domain.identifiers import (
    normalise_nhs_number,
    normalise_pnc_id,
    normalise_prison_number,
)
from app.domain.valuesets import ValueSet


class Pathway(StrEnum):
    YOUNG_PEOPLE = "young_people"  # under 18: the young people's service leads
    ADULT = "adult"
    UNKNOWN = "unknown"  # no date of birth yet: the screen must ask for one


@dataclass(frozen=True)
class PersonName:
    given: str
    family: str
    middle: str = ""

    def display(self) -> str:
        """``SMITH, John`` -- the custody-record convention, surname first in capitals."""
        given = " ".join(part for part in (self.given, self.middle) if part)
        return f"{self.family.upper()}, {given}" if given else self.family.upper()


@dataclass(frozen=True)
class Alias:
    """Another name the person is known by, exactly as said ("Dazza", "Darren Smyth").

    ``kind`` is a code from the ``alias_kinds`` value set: a one-word ``nickname`` stands in
    for the first name, a one-word ``previous_name`` for the surname.
    """

    text: str
    kind: str = "alias"


@dataclass(frozen=True)
class Address:
    line1: str = ""
    line2: str = ""
    town: str = ""
    postcode: str = ""
    home_district: str = ""  # code from the home_districts value set


@dataclass(frozen=True)
class ContactDetails:
    phone: str = ""
    email: str = ""
    safe_to_leave_message: bool = False
    notes: str = ""  # e.g. "call via hostel key worker"


@dataclass(frozen=True)
class Identifiers:
    pnc_id: str = ""
    prison_number: str = ""
    nhs_number: str = ""

    @classmethod
    def validated(
        cls, *, pnc_id: str = "", prison_number: str = "", nhs_number: str = "",
        today: date | None = None,
    ) -> Identifiers:
        """Normalise each identifier given; blank stays blank; a bad one raises InvalidValue."""
        return cls(
            pnc_id=normalise_pnc_id(pnc_id, today=today) if pnc_id.strip() else "",
            prison_number=normalise_prison_number(prison_number) if prison_number.strip() else "",
            nhs_number=normalise_nhs_number(nhs_number) if nhs_number.strip() else "",
        )


@dataclass(frozen=True)
class Person:
    id: str  # client-made UUID; "" for a candidate not yet saved
    name: PersonName
    date_of_birth: date | None = None
    sex: str = ""  # code from the sex value set
    gender: str = ""  # as the person describes it
    ethnicity: str = ""  # code from the ethnicity value set
    nationality: str = ""
    aliases: tuple[Alias, ...] = ()
    address: Address = field(default_factory=Address)
    contact: ContactDetails = field(default_factory=ContactDetails)
    identifiers: Identifiers = field(default_factory=Identifiers)
    out_of_area: bool = False  # from outside the scheme's area: helped, not refused
    consents: tuple[ConsentRecord, ...] = ()

    def age(self, today: date) -> int | None:
        return age_on(self.date_of_birth, today) if self.date_of_birth else None

    def pathway(self, today: date) -> Pathway:
        if self.date_of_birth is None:
            return Pathway.UNKNOWN
        if is_young_person(self.date_of_birth, today):
            return Pathway.YOUNG_PEOPLE
        return Pathway.ADULT

    def agencies_that_may_see(self, today: date) -> frozenset[PartnerAgency]:
        return agencies_with_consent(self.consents, today)


def district_is_out_of_area(district_code: str, districts: ValueSet) -> bool:
    """True for Southend, Thurrock and places outside Essex: the default for ``out_of_area``."""
    if district_code not in districts:
        return False
    return bool(districts.item(district_code).extra.get("out_of_area", False))
