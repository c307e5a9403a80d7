"""What each synced table may carry: one schema for both ends of sync.

The server checks every pushed row against it before storing anything, and a laptop
checks every pulled row against it before writing it to the encrypted store, so a row
one laptop cannot store never reaches the others, and one that somehow does is set
aside there instead of stopping every later sync. Standard library only.

A test (tests/sync_client/test_table_rules.py) keeps these rules in step with the
laptop's own tables: every column a laptop sends is named here with its type, and a
column the laptop cannot store a row without is required.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from sync.protocol import (
    AGENCIES,
    CONFLICTS_TABLE,
    HANDOVER_ACCEPTANCES_TABLE,
    HANDOVER_REQUESTS_TABLE,
    HANDOVERS_TABLE,
    RESOLUTIONS_TABLE,
    top_measures,
)

Check = Callable[[Any], str | None]  # a problem in words, or None
_UUID_TEXT = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_UUID = re.compile(_UUID_TEXT + r"\Z")
# An HLC stamp as app.domain.clock writes it: wall ms, counter, the device's id.
HLC_PATTERN: Final = re.compile(r"([0-9]{15})-([0-9]{5})-(" + _UUID_TEXT + r")\Z")
# Only NUL: a laptop stores (and a worker may paste) any other character, and a row a
# laptop wrote must never be refused for good for what it holds.
_CONTROL = re.compile(r"\x00")
MAX_TEXT: Final = 20_000  # a free-text note
# JSON text of a free-text answer: the laptop takes 4,000 characters and writes them
# with json.dumps, which spells each non-ASCII one as six ("\u0142").
MAX_JSON_TEXT: Final = 6 * MAX_TEXT
MAX_DOCUMENT: Final = 400_000  # a care plan's content or a signature's ink (~100 KB)
_INT32 = (-(2**31), 2**31 - 1)


def _nullable(check: Check) -> Check:
    return lambda value: None if value is None else check(value)


def text(max_length: int = 200) -> Check:
    def check(value: Any) -> str | None:
        if type(value) is not str:
            return "must be text"
        if len(value) > max_length:
            return f"is longer than {max_length} characters"
        return "holds a NUL character" if _CONTROL.search(value) else None
    return check


def one_of(*choices: str) -> Check:
    return lambda value: None if value in choices else f"must be one of {', '.join(choices)}"


def row_id(value: Any) -> str | None:
    return None if type(value) is str and _UUID.match(value) else "must be an id"


def hlc(value: Any) -> str | None:
    return None if type(value) is str and HLC_PATTERN.match(value) else "must be a clock stamp"


def flag(value: Any) -> str | None:
    return None if type(value) is bool else "must be true or false"


def whole(low: int = _INT32[0], high: int = _INT32[1]) -> Check:
    def check(value: Any) -> str | None:
        if type(value) is not int:
            return "must be a whole number"
        return None if low <= value <= high else f"must be from {low} to {high}"
    return check


def day(value: Any) -> str | None:
    """A calendar date, YYYY-MM-DD."""
    if type(value) is not str or len(value) != 10:
        return "must be a date, YYYY-MM-DD"
    try:
        date.fromisoformat(value)
    except ValueError:
        return "must be a real date, YYYY-MM-DD"
    return None


def moment(value: Any) -> str | None:
    """A time as ISO 8601 text (what the laptop's utc_now writes)."""
    if type(value) is not str or len(value) > 40:
        return "must be a time, ISO 8601"
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return "must be a time, ISO 8601"
    return None


def json_text(max_length: int = MAX_JSON_TEXT) -> Check:
    def check(value: Any) -> str | None:
        if type(value) is not str or len(value) > max_length:
            return f"must be JSON text of at most {max_length} characters"
        try:
            json.loads(value)
        except (ValueError, RecursionError):  # nested past Python's limit: not an answer
            return "must be JSON text"
        return None
    return check


def details_object(max_length: int = MAX_TEXT, max_keys: int = 20) -> Check:
    """A journey event's details: JSON text of one object of named plain values (text,
    whole numbers, yes/no), as the laptop's event kinds record them; never nested."""
    text_check = json_text(max_length)

    def check(value: Any) -> str | None:
        problem = text_check(value)
        if problem:
            return problem
        found = json.loads(value)
        if not isinstance(found, dict) or len(found) > max_keys:
            return f"must be JSON text of an object of at most {max_keys} details"
        if any(type(v) not in (str, int, bool) or len(k) > 60 for k, v in found.items()):
            return "must hold only named text, whole numbers or yes/no"
        return None
    return check


@dataclass(frozen=True)
class TableRule:
    """What one table's rows may carry.

    `person_column`: the field that must name the row's own person (the change's
    person_id); None where no field does. `row_is_person`: the row id is the person id
    (the `people` table). `unique`: with the person, no two rows may share these
    fields' values (the laptop's own unique constraint). `person_references`: fields
    naming another person, who must be one the writer may change too."""

    columns: Mapping[str, Check]
    required: frozenset[str]
    person_column: str | None = "person_id"
    row_is_person: bool = False
    unique: tuple[str, ...] = ()
    append_only: bool = False
    person_references: tuple[str, ...] = ()


def _rule(required: Mapping[str, Check], optional: Mapping[str, Check] | None = None,
          **options: Any) -> TableRule:
    """A syncable row always carries its creation stamp and may carry its tombstone."""
    columns = {"created_hlc": hlc, **required, "deleted": flag, **(optional or {})}
    return TableRule(columns, frozenset({"created_hlc", *required}), **options)


_NAME = text(200)
_PERSON = {"person_id": row_id}
HANDOVER_REASONS: Final = ("release", "transfer", "move")
# What can happen on a person's journey (the laptop's app.domain.journey.kinds.Kind; a
# test keeps the two equal). A kind a laptop does not know yet is set aside, not stored.
JOURNEY_KINDS: Final = (
    "arrest", "drug_test", "bail_restriction", "ra_notice", "ra_failed_to_attend",
    "ra_police_told", "court_hearing", "court_order", "prison_reception", "prison_transfer",
    "prison_triage", "expected_release", "release", "treatment_started", "appointment",
    "discharge", "referral_received", "triage_done", "intervention_started",
    "intervention_ended", "prescribed", "prescribing_stopped", "dose_given",
    "entered_in_error")
# The worker's day (app.domain.appointments, referrals, keywork, tasks.decisions; a test
# keeps each equal to its enum).
APPOINTMENT_OUTCOMES: Final = ("attended", "did_not_attend", "cancelled")
REFERRAL_SERVICES: Final = ("housing", "mental_health", "gp", "employment",
                            "residential_rehab", "young_peoples_service", "social_services",
                            "probation")
REFERRAL_STEPS: Final = ("sent", "acknowledged", "accepted", "declined", "outcome_recorded",
                         "withdrawn")
SESSION_TYPES: Final = ("one_to_one", "group", "phone", "in_cell")
SESSION_SETTINGS: Final = ("custody", "court", "prison", "community")
TASK_DECISIONS: Final = ("completed", "dismissed", "reopened")
_CLOCK_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]\Z")


