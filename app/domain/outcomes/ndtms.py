"""Treatment episodes for the national return (NDTMS): the core data set's fields and codes.

One row per intervention of each episode (an episode with none has one row), with the
episode's dates repeated, as NDTMS records an episode and its interventions (its
"modalities") by setting and type. Which episodes: those open on some day of the quarter
(begun by its end, not discharged before it began); events after the quarter's end are
not read, so an episode discharged later is still open here.

What leaves, and why (the choice the issue asks to state):
- No name, initials, date of birth, sex, postcode or identifier. The national return's
  client linkage fields are added by the provider's NDTMS submission, which holds them;
  this file only carries the episodes. The client is a keyed pseudonym (`CLIENT_REF`)
  under a key derived from the server's pseudonym key for this file alone, so it is not
  the evaluator's pseudonym. That alone does not keep the two files apart: the year of
  birth with the referral, triage and discharge dates and codes would link most people
  across them, and put these full dates beside the evaluator's pseudonyms. So this file
  goes to the national return only, never to whoever holds the evaluator's extract.
- Year of birth only (`YOB`).
- Full dates, YYYY-MM-DD. NDTMS measures waits and lengths of treatment in days (referral
  to triage, triage to treatment), which a month cannot give. The evaluator's extract,
  which leaves the service, coarsens dates to the month; this one goes to the national
  return only.
- Codes only: every value is a code from a closed list or a date, never typed text.

Field names are the NDTMS core data set's short names as DOMAIN.md and the 2007/08
discharge set describe them. The discharge reason NUMBERS below are the 2007/08 set as a
UK treatment-records system's NDTMS code list numbers it; the word codes are ours and
authoritative. Check both against the NDTMS reference data of the data set version the
return uses before the first submission: the mapping lives in this one table.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import date

from app.domain.journey.events import effective
from app.domain.journey.treatment import Episode, Intervention, episodes
from app.domain.outcomes.cohort import CohortPerson, is_planned_exit
from app.domain.outcomes.extract import REFERRAL_SOURCES, Row, pseudonym
from app.domain.outcomes.months import Quarter
from app.domain.outcomes.schedule import treatment_start

# Our discharge reasons (resources/valuesets/discharge_reasons.json) -> NDTMS code, label.
DISCHARGE_CODES: dict[str, tuple[str, str]] = {
    "completed_drug_free": ("1", "Treatment completed drug free"),
    "completed": ("2", "Treatment completed"),
    "withdrawn_breach": ("3", "Treatment withdrawn / breach of contract"),
    "no_appropriate_treatment": ("4", "No appropriate treatment available"),
    "referred_on": ("5", "Referred on"),
    "dropped_out": ("6", "Dropped out / left"),
    "moved_away": ("7", "Moved away"),
    "prison": ("8", "Prison"),
    "died": ("9", "Died"),
    "other": ("10", "Other"),
    "not_known": ("11", "Not known"),
    "declined": ("12", "Treatment declined by client"),
}
# DOMAIN.md names these referral source codes as NDTMS's own; our word codes (self, GP,
# probation...) have no number there, so they go as REFSC_LOCAL and REFSC stays empty.
NDTMS_REFERRAL_SOURCES = frozenset({"53", "56", "57", "58", "63", "64", "65"})
SETTINGS = ("community", "prison", "inpatient", "residential")
TYPES = ("pharmacological", "psychosocial", "recovery_support")
FIELDS = ("CLIENT_REF", "EPISODE", "YOB", "REFLD", "REFSC", "REFSC_LOCAL", "TRIAGED",
          "CPLANDT", "TRTSTART", "MODSET", "MODTYPE", "MODST", "MODEND", "DISD", "DISRSN",
          "PLANNED")
_KEY_LABEL = b"insideout ndtms client reference v1"


def discharge_code(reason: str) -> str:
    """The NDTMS number of one of our discharge reasons; "" for one NDTMS cannot take
    (never a guess: an unknown reason is left for the submitter to see)."""
    found = DISCHARGE_CODES.get(reason)
    return found[0] if found else ""


def referral_code(source: str) -> str:
    return source if source in NDTMS_REFERRAL_SOURCES else ""


def client_reference(person_id: str, key: bytes) -> str:
    """The person's pseudonym in this file: under a key of its own, derived from `key`."""
    return pseudonym(person_id, hmac.new(key, _KEY_LABEL, hashlib.sha256).digest())


def ndtms_rows(person: CohortPerson, *, key: bytes, quarter: Quarter) -> list[Row]:
    """The person's rows for the quarter, in FIELDS order. Episodes are numbered among
    all of the person's episodes, so an episode keeps its number from quarter to quarter."""
    client = client_reference(person.person_id, key)
    events = [e for e in effective(person.journey) if e.occurred_on <= quarter.end]
    rows: list[Row] = []
    for number, episode in enumerate(episodes(events), start=1):
        if quarter.overlaps(episode.opened_on, episode.discharged_on):
            rows += _episode_rows(client, number, person.birth_year, episode)
    return rows


def _episode_rows(client: str, number: int, birth_year: int | None,
                  episode: Episode) -> list[Row]:
    reason = episode.discharge_reason if episode.discharged_on else ""
    local = episode.referral_source
    base: Row = {
        "CLIENT_REF": client, "EPISODE": number, "YOB": birth_year,
        "REFLD": _day(episode.referred_on), "REFSC": referral_code(local),
        "REFSC_LOCAL": (local if local in REFERRAL_SOURCES else "other")
        if local and not referral_code(local) else None,
        "TRIAGED": _day(episode.triaged_on), "CPLANDT": _day(episode.care_plan_started_on),
        "TRTSTART": _day(treatment_start(episode)),
        "DISD": _day(episode.discharged_on), "DISRSN": discharge_code(reason) or None,
        "PLANNED": ("Y" if is_planned_exit(reason) else "N") if reason else None}
    interventions: Sequence[Intervention | None] = episode.interventions or (None,)
    return [{name: ({**base, **_modality(i)})[name] for name in FIELDS} for i in interventions]


def _modality(intervention: Intervention | None) -> Row:
    if intervention is None:
        return {"MODSET": None, "MODTYPE": None, "MODST": None, "MODEND": None}
    return {"MODSET": intervention.setting if intervention.setting in SETTINGS else None,
            "MODTYPE": intervention.type if intervention.type in TYPES else None,
            "MODST": _day(intervention.started_on), "MODEND": _day(intervention.ended_on)}


def _day(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
