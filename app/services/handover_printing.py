"""The handover summary as a signed one-page PDF, addressed to the receiving team.

Everything the receiving worker needs on the day: who, where they are, what they are
prescribed and when they last had it (a missed or doubled dose on release day kills), the
risks, what changed since the last contact, the care plan's goals and what is booked.
Signed and audited like the Required Assessment notices.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from app.config import RESOURCES_DIR
from app.domain.appointments import Appointment
from app.domain.assessment import risk_summary
from app.domain.assessment.fields import Value
from app.domain.journey.events import effective
from app.domain.journey.kinds import KINDS
from app.domain.journey.printable import PrintableHandover, PrintedPrescribing
from app.domain.journey.state import coming_dates, last_release
from app.domain.printable import ServiceHeader
from app.domain.valuesets import ValueSet
from app.printing.journey_pdf import build_handover_pdf
from app.services import allocation, appointments, assessment, careplan, signing
from app.services.errors import ServiceError
from app.services.handover import of_person
from app.services.journey import Journey, journey_of
from app.services.printing import PdfDocument, Purpose, audit_document, identifiers
from app.services.session import WorkerSession
from app.store.handover_repo import HandoverEntry
from app.store.people_repo import PeopleRepository

# One page the person carries out of the gate: the next few dates, the latest changes.
_COMING, _CHANGES, _RISKS, _GOALS = 4, 6, 5, 5
REASONS = {"release": "Release", "transfer": "Transfer", "move": "Move to another team"}


class NoHandover(ServiceError):
    """A summary is addressed to a receiving team: hand the person over first."""


def handover_pdf(*, session: WorkerSession, person_id: str,
                 purpose: Purpose = Purpose.PREVIEW, today: date | None = None) -> PdfDocument:
    today = today or date.today()
    entries = of_person(session=session, person_id=person_id)
    if not entries:
        raise NoHandover("No handover for this person yet: hand them over first "
                         "(Person > Hand over to another team), then print the summary.")
    entry = next((e for e in reversed(entries) if e.state != "accepted"), entries[-1])
    printable = _printable(session, person_id, entry, today)
    with session.transaction() as db:
        data = signing.sign_pdf(db, session.device_id, build_handover_pdf(printable),
                                reason="InsideOut handover summary")
        audit_document(session, db, purpose, "handover", person_id,
                       {"handover": entry.handover.id, "to": entry.to_team_name})
    family = printable.person.name.split(",")[0].strip().lower().replace(" ", "-")
    return PdfDocument("handover", person_id, entry.handover.id,
                       f"Handover summary — {printable.person.name}",
                       f"handover-{family}-{today:%Y%m%d}.pdf", data)


def _printable(session: WorkerSession, person_id: str, entry: HandoverEntry,
               today: date) -> PrintableHandover:
    with session.transaction(read_only=True) as db:
        person = PeopleRepository(db).get(person_id)
    journey = journey_of(session=session, person_id=person_id, today=today)
    view = assessment.load_assessment(session=session, person_id=person_id)
    plan = careplan.load_care_plan(session=session, person_id=person_id).current
    held = allocation.key_worker(session=session, person_id=person_id)
    last_contact = view.contacts[0].at_utc[:10] if view.contacts else ""
    state = journey.state
    return PrintableHandover(
        header=ServiceHeader.load(RESOURCES_DIR), person=identifiers(person),
        handover_id=entry.handover.id, from_team=entry.from_team_name,
        to_team=entry.to_team_name, reason=REASONS.get(entry.handover.reason.value, ""),
        made=f"{entry.handover.created_on:%d/%m/%Y} by {entry.requested_by}",
        setting=state.setting.value.capitalize() + (
            f" since {state.since:%d/%m/%Y}" if state.since else ""),
        release=_release(journey, today),
        prescribing=_prescribing(journey),
        risks=_risks(view.values, state.recently_released),
        changes=_at_most((*_events_since(journey, last_contact),
                          *_answers_changed(session, view)), _CHANGES),
        goals=_at_most(tuple(g for g in plan.content.goals if g.strip()), _GOALS)
        if plan else (),
        next_appointments=_coming(session, journey, person_id, today),
        contacts=(("Key worker", held.key_worker_name),) if held else (),
    )


def _risks(values: Mapping[str, Mapping[str, Value]], recently_released: bool) -> tuple[str, ...]:
    """The headline, each area rated medium or high, and what raises overdose risk on
    the day printed (the journey says whether they left prison in the last 28 days)."""
    risk = risk_summary(values, recently_released=recently_released)
    return _at_most((risk.headline(), *risk.flags, *risk.overdose_factors), _RISKS)


def _coming(session: WorkerSession, journey: Journey, person_id: str,
            today: date) -> tuple[str, ...]:
    """The journey's key dates and the appointments booked on the Work tab, soonest
    first: the receiving team must see both."""
    keyed = [(key.on, f"{key.on:%d/%m/%Y} {key.what}") for key in coming_dates(
        journey.events, today, journey.required_assessment.appointment)]
    booked = [(listed.appointment.on, _booking_words(listed.appointment))
              for listed in appointments.of_person(session=session, person_id=person_id,
                                                  today=today)
              if listed.appointment.on >= today and listed.status.value in ("booked",
                                                                            "due_today")]
    return tuple(words for _, words in sorted(keyed + booked)[:_COMING])


def _booking_words(booked: Appointment) -> str:
    at = f" {booked.at:%H:%M}" if booked.at else ""
    with_whom = f" with {booked.with_whom}" if booked.with_whom else ""
    return f"{booked.on:%d/%m/%Y}{at} {booked.what_for}: {booked.where}{with_whom}"


def _at_most(lines: tuple[str, ...], count: int) -> tuple[str, ...]:
    if len(lines) <= count:
        return lines
    return (*lines[:count - 1], f"… and {len(lines) - count + 1} more on the record")


def _release(journey: Journey, today: date) -> str:
    """When they left, where to and who met them; or the release expected."""
    released = last_release(journey.events)
    if released is not None:
        parts = [f"Released {released.occurred_on:%d/%m/%Y}"]
        if released.text("address"):
            parts.append(f"to {released.text('address')}")
        if released.text("met_by"):
            parts.append(f"met by {released.text('met_by')}")
        return ", ".join(parts)
    expected = next((k for k in coming_dates(journey.events, today)
                     if k.what == "Expected release"), None)
    return f"Expected {expected.on:%d/%m/%Y}" if expected else ""


def _prescribing(journey: Journey) -> PrintedPrescribing | None:
    given = journey.prescription
    if given is None:
        return None
    last = f"{given.last_dose_on:%d/%m/%Y} {given.last_dose_time}".strip() \
        if given.last_dose_on else ""
    return PrintedPrescribing(given.medicine, given.daily_dose, given.prescriber,
                              given.pharmacy, last)


def _answers_changed(session: WorkerSession, view: assessment.AssessmentView
                     ) -> tuple[str, ...]:
    schema = session.reference.schema
    said = []
    for change in view.since_last_contact:
        field = schema.section(change.section).field(change.field)
        options = schema.value_sets.get(field.value_set or "")
        said.append(f"{field.label}: {_plain(change.old, options)} → "
                    f"{_plain(change.new, options)}")
    return tuple(said)


def _events_since(journey: Journey, last_contact: str) -> tuple[str, ...]:
    """Journey events on or after the last contact's day (all of them if none yet)."""
    return tuple(f"{e.occurred_on:%d/%m/%Y} {KINDS[e.kind].label}"
                 + (f" — {e.place}" if e.place else "")
                 for e in effective(journey.events)
                 if not last_contact or e.occurred_on.isoformat() >= last_contact)


def _plain(value: object, options: ValueSet | None) -> str:
    """An answer as a person reads it: a choice by its label, not its code."""
    if value is None:
        return "not answered"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if options is not None and value in options:
        return options.label_for(str(value))
    return str(value)
