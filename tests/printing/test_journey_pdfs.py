"""The Required Assessment notices and the handover summary, read back from their PDFs."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.domain.journey.printable import (
    WARNING,
    PrintableHandover,
    PrintableRaNotice,
    PrintedPrescribing,
)
from app.domain.printable import PersonIdentifiers, ServiceHeader, parse_marker
from app.printing.journey_pdf import build_handover_pdf, build_ra_notice_pdf

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
PERSON = PersonIdentifiers("SMITH, Darren", "07/03/1986", pnc_id="12/123456A",
                           record_id="p-1")


def _read(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    words = " ".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", words)


def _notice(code: str, **more: str) -> PrintableRaNotice:
    return PrintableRaNotice(ServiceHeader.load(RESOURCES), PERSON, code, "e-9", "02/03/2026",
                             "Jo Bloggs", "02/03/2026", **more)


@pytest.mark.parametrize("code", ["RA1", "RA2", "RA4"])
def test_a_notice_with_an_appointment_says_when_where_and_warns(code: str) -> None:
    reader, words = _read(build_ra_notice_pdf(_notice(
        code, appointment="Thursday 05/03/2026 at 10:00", place="Harlow hub, 1 Market St")))

    assert len(reader.pages) == 1
    for shown in (code, "SMITH, Darren", "07/03/1986", "12/123456A",
                  "Thursday 05/03/2026 at 10:00", "Harlow hub, 1 Market St", "Jo Bloggs",
                  re.sub(r"\s+", " ", WARNING)):
        assert shown in words, shown
    marker = parse_marker(reader.metadata["/Keywords"])
    assert marker == {"insideout": "ra-notice", "record": "p-1", "version_id": "e-9",
                      "version": 0, "fingerprint": code}


@pytest.mark.parametrize("code", ["RA3", "RA5"])
def test_a_notice_that_requires_nothing_more_carries_no_warning(code: str) -> None:
    _reader, words = _read(build_ra_notice_pdf(_notice(code)))

    assert code in words and "offence" not in words


def _handover(prescribing: PrintedPrescribing | None) -> PrintableHandover:
    return PrintableHandover(
        ServiceHeader.load(RESOURCES), PERSON, "h-1", "HMP Chelmsford in-reach",
        "Harlow community team", "Release from prison", "15/04/2026 by Jo Bloggs",
        "Prison (HMP Chelmsford) since 03/03/2026",
        release="Released 17/04/2026 to 12 High St, Harlow; met by Sam",
        prescribing=prescribing, risks=("Released in the last 28 days: overdose risk",),
        changes=("Expected release 17/04/2026 set on 10/03/2026",),
        goals=("Stay off heroin", "Get my own flat"),
        next_appointments=("Mon 20/04/2026 10:00, Harlow hub: first script",),
        contacts=(("Key worker", "Jo Bloggs, 01245 000000"),))


def test_the_handover_summary_is_one_page_with_prescribing_risks_goals_and_appointments(
        ) -> None:
    dose = PrintedPrescribing("Methadone oral solution 1 mg/ml", "60 mg", "Dr Patel",
                              "Boots, Harlow", "17/04/2026")
    reader, words = _read(build_handover_pdf(_handover(dose)))

    assert len(reader.pages) == 1
    for shown in ("Handover for SMITH, Darren", "Harlow community team", "Methadone", "60 mg",
                  "17/04/2026", "overdose risk", "Stay off heroin", "first script",
                  "met by Sam", "01245 000000"):
        assert shown in words, shown
    assert parse_marker(reader.metadata["/Keywords"])["insideout"] == "handover"


def test_a_handover_with_no_prescription_says_so_rather_than_leaving_a_gap() -> None:
    _reader, words = _read(build_handover_pdf(_handover(None)))

    assert "No current prescription recorded." in words
