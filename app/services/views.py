"""Plain values the services hand to the UI and the CLI (no ORM objects leak out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.domain.person import Person


@dataclass(frozen=True)
class WorkerInfo:
    id: str
    username: str
    full_name: str
    role: str


def uk_date(iso: str | None) -> str:
    """'2026-03-07' or '2026-03-07T10:00:00+00:00' -> '07/03/2026'; '' for none."""
    if not iso:
        return ""
    day = date.fromisoformat(iso[:10])
    return f"{day:%d/%m/%Y}"


@dataclass(frozen=True)
class PersonSummary:
    id: str
    given_name: str
    family_name: str
    date_of_birth: str | None
    age: int | None = None
    young_person: bool = False
    last_contact: str = ""  # "12/10/2026 custody"
    risk_level: str = "not_assessed"
    risk_headline: str = "Risk not assessed"
    stale_sections: tuple[str, ...] = ()
    setting: str = "unknown"  # custody, court, prison, community or unknown, today
    next_key_date: str = ""  # "05/03/2026 Court: Basildon Crown"
    days_since_release: int | None = None  # within the overdose-risk window only
    in_handover: str = ""  # the receiving team's name while a handover waits to be accepted

    @property
    def display_name(self) -> str:
        return f"{self.family_name.upper()}, {self.given_name}"


@dataclass(frozen=True)
class MatchView:
    """A possible existing record of the person being created, with the reasons why."""

    person: PersonSummary
    score: int
    level: str  # "likely" or "possible"
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class PersonInput:
    """A person as typed into the form: all text, validated by the service."""

    given_name: str = ""
    family_name: str = ""
    middle_name: str = ""
    date_of_birth: str = ""
    sex: str = ""
    gender: str = ""
    ethnicity: str = ""
    nationality: str = ""
    aliases: tuple[tuple[str, str], ...] = ()  # (text, kind)
    pnc_id: str = ""
    prison_number: str = ""
    nhs_number: str = ""
    phone: str = ""
    email: str = ""
    address_line1: str = ""
    address_line2: str = ""
    town: str = ""
    postcode: str = ""
    home_district: str = ""
    out_of_area: bool | None = None  # None: decided from the home district


@dataclass(frozen=True)
class PersonRecord:
    """What every screen showing the person needs at the top."""

    person: Person
    age: int | None
    pathway: str  # "young_people", "adult", "unknown"
    consenting_agencies: tuple[str, ...]
    merged_from: tuple[str, ...] = field(default_factory=tuple)  # ids folded into this one
    merged_into: str | None = None

    @property
    def young_person(self) -> bool:
        return self.pathway == "young_people"
