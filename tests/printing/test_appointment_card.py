"""The appointment card a person keeps, read back from its PDF: one A6 page, release day
first, cancelled and past appointments left off, signed and audited."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, time, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from reportlab.lib.pagesizes import A6

from app.domain.appointments import Outcome
from app.domain.journey.kinds import Kind
from app.domain.printable import ServiceHeader, parse_marker
from app.printing.appointment_card_pdf import (
    MOST_ON_A_CARD,
    CardAppointment,
    PrintableCard,
    build_appointment_card_pdf,
)
from app.services import printing
from app.services.appointment_card import appointment_card_pdf, service_phone
from app.services.appointments import Booking, book, record_outcome
from app.services.journey import EventInput, record_event
from app.store.models import AuditEvent
from tests.careplan.helpers import add_person

TODAY = date(2026, 3, 2)  # a Monday
RELEASE = date(2026, 3, 13)  # the Friday after next
RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def _words(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _book(session, person: str, on: date, at: str, where: str, with_whom: str = "Sam Reid",
          what_for: str = "Key work"):
    hours, minutes = (int(part) for part in at.split(":"))
    return book(session=session, person_id=person, today=TODAY,
                booking=Booking(on, time(hours, minutes), where, with_whom, what_for))


@pytest.fixture
def person_in_prison(signed_in) -> str:
    """In HMP Chelmsford, release expected on RELEASE; five bookings, two not for the card."""
    person = add_person(signed_in)
    for kind, on, details in ((Kind.PRISON_RECEPTION, TODAY - timedelta(days=20), {}),
                              (Kind.EXPECTED_RELEASE, TODAY, {"release_on": RELEASE.isoformat()})):
        record_event(session=signed_in, person_id=person, today=TODAY,
                     typed=EventInput(kind, on, "HMP Chelmsford", details))
    _book(signed_in, person, TODAY + timedelta(days=3), "11:00", "HMP Chelmsford visits hall",
          what_for="Pre-release planning")
    _book(signed_in, person, RELEASE, "14:30", "Boots pharmacy, Harlow", "the pharmacist",
          "First supervised dose")
    _book(signed_in, person, RELEASE, "10:00", "Harlow hub, 1 Market St", what_for="Script")
    _book(signed_in, person, TODAY - timedelta(days=7), "09:00", "Gone already")
    dropped = _book(signed_in, person, TODAY + timedelta(days=5), "12:00", "Cancelled place")
    record_outcome(session=signed_in, appointment_id=dropped.id, outcome=Outcome.CANCELLED,
                   reason="Moved wing", today=TODAY)
    return person


def test_the_card_lists_release_day_first_then_soonest_and_leaves_off_the_rest(
        signed_in, person_in_prison) -> None:
    document = appointment_card_pdf(session=signed_in, person_id=person_in_prison, today=TODAY)

    reader = PdfReader(io.BytesIO(document.data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (round(A6[0]), round(A6[1]))
    words = _words(document.data)
    assert "Appointments for SMITH, Darren" in words
    order = [words.index(shown) for shown in (
        "RELEASE DAY Friday 13/03/2026 10:00", "Harlow hub, 1 Market St",
        "Friday 13/03/2026 14:30", "Boots pharmacy, Harlow", "with the pharmacist",
        "Thursday 05/03/2026 11:00", "HMP Chelmsford visits hall")]
    assert order == sorted(order)
    assert "Cancelled place" not in words and "Gone already" not in words
    assert "Printed 02/03/2026 by Jo Bloggs" in words
    assert document.suggested_name == "appointment-card-smith-20260302.pdf"


def test_the_card_is_signed_verifies_as_intact_and_its_showing_is_audited(
        signed_in, person_in_prison) -> None:
    data = appointment_card_pdf(session=signed_in, person_id=person_in_prison, today=TODAY).data
    with signed_in.transaction(read_only=True) as db:
        last = db.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert (last.action, last.record_type) == ("view", "appointment_card")

    result = printing.verify_pdf(data=data, session=signed_in)
    assert result.check.ok and result.ok
    assert result.headline().startswith("Intact")
    marker = parse_marker(PdfReader(io.BytesIO(data)).metadata["/Keywords"])
    assert marker["insideout"] == "appointment-card" and marker["record"] == person_in_prison


def _card(appointments: tuple[CardAppointment, ...], lines: tuple[str, ...] = ()
          ) -> PrintableCard:
    header = ServiceHeader("InsideOut Drug Intervention Service", lines)
    return PrintableCard(header, "SMITH, Darren", "p-1", "02/03/2026", "Jo Bloggs",
                         appointments, service_phone(header))


def test_the_services_phone_number_is_printed_when_its_header_has_one() -> None:
    card = _card((), ("Harlow hub, 1 Market St", "Tel 01279 000 123, weekdays 9 to 5"))

    words = _words(build_appointment_card_pdf(card))
    assert "Can't make it? Ring 01279 000 123 before the appointment." in words
    assert "No appointments booked from today." in words
    assert service_phone(ServiceHeader.load(RESOURCES)) == ""  # the shipped header has none
    assert "Tell your worker" in _words(build_appointment_card_pdf(_card(())))


def test_a_long_list_is_cut_to_what_a_card_holds_and_long_text_stays_on_one_page() -> None:
    long = "Harlow hub, first floor, the door beside the chemist " * 3
    many = tuple(CardAppointment("Monday", f"{n + 9:02d}/03/2026", "10:00", long[:200],
                                 "Sam Reid", long[:200]) for n in range(MOST_ON_A_CARD + 2))

    data = build_appointment_card_pdf(_card(many))
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    words = _words(data)
    assert "And 2 more after these: ask your worker." in words
    assert f"{MOST_ON_A_CARD + 8:02d}/03/2026" in words  # the last one that fits
    assert f"{MOST_ON_A_CARD + 9:02d}/03/2026" not in words


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_the_card_renders_as_an_a6_image(signed_in, person_in_prison, tmp_path) -> None:
    path = tmp_path / "card.pdf"
    path.write_bytes(appointment_card_pdf(session=signed_in, person_id=person_in_prison,
                                          today=TODAY).data)
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(path), str(tmp_path / "card")],
                   check=True, timeout=60)
    [png] = tmp_path.glob("card*.png")
    width, height = int.from_bytes(png.read_bytes()[16:20]), int.from_bytes(
        png.read_bytes()[20:24])
    assert (width, height) == (331, 467)  # 105 x 148 mm at 80 dpi
