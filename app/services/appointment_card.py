"""The appointment card a person keeps, as a signed PDF: their appointments from today on,
the release day's first, printed and audited like a Required Assessment notice."""

from __future__ import annotations

import re
from datetime import date

from app.config import RESOURCES_DIR
from app.domain import appointments as rules
from app.domain.appointments import Appointment
from app.domain.printable import ServiceHeader
from app.printing.appointment_card_pdf import (
    CardAppointment,
    PrintableCard,
    build_appointment_card_pdf,
)
from app.services import signing
from app.services.errors import NotFound
from app.services.printing import PdfDocument, Purpose, audit_document
from app.services.session import WorkerSession
from app.store.device import DbSession
from app.store.journey_repo import JourneyRepository
from app.store.people_repo import PeopleRepository
from app.store.work_repo import WorkRepository

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# A UK number in a header line: '01245 000000', '0800 123 4567', '+44 1245 000000'.
_PHONE = re.compile(r"(?:\+44\s?|\b0)\d[\d ]{7,12}\d")


def appointment_card_pdf(*, session: WorkerSession, person_id: str,
                         purpose: Purpose = Purpose.PREVIEW,
                         today: date | None = None) -> PdfDocument:
    """The card, built and signed in memory; one audit entry for showing or printing it."""
    today = today or date.today()
    with session.transaction() as db:
        if not PeopleRepository(db).exists(person_id):
            raise NotFound("That person")
        card = _printable(db, session, person_id, today)
        data = signing.sign_pdf(db, session.device_id, build_appointment_card_pdf(card),
                                reason="InsideOut appointment card")
        audit_document(session, db, purpose, "appointment_card", person_id,
                       {"on": today.isoformat(), "appointments": len(card.appointments)})
    family = card.person_name.split(",")[0].strip().lower().replace(" ", "-")
    return PdfDocument("appointment_card", person_id, "",
                       f"Appointment card — {card.person_name}",
                       f"appointment-card-{family}-{today:%Y%m%d}.pdf", data)


def card_appointments(db: DbSession, person_id: str, today: date) -> list[CardAppointment]:
    """From today on, not cancelled, in card order: the release day's first."""
    repo = WorkRepository(db)
    latest = rules.latest_outcomes(repo.outcomes(person_id))
    coming = rules.upcoming(repo.appointments(person_id), latest, today)
    release_on = rules.release_day(JourneyRepository(db).standing(person_id, today), today)
    return [_on_card(a, a.on == release_on) for a in rules.card_order(coming, release_on)]


def service_phone(header: ServiceHeader) -> str:
    """The first phone number in the service's header lines, '' if it gives none."""
    for line in header.lines:
        found = _PHONE.search(line)
        if found:
            return found.group(0)
    return ""


def _printable(db: DbSession, session: WorkerSession, person_id: str,
               today: date) -> PrintableCard:
    header = ServiceHeader.load(RESOURCES_DIR)
    person = PeopleRepository(db).get(person_id)
    return PrintableCard(header, person.name.display(), person_id, f"{today:%d/%m/%Y}",
                         session.worker.full_name,
                         tuple(card_appointments(db, person_id, today)), service_phone(header))


def _on_card(booked: Appointment, release_day: bool) -> CardAppointment:
    at = f"{booked.at:%H:%M}" if booked.at else "time to be confirmed"
    return CardAppointment(_DAYS[booked.on.weekday()], f"{booked.on:%d/%m/%Y}", at,
                           booked.where, booked.with_whom, booked.what_for, release_day)