def clock_time(value: Any) -> str | None:
    """'' (no time yet) or HH:MM on the 24-hour clock."""
    if value == "" or (isinstance(value, str) and _CLOCK_TIME.match(value)):
        return None
    return "must be a time as HH:MM, or empty"


_WORK_ROWS: Final[dict[str, TableRule]] = {
    "appointments": _rule(
        {**_PERSON, "on_day": day, "booked_by_name": _NAME, "booked_at": moment},
        {"at_time": clock_time, "place": _NAME, "with_whom": _NAME, "what_for": _NAME,
         "follows_up_id": _nullable(row_id), "supersedes_id": _nullable(row_id)},
        append_only=True),
    "appointment_outcomes": _rule(
        {**_PERSON, "appointment_id": row_id, "outcome": one_of(*APPOINTMENT_OUTCOMES),
         "recorded_on": day, "recorded_by_name": _NAME, "recorded_at": moment},
        {"reason": text(MAX_TEXT), "supersedes_id": _nullable(row_id)}, append_only=True),
    "referrals": _rule(
        {**_PERSON, "service": one_of(*REFERRAL_SERVICES), "reason": text(MAX_TEXT),
         "sent_on": day, "sent_by_name": _NAME, "recorded_at": moment},
        {"partner_contact": _NAME}, append_only=True),
    "referral_updates": _rule(
        {**_PERSON, "referral_id": row_id, "status": one_of(*REFERRAL_STEPS), "on_day": day,
         "recorded_by_name": _NAME, "recorded_at": moment},
        {"note": text(MAX_TEXT), "supersedes_id": _nullable(row_id)}, append_only=True),
    "keywork_sessions": _rule(
        {**_PERSON, "held_on": day, "setting": one_of(*SESSION_SETTINGS),
         "minutes": whole(1, 480), "session_type": one_of(*SESSION_TYPES),
         "recorded_by_name": _NAME, "recorded_at": moment},
        {"notes": text(MAX_TEXT), "goals_json": json_text(),
         "care_plan_version_id": _nullable(row_id), "supersedes_id": _nullable(row_id)},
        append_only=True),
    # A TOP outcome form: its answers checked here again (sync.protocol.top_measures).
    "top_forms": _rule(
        {**_PERSON, "kind": one_of(*top_measures.FORM_KINDS), "completed_on": day,
         "recorded_by_name": _NAME, "recorded_at": moment},
        {"measures_json": top_measures.measures_problem, "supersedes_id": _nullable(row_id)},
        append_only=True),
    "task_decisions": _rule(
        {**_PERSON, "task_key": text(200), "kind": one_of(*TASK_DECISIONS),
         "decided_on": day, "decided_by_name": _NAME, "decided_at": moment},
        {"reason": text(MAX_TEXT)}, append_only=True),
}

