"""The task inputs a person's digest keeps, beside the journey digest, in a few hundred bytes.

Only what can still make a task is kept: handovers not yet accepted, referrals still
waiting for an answer, appointments with no outcome or missed and not rebooked, consents
with a review date. None of these choices depends on the day, so the digest is rebuilt
only when a sync touches the person's rows, like the journey digest. Texts a task line
does not show (a referral's reason, notes) are left out.
"""

from __future__ import annotations

import json
from datetime import date, time
from typing import Any

from app.domain.appointments import (
    Appointment,
    AppointmentOutcome,
    Outcome,
    latest_outcomes,
    standing,
)
from app.domain.consent import ConsentRecord, PartnerAgency
from app.domain.journey.events import JourneyEvent
from app.domain.journey.handover import Handover, HandoverReason
from app.domain.referrals import (
    AWAITING_ANSWER,
    Referral,
    ReferralService,
    ReferralStatus,
    ReferralUpdate,
    state_of,
)
from app.domain.tasks.inputs import CarePlanReview, OutcomeFormDue, PersonTaskInputs


def to_digest(inputs: PersonTaskInputs) -> str:
    """Everything but the journey (the journey digest holds it) and the section list (the
    assessment form gives it), as compact JSON."""
    return json.dumps({
        "dob": _iso(inputs.date_of_birth), "known": _iso(inputs.known_since),
        "seen": _iso(inputs.last_seen_on),
        "plan": [inputs.care_plan.version_id, inputs.care_plan.review_on.isoformat()]
        if inputs.care_plan else None,
        "confirmed": {s: d.isoformat() for s, d in inputs.confirmed_on.items()},
        "handovers": [[h.id, h.from_team, h.to_team, h.reason.value, h.created_on.isoformat(),
                       h.accept_by.isoformat()] for h in inputs.handovers if not h.accepted],
        "consents": [[c.agency.value, c.given_on.isoformat(), _iso(c.withdrawn_on),
                      _iso(c.review_on)] for c in inputs.consents if c.review_on],
        "referrals": _open_referrals(inputs),
        "appointments": _open_appointments(inputs),
        "forms": [[f.source_id, f.form, f.due_on.isoformat(), _iso(f.opens_on),
                   _iso(f.closes_on)] for f in inputs.outcome_forms_due],
    }, separators=(",", ":"))


def from_digest(text: str, person_id: str, journey: tuple[JourneyEvent, ...] = (),
                section_ids: tuple[str, ...] = ()) -> PersonTaskInputs:
    data = json.loads(text or "{}")
    referrals, updates = _referrals(data.get("referrals", []), person_id)
    appointments, outcomes = _appointments(data.get("appointments", []), person_id)
    plan = data.get("plan")
    return PersonTaskInputs(
        person_id, date_of_birth=_day(data.get("dob")), journey=journey,
        handovers=tuple(Handover(h, person_id, f, t, HandoverReason(r), _req(c), _req(a))
                        for h, f, t, r, c, a in data.get("handovers", [])),
        care_plan=CarePlanReview(plan[0], _req(plan[1])) if plan else None,
        section_ids=section_ids,
        confirmed_on={s: _req(d) for s, d in data.get("confirmed", {}).items()},
        known_since=_day(data.get("known")), last_seen_on=_day(data.get("seen")),
        consents=tuple(ConsentRecord(PartnerAgency(a), _req(g), "", withdrawn_on=_day(w),
                                     review_on=_day(r))
                       for a, g, w, r in data.get("consents", [])),
        referrals=referrals, referral_updates=updates,
        appointments=appointments, appointment_outcomes=outcomes,
        # A digest from before closing days were kept has four items a form.
        outcome_forms_due=tuple(OutcomeFormDue(s, f, _req(d), _day(o), _day(c))
                                for s, f, d, o, c, *_ in (
                                    [*form, None] for form in data.get("forms", []))))


def _open_referrals(inputs: PersonTaskInputs) -> list[list[Any]]:
    kept = []
    for referral in inputs.referrals:
        if state_of(referral, inputs.referral_updates).status in AWAITING_ANSWER:
            mine = [u for u in inputs.referral_updates if u.referral_id == referral.id]
            kept.append([referral.id, referral.service.value, referral.sent_on.isoformat(),
                         [[u.id, u.status.value, u.on.isoformat(), u.recorded_hlc,
                           u.supersedes] for u in mine]])
    return kept


def _referrals(rows: list[list[Any]], person_id: str
               ) -> tuple[tuple[Referral, ...], tuple[ReferralUpdate, ...]]:
    referrals, updates = [], []
    for referral_id, service, sent_on, steps in rows:
        referrals.append(Referral(referral_id, person_id, ReferralService(service), "",
                                  _req(sent_on), ""))
        updates.extend(ReferralUpdate(u, referral_id, person_id, ReferralStatus(s), _req(on),
                                      "", hlc, supersedes=sup) for u, s, on, hlc, sup in steps)
    return tuple(referrals), tuple(updates)


def _open_appointments(inputs: PersonTaskInputs) -> list[list[Any]]:
    """Bookings with no outcome, or missed and not rebooked, with their outcome if any."""
    bookings = standing(inputs.appointments)
    outcomes = latest_outcomes(inputs.appointment_outcomes)
    rebooked = {a.follows_up for a in bookings if a.follows_up}
    kept = []
    for a in bookings:
        outcome = outcomes.get(a.id)
        missed = outcome is not None and outcome.outcome is Outcome.DID_NOT_ATTEND
        if outcome is None or (missed and a.id not in rebooked):
            kept.append([a.id, a.on.isoformat(), a.at.isoformat("minutes") if a.at else None,
                         a.where, a.what_for, outcome.outcome.value if outcome else None])
    return kept


def _appointments(rows: list[list[Any]], person_id: str
                  ) -> tuple[tuple[Appointment, ...], tuple[AppointmentOutcome, ...]]:
    bookings, outcomes = [], []
    for appointment_id, on, at, where, what_for, outcome in rows:
        booking = Appointment(appointment_id, person_id, _req(on),
                              time.fromisoformat(at) if at else None, where, "", what_for, "")
        bookings.append(booking)
        if outcome:
            outcomes.append(AppointmentOutcome(f"{appointment_id}/outcome", appointment_id,
                                               person_id, Outcome(outcome), booking.on, "", ""))
    return tuple(bookings), tuple(outcomes)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _req(text: str) -> date:
    return date.fromisoformat(text)

