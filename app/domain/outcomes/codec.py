"""TOP forms and the rows the figures read, to and from the fields a synced row carries.

One mapping for both ends: the laptop's store writes `measures(form)` as a form's
`measures_json` and reads it back with `form_from_fields`; the server's reports read the
same fields out of its synced rows. Unanswered measures are left out, never written as 0.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, time
from typing import Any

from app.domain.appointments import Appointment, AppointmentOutcome, Outcome
from app.domain.journey.events import JourneyEvent
from app.domain.journey.kinds import Kind
from app.domain.outcomes.form import Crime, Days, FormKind, Rating, Substance, TopForm

_NUMBERS = ("alcohol_units_per_day", "days_injected", "work_days", "education_days")
_ANSWERS = ("shared_equipment", "violence", "acute_housing_problem", "eviction_risk")


def measures(form: TopForm) -> dict[str, Any]:
    """The form's answers as a JSON object (what `measures_json` holds)."""
    found: dict[str, Any] = {}
    if form.use:
        found["use"] = {str(s): {"weeks": list(d.weeks), "total": d.total_given}
                        for s, d in form.use.items()}
    if form.crime_days:
        found["crime_days"] = {str(c): n for c, n in form.crime_days.items()}
    if form.ratings:
        found["ratings"] = {str(r): n for r, n in form.ratings.items()}
    for name in (*_NUMBERS, *_ANSWERS):
        if (value := getattr(form, name)) is not None:
            found[name] = value
    return found


def measures_json(form: TopForm) -> str:
    return json.dumps(measures(form), sort_keys=True, separators=(",", ":"))


def form_from_fields(row_id: str, fields: Mapping[str, Any], recorded_hlc: str = "") -> TopForm:
    """A form from a `top_forms` row's fields (measures_json as text or already parsed)."""
    given = fields.get("measures_json") or "{}"
    answers: Mapping[str, Any] = json.loads(given) if isinstance(given, str) else given
    return TopForm(
        id=row_id, person_id=str(fields["person_id"]), kind=FormKind(fields["kind"]),
        completed_on=date.fromisoformat(fields["completed_on"]),
        use={Substance(s): Days(tuple(d.get("weeks") or ()), d.get("total"))
             for s, d in (answers.get("use") or {}).items()},
        crime_days={Crime(c): n for c, n in (answers.get("crime_days") or {}).items()},
        ratings={Rating(r): n for r, n in (answers.get("ratings") or {}).items()},
        **{name: answers.get(name) for name in (*_NUMBERS, *_ANSWERS)},
        supersedes=fields.get("supersedes_id"),
        recorded_by=str(fields.get("recorded_by_name") or ""), recorded_hlc=recorded_hlc)


def journey_event(row_id: str, fields: Mapping[str, Any], recorded_hlc: str = "") -> JourneyEvent:
    details = fields.get("details_json") or "{}"
    return JourneyEvent(
        id=row_id, person_id=str(fields["person_id"]), kind=Kind(fields["kind"]),
        occurred_on=date.fromisoformat(fields["occurred_on"]), place=fields.get("place") or "",
        details=json.loads(details) if isinstance(details, str) else details,
        supersedes=fields.get("supersedes_id"),
        recorded_by=str(fields.get("recorded_by_name") or ""), recorded_hlc=recorded_hlc)


def appointment(row_id: str, fields: Mapping[str, Any], recorded_hlc: str = "") -> Appointment:
    at = fields.get("at_time") or ""
    return Appointment(
        row_id, str(fields["person_id"]), date.fromisoformat(fields["on_day"]),
        time.fromisoformat(at) if at else None, fields.get("place") or "",
        fields.get("with_whom") or "", fields.get("what_for") or "",
        str(fields.get("booked_by_name") or ""), recorded_hlc, fields.get("follows_up_id"),
        fields.get("supersedes_id"))


def appointment_outcome(row_id: str, fields: Mapping[str, Any],
                        recorded_hlc: str = "") -> AppointmentOutcome:
    return AppointmentOutcome(
        row_id, str(fields["appointment_id"]), str(fields["person_id"]),
        Outcome(fields["outcome"]), date.fromisoformat(fields["recorded_on"]),
        str(fields.get("recorded_by_name") or ""), recorded_hlc, fields.get("reason") or "",
        fields.get("supersedes_id"))