TABLES: Final[dict[str, TableRule]] = {
    "people": _rule(
        {"given_name": _NAME, "family_name": _NAME},
        {"date_of_birth": _nullable(day), "middle_name": _NAME, "sex": text(8),
         "gender": text(100), "ethnicity": text(8), "nationality": text(100),
         "phone": text(60), "email": _NAME, "safe_to_leave_message": flag,
         "contact_notes": text(MAX_TEXT), "address_line1": _NAME, "address_line2": _NAME,
         "town": text(100), "postcode": text(12), "home_district": text(40),
         "out_of_area": flag, "pnc_id": text(16), "prison_number": text(10),
         "nhs_number": text(10), "merged_into": _nullable(row_id), "id_salt": text(64)},
        person_column=None, row_is_person=True, person_references=("merged_into",)),
    "person_aliases": _rule({**_PERSON, "text": _NAME}, {"kind": text(32)}),
    "consents": _rule(
        {**_PERSON, "agency": one_of(*AGENCIES), "given_on": day, "recorded_by": _NAME},
        {"withdrawn_on": _nullable(day), "withdrawal_recorded_by": _NAME,
         "how": one_of("", "verbal", "written"), "review_on": _nullable(day)}),
    "assessment_values": _rule(
        {**_PERSON, "section": text(40), "field": text(60), "value_json": json_text()},
        unique=("section", "field")),
    "section_confirmations": _rule(
        {**_PERSON, "section": text(40), "confirmed_by_name": _NAME, "confirmed_at": moment},
        unique=("section",)),
    "contacts": _rule(
        {**_PERSON, "setting": text(20), "at_utc": moment, "worker_name": _NAME}),
    "person_merges": _rule(
        {"survivor_id": row_id, "merged_id": row_id, "merged_by_name": _NAME,
         "merged_at": moment},
        {"reason": text(MAX_TEXT), "undone_at": _nullable(moment)},
        person_column="survivor_id", person_references=("merged_id",)),
    # Field history is append-only and carries no creation stamp or tombstone.
    "assessment_history": TableRule(
        {**_PERSON, "section": text(40), "field": text(60), "old_json": json_text(),
         "new_json": json_text(), "worker_name": _NAME, "hlc": hlc, "at_utc": moment},
        frozenset({"person_id", "section", "field", "old_json", "new_json", "worker_name",
                   "hlc", "at_utc"}), append_only=True),
    "care_plan_versions": _rule(
        {**_PERSON, "number": whole(1, 100_000), "content_json": json_text(MAX_DOCUMENT),
         "created_at": moment},
        {"status": one_of("draft", "signed"), "supersedes_id": _nullable(row_id),
         "created_by_name": _NAME, "signed_at": _nullable(moment), "fingerprint": text(64)}),
    "care_plan_signatures": _rule(
        {**_PERSON, "version_id": row_id, "role": one_of("person", "worker"),
         "kind": one_of("signed", "declined", "unable"), "signer_name": _NAME,
         "signed_at": moment},
        {"reason": text(MAX_TEXT), "strokes_json": json_text(MAX_DOCUMENT),
         "aspect": text(12)},
        unique=("version_id", "role"), append_only=True),
    # A correction is a new event naming the one it supersedes, never an edit.
    "journey_events": _rule(
        {**_PERSON, "kind": one_of(*JOURNEY_KINDS), "occurred_on": day,
         "recorded_by_name": _NAME, "recorded_at": moment},
        {"place": text(500), "details_json": details_object(),
         "supersedes_id": _nullable(row_id)},
        append_only=True),
    # The latest allocation is the person's key worker; the server checks who may allocate.
    "key_worker_allocations": _rule(
        {**_PERSON, "key_worker_id": row_id, "key_worker_name": _NAME,
         "allocated_by_name": _NAME, "allocated_at": moment},
        append_only=True),
    **_WORK_ROWS,
}

