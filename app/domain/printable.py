"""What a printed document shows, resolved to text: the printing layer only lays it out.

Services fill these from the record (codes already turned into labels), so app.printing
needs nothing but the standard library types here and reportlab.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from app.domain.careplan import Signature


@dataclass(frozen=True)
class ServiceHeader:
    service_name: str
    lines: tuple[str, ...] = ()
    logo_path: Path | None = None
    consent_statement: str = ""
    assessment_statement: str = ""

    @classmethod
    def load(cls, resources_dir: Path) -> ServiceHeader:
        data = json.loads((resources_dir / "careplan" / "service.json").read_text("utf-8"))
        logo = resources_dir / "logo.png"
        return cls(data["service_name"], tuple(data.get("service_lines", ())),
                   logo if logo.exists() else None, data.get("consent_statement", ""),
                   data.get("assessment_statement", ""))


@dataclass(frozen=True)
class PersonIdentifiers:
    """The minimum a partner needs to be sure whose plan this is."""

    name: str  # 'SMITH, Darren'
    date_of_birth: str = ""  # dd/mm/yyyy
    pnc_id: str = ""
    prison_number: str = ""
    nhs_number: str = ""
    record_id: str = ""

    def rows(self) -> list[tuple[str, str]]:
        found = [("Name", self.name), ("Date of birth", self.date_of_birth or "not recorded")]
        for label, value in (("PNC ID", self.pnc_id), ("Prison number", self.prison_number),
                             ("NHS number", self.nhs_number)):
            if value:
                found.append((label, value))
        return found


@dataclass(frozen=True)
class PrintedIntervention:
    label: str
    agency: str
    owner: str
    target_date: str
    status: str
    notes: str


@dataclass(frozen=True)
class PrintableCarePlan:
    header: ServiceHeader
    person: PersonIdentifiers
    version_id: str
    version_number: int
    status: str  # 'signed' or 'draft': a draft prints a DRAFT watermark
    created: str  # 'dd/mm/yyyy by Jo Bloggs'
    goals: tuple[str, ...]
    interventions: tuple[PrintedIntervention, ...]
    review_date: str
    signatures: tuple[Signature, ...]
    fingerprint: str
    supersedes_number: int | None = None
    # Partner agencies the person has consented to share with, as printed ("police
    # (verbal, 05/12/2026)"); empty: consent to share with no one.
    consented_agencies: tuple[str, ...] = ()

    def qr_payload(self) -> str:
        """Upper case only, so the QR code uses its compact alphanumeric mode (small, fast)."""
        return f"INSIDEOUT:CP:{self.version_id}:{self.version_number}:{self.fingerprint}".upper()

    def marker(self) -> str:
        """Machine-readable identity, kept in the PDF's keywords for `verify`."""
        return marker_text("care-plan", self.person.record_id, self.version_id,
                           self.version_number, self.fingerprint)


@dataclass(frozen=True)
class PrintedSection:
    title: str
    confirmed: str  # 'Confirmed 03/02/2026 by Jo Bloggs' or 'Never confirmed'
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PrintableAssessment:
    header: ServiceHeader
    person: PersonIdentifiers
    printed_on: str
    printed_by: str
    risk_headline: str
    sections: tuple[PrintedSection, ...]


def marker_text(kind: str, record_id: str, version_id: str, number: int,
                fingerprint: str) -> str:
    return json.dumps({"insideout": kind, "record": record_id, "version_id": version_id,
                       "version": number, "fingerprint": fingerprint}, sort_keys=True)


def parse_marker(text: str) -> dict[str, object] | None:
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return None
    return data if isinstance(data, dict) and "insideout" in data else None
