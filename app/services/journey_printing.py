"""A Required Assessment notice as a signed PDF, printed from the event that records it.

The notice repeats what the record says (the appointment, the place, who gave it) and is
signed like the care plan, so a copy handed to the police can be checked with Verify.
A notice the record has since corrected is not printed: the correction is.
"""

from __future__ import annotations

from datetime import date

from app.config import RESOURCES_DIR
from app.domain.journey import required_assessment as ra
from app.domain.journey.events import JourneyEvent
from app.domain.journey.kinds import Kind
from app.domain.journey.printable import PrintableRaNotice
from app.domain.printable import PersonIdentifiers, ServiceHeader
from app.printing.journey_pdf import build_ra_notice_pdf
from app.services import signing
from app.services.errors import NotFound, ServiceError
from app.services.journey import appointment_text
from app.services.printing import PdfDocument, Purpose, audit_document, identifiers
from app.services.session import WorkerSession
from app.store.journey_repo import JourneyRepository
from app.store.people_repo import PeopleRepository


class NoticeCorrected(ServiceError):
    """The notice asked for has been corrected or withdrawn: print what stands instead."""


def ra_notice_pdf(*, session: WorkerSession, event_id: str,
                  purpose: Purpose = Purpose.PREVIEW) -> PdfDocument:
    """The RA1-RA5 notice an `ra_notice` event records, built and signed in memory."""
    with session.transaction() as db:
        event = JourneyRepository(db).get(event_id)
        if event is None or event.kind is not Kind.RA_NOTICE:
            raise NotFound("That Required Assessment notice")
        events = JourneyRepository(db).events_of(event.person_id)
        if any(e.supersedes == event.id for e in events):
            raise NoticeCorrected("This notice was corrected or entered in error: print the "
                                  "notice that replaced it.")
        person = PeopleRepository(db).get(event.person_id)
        notice = _printable(event, identifiers(person),
                            _tested_on(event, events, person.date_of_birth))
        data = signing.sign_pdf(db, session.device_id, build_ra_notice_pdf(notice),
                                reason=f"InsideOut Required Assessment notice {notice.notice}")
        audit_document(session, db, purpose, "ra_notice", event.person_id,
                       {"event": event.id, "notice": notice.notice})
    family = notice.person.name.split(",")[0].strip().lower().replace(" ", "-")
    return PdfDocument("ra_notice", event.person_id, event.id,
                       f"{notice.title} — {notice.person.name}",
                       f"{notice.notice.lower()}-notice-{family}-{event.occurred_on:%Y%m%d}.pdf",
                       data)


def _tested_on(notice: JourneyEvent, events: list[JourneyEvent], born: date | None) -> str:
    """The positive test the requirement follows: the one standing when it was given."""
    before = [e for e in events if e.sort_key() < notice.sort_key()]
    test = ra.derive(before, notice.occurred_on, born).test
    return f"{test.occurred_on:%d/%m/%Y}" if test else "not recorded"


def _printable(event: JourneyEvent, person: PersonIdentifiers, tested_on: str) -> PrintableRaNotice:
    on = event.day("appointment_on")
    return PrintableRaNotice(
        header=ServiceHeader.load(RESOURCES_DIR), person=person,
        notice=event.text("notice"), event_id=event.id,
        given_on=f"{event.occurred_on:%d/%m/%Y}", given_by=event.recorded_by,
        tested_on=tested_on,
        appointment=appointment_text(on, event.text("appointment_at")) if on else "",
        place=event.place, assessor=event.text("assessor"))