# Rows the server makes and laptops only receive: a laptop never pushes a table whose
# name starts with "_" (the server refuses it), but checks what it pulls the same way.
SERVER_TABLES: Final[dict[str, TableRule]] = {
    CONFLICTS_TABLE: TableRule(
        {"table_name": text(60), "row_id": row_id, "field": text(60),
         "kept_value": json_text(MAX_DOCUMENT), "other_value": json_text(MAX_DOCUMENT),
         "other_worker": text(200), "other_device": text(36), "other_hlc": hlc,
         "resolved_at": _nullable(moment), "resolved_by": _nullable(_NAME)},
        frozenset({"table_name", "row_id", "field", "kept_value", "other_value",
                   "other_worker", "other_device", "other_hlc"}), person_column=None),
    # The change's person is the one handed over; the row id is the request's.
    HANDOVERS_TABLE: TableRule(
        {"from_team_id": row_id, "from_team_name": _NAME, "to_team_id": row_id,
         "to_team_name": _NAME, "reason": one_of(*HANDOVER_REASONS), "note": text(MAX_TEXT),
         "requested_by": _NAME, "opened_at": moment, "accept_by": day,
         "accepted_at": _nullable(moment), "accepted_by": _nullable(_NAME)},
        frozenset({"from_team_id", "from_team_name", "to_team_id", "to_team_name", "reason",
                   "requested_by", "opened_at", "accept_by"}), person_column=None),
}


