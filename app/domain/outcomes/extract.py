"""Rows for the external evaluator's pseudonymised extract, and NDTMS-style episode rows.

Each person appears under a keyed pseudonym: HMAC-SHA256 of their id under a key only
the server holds, truncated. The same key gives the same pseudonym every quarter, so the
evaluator can follow a person over time; without the key nobody (the evaluator included)
can go back to the id, or test a guessed id. A row carries codes, counts, the year of
birth and months (YYYY-MM), never a name, identifier, full date, place or free text:
every value comes from a closed list or a number, never from what a worker typed.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import date

from app.domain.journey.events import effective
from app.domain.journey.kinds import INTERVENTION_SETTINGS, INTERVENTION_TYPES
from app.domain.journey.treatment import Episode, episodes
from app.domain.outcomes.cohort import CohortPerson, is_planned_exit
from app.domain.outcomes.form import TopForm, standing
from app.domain.outcomes.measures import COMPARED
from app.domain.outcomes.months import Quarter, month_of
from app.domain.outcomes.revolving import person_door
from app.domain.outcomes.schedule import treatment_start

PSEUDONYM_HEX = 16  # 64 bits: no collision in any plausible caseload, and short to read
MIN_KEY_BYTES = 32  # a shorter key could be guessed, and with it every pseudonym reversed
Value = str | int | None
Row = dict[str, Value]
_DOOR = ("arrests_before", "arrests_after", "custody_before", "custody_after")
_ANSWERS = ("violence", "shared_equipment", "acute_housing_problem", "eviction_risk")
# Each file's columns in order (what a CSV's header row names, even with no rows).
PERSON_COLUMNS = ("pseudonym", "birth_year", "route", "first_contact_month",
                  *(f"{name}_{months}m" for months in (6, 12) for name in _DOOR))
FORM_COLUMNS = ("pseudonym", "form", "month", *(m.name for m in COMPARED), *_ANSWERS)
EPISODE_COLUMNS = ("pseudonym", "birth_year", "referral_month", "referral_source",
                   "triage_month", "treatment_start_month", "interventions",
                   "discharge_month", "discharge_reason", "planned_exit")


def pseudonym(person_id: str, key: bytes) -> str:
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"The pseudonym key needs at least {MIN_KEY_BYTES} bytes.")
    digest = hmac.new(key, person_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_HEX]


def _month(day: date | None) -> str | None:
    return month_of(day) if day is not None else None


# The closed lists a coded value must come from to leave (the value sets' codes; a test
# keeps them equal to resources/valuesets). Anything else, even one word, might be typed
# text from a faulty or newer laptop, and goes as "other".
REFERRAL_SOURCES = frozenset({
    "63", "64", "65", "53", "56", "57", "58", "self", "gp", "drug_service_statutory",
    "drug_service_non_statutory", "hospital", "social_services", "prison", "probation",
    "drr", "cmht", "housing", "young_peoples_service", "other"})
DISCHARGE_REASONS = frozenset({
    "completed_drug_free", "completed", "referred_on", "dropped_out", "prison",
    "declined", "withdrawn_breach", "moved_away", "died", "not_known",
    "no_appropriate_treatment",
    "other"})


def _listed(code: str, allowed: Iterable[str]) -> str | None:
    if not code:
        return None
    return code if code in allowed else "other"


def person_row(person: CohortPerson, *, key: bytes, quarter: Quarter) -> Row:
    row: Row = {"pseudonym": pseudonym(person.person_id, key),
                "birth_year": person.birth_year, "route": str(person.route),
                "first_contact_month": month_of(person.first_contact_on)}
    for months in (6, 12):
        door = person_door(person, months, by=quarter.end)
        for name in _DOOR:
            row[f"{name}_{months}m"] = getattr(door, name) if door else None
    return row


def form_rows(person: CohortPerson, *, key: bytes, quarter: Quarter) -> list[Row]:
    """One row per standing form up to the quarter's end, with every compared measure."""
    alias = pseudonym(person.person_id, key)
    return [_form_row(alias, form) for form in standing(person.forms)
            if form.completed_on <= quarter.end]


def _form_row(alias: str, form: TopForm) -> Row:
    row: Row = {"pseudonym": alias, "form": str(form.kind),
                "month": month_of(form.completed_on)}
    row.update({m.name: m.read(form) for m in COMPARED})
    row.update({"violence": _yes_no(form.violence),
                "shared_equipment": _yes_no(form.shared_equipment),
                "acute_housing_problem": _yes_no(form.acute_housing_problem),
                "eviction_risk": _yes_no(form.eviction_risk)})
    return row


def _yes_no(answer: bool | None) -> str | None:
    return None if answer is None else ("Y" if answer else "N")


def episode_rows(person: CohortPerson, *, key: bytes, quarter: Quarter) -> list[Row]:
    """NDTMS-style episode rows, as far as DOMAIN.md names the core data set's fields:
    referral source (NDTMS codes: 63 Arrest Referral, 64 DIP...), triage, treatment start,
    interventions by setting and type, discharge and its reason. Dates are months here;
    the national return's linkage fields (initials, date of birth, sex) and full dates
    are not part of an extract that leaves for an evaluator."""
    alias = pseudonym(person.person_id, key)
    # What stands now, then cut at the quarter's end: an event withdrawn after the quarter
    # (entered in error is dated the day it is made) stays withdrawn.
    events = [e for e in effective(person.journey) if e.occurred_on <= quarter.end]
    return [_episode_row(alias, person.birth_year, e) for e in episodes(events)]


def _episode_row(alias: str, birth_year: int | None, episode: Episode) -> Row:
    reason = _listed(episode.discharge_reason, DISCHARGE_REASONS) \
        if episode.discharged_on else None
    return {"pseudonym": alias, "birth_year": birth_year,
            "referral_month": _month(episode.referred_on),
            "referral_source": _listed(episode.referral_source, REFERRAL_SOURCES),
            "triage_month": _month(episode.triaged_on),
            "treatment_start_month": _month(treatment_start(episode)),
            "interventions": _interventions(episode),
            "discharge_month": _month(episode.discharged_on),
            "discharge_reason": reason,
            "planned_exit": _yes_no(is_planned_exit(reason)) if reason else None}


def _interventions(episode: Episode) -> str:
    """Setting:type pairs, e.g. community:pharmacological; codes only, never the provider."""
    pairs: Iterable[str] = (f"{_listed(i.setting, INTERVENTION_SETTINGS) or 'unknown'}:"
                            f"{_listed(i.type, INTERVENTION_TYPES) or 'unknown'}"
                            for i in episode.interventions)
    return ";".join(sorted(set(pairs)))