# What a laptop pushes that is not a row of its own: the server acts on it.
COMMAND_TABLES: Final[dict[str, TableRule]] = {
    RESOLUTIONS_TABLE: TableRule(
        {"conflict_id": row_id, "resolved_at": moment, "resolved_by": _NAME},
        frozenset({"conflict_id", "resolved_at", "resolved_by"}), person_column=None,
        append_only=True),
    # Hand the change's person to another team: the server moves them and opens a handover.
    HANDOVER_REQUESTS_TABLE: TableRule(
        {"to_team_id": row_id, "reason": one_of(*HANDOVER_REASONS), "note": text(MAX_TEXT),
         "requested_by": _NAME, "requested_at": moment},
        frozenset({"to_team_id", "reason", "requested_by", "requested_at"}),
        person_column=None, append_only=True),
    # A receiving worker takes the handover on: the sending team's read access ends.
    HANDOVER_ACCEPTANCES_TABLE: TableRule(
        {"handover_id": row_id, "accepted_by": _NAME, "accepted_at": moment},
        frozenset({"handover_id", "accepted_by", "accepted_at"}), person_column=None,
        append_only=True),
}


def rule_for(table: str) -> TableRule | None:
    return TABLES.get(table) or SERVER_TABLES.get(table) or COMMAND_TABLES.get(table)


def row_problem(table: str, row_id_: str, person_id: str, fields: Mapping[str, Any], *,
                append_only: bool, unknown_fields: bool = False) -> str | None:
    """Why this row cannot be stored, in words; None when it can. `unknown_fields`: take
    fields this version does not know (a laptop receiving rows from a newer server
    stores what it knows); the server never does."""
    rule = rule_for(table)
    if rule is None:
        return f"there is no table called {table!r}"
    if append_only != rule.append_only:
        return f"{table} rows are {'' if rule.append_only else 'not '}append-only"
    if rule.row_is_person and row_id_ != person_id:
        return "a person's own row must have the person's id"
    if rule.person_column and fields.get(rule.person_column) != person_id:
        return f"{rule.person_column} must name the row's own person"
    missing = sorted(rule.required - fields.keys())
    if missing:
        return f"{', '.join(missing)} missing"
    return _field_problem(rule, fields, unknown_fields)


def _field_problem(rule: TableRule, fields: Mapping[str, Any],
                   unknown_fields: bool) -> str | None:
    for name, value in fields.items():
        check = rule.columns.get(name)
        if check is None:
            if unknown_fields:
                continue
            return f"there is no field called {name!r}"
        problem = check(value)
        if problem:
            return f"{name} {problem}"
    return None


def unique_key(table: str, fields: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The values (person first) that no other row of `table` may share, or None."""
    rule = TABLES.get(table)
    if rule is None or not rule.unique:
        return None
    return (fields.get(rule.person_column or ""), *(fields.get(n) for n in rule.unique))


# ---- ids made from the person: the same on every laptop ------------------------------
_NATURAL = uuid.UUID("6f1c2a52-7d0e-4d43-9a39-3b8f0c1e5a77")
# Rows whose id is made from their person and these fields: two workers answering one
# question offline edit one row, which sync merges, not two rows.
NATURAL_IDS: Final = {"assessment_values": ("section", "field"),
                      "section_confirmations": ("section",)}


def natural_id(*parts: str) -> str:
    return str(uuid.uuid5(_NATURAL, "|".join(parts)))


def answer_id(person_id: str, salt: str, *parts: str) -> str:
    """`natural_id`, keyed by the person's own salt (their `people` row's id_salt, which
    only devices holding the person have). A person recorded before salts has none."""
    return natural_id(f"{person_id}|{salt}" if salt else person_id, *parts)


def made_ids(table: str, person_id: str, salt: str, fields: Mapping[str, Any]) -> set[str]:
    """The ids a row of `table` may have for this person (with and without their salt),
    or an empty set for a table whose ids are the laptop's own choice."""
    names = NATURAL_IDS.get(table)
    if names is None:
        return set()
    parts = [str(fields.get(name, "")) for name in names]
    return {answer_id(person_id, "", *parts), answer_id(person_id, salt, *parts)}
