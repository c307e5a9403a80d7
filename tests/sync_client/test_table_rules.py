"""The protocol's table rules agree with the laptop's own tables, and refuse what the
outside review's poison rows carried."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Boolean, Integer, String, Text

from app.domain.journey.kinds import Kind
from app.store.sync.outbox import _entry
from app.store.sync.tables import TABLES as LAPTOP_TABLES
from sync.protocol import tables as rules
from sync.protocol.tables import JOURNEY_KINDS, TABLES, row_problem

PERSON = str(uuid.uuid4())
STAMP = f"{1764892800000:015d}-00000-{uuid.uuid4()}"


def test_the_protocol_knows_every_journey_kind_the_laptop_records():
    assert set(JOURNEY_KINDS) == {kind.value for kind in Kind}


def test_the_protocol_knows_every_code_of_the_workers_day():
    from app.domain.appointments import Outcome
    from app.domain.journey.kinds import Setting
    from app.domain.keywork import SessionType
    from app.domain.referrals import ReferralService, ReferralStatus
    from app.domain.tasks.decisions import DecisionKind
    for listed, codes in ((rules.APPOINTMENT_OUTCOMES, Outcome),
                          (rules.REFERRAL_SERVICES, ReferralService),
                          (rules.REFERRAL_STEPS, ReferralStatus),
                          (rules.SESSION_TYPES, SessionType),
                          (rules.TASK_DECISIONS, DecisionKind)):
        assert set(listed) == {code.value for code in codes}
    assert set(rules.SESSION_SETTINGS) == {s.value for s in Setting} - {"unknown"}


@pytest.mark.parametrize(("value", "refused"), [("", False), ("09:30", False),
                                                ("23:59", False), ("24:00", True),
                                                ("9:30", True), ("09:30:00", True), (930, True)])
def test_an_appointment_time_is_hh_mm_or_empty(value, refused):
    assert (rules.clock_time(value) is not None) is refused


def test_every_synced_table_of_the_laptop_has_a_rule_with_the_same_columns():
    assert set(TABLES) == set(LAPTOP_TABLES)
    for name, table in LAPTOP_TABLES.items():
        rule = TABLES[name]
        laptop = {c.key: c for c in table.model.__table__.columns if c.key in table.field_names()}
        assert set(laptop) <= set(rule.columns), name
        assert rule.append_only == table.append_only, name
        for key, column in laptop.items():
            needed = not column.nullable and column.default is None
            assert (key in rule.required) == needed, (name, key)


SAMPLES = {String: "x", Text: "x", Integer: 1, Boolean: True}
# Columns that hold a code: a code the laptop writes.
CODES = {"appointments": {"at_time": "09:30"},
         "appointment_outcomes": {"outcome": "did_not_attend"},
         "referrals": {"service": "residential_rehab"},
         "referral_updates": {"status": "acknowledged"},
         "keywork_sessions": {"setting": "prison", "session_type": "in_cell"},
         "task_decisions": {"kind": "dismissed"},
         "top_forms": {"kind": "review", "measures_json": '{"violence":false}'}}


@pytest.mark.parametrize("name", sorted(LAPTOP_TABLES))
def test_a_row_as_the_laptop_writes_it_passes(name):
    """Each column filled with a value of its type, ids and stamps as the laptop makes
    them: what a laptop sends must never be refused by its own protocol."""
    table = LAPTOP_TABLES[name]
    fields = {}
    for column in table.model.__table__.columns:
        if column.key not in table.field_names():
            continue
        value = SAMPLES[type(column.type)]
        if column.key.endswith("_json"):
            value = "{}" if column.key == "details_json" else "[]"
        elif getattr(column.type, "length", None) == 36:
            value = PERSON if column.key in ("person_id", "survivor_id") else str(uuid.uuid4())
        elif "hlc" in column.key:
            value = STAMP
        elif column.key.endswith(("_on", "_day", "date_of_birth")):
            value = "1985-03-14"
        elif column.key.endswith(("_at", "_utc")):
            value = "2026-12-05T00:11:40+00:00"
        fields[column.key] = value
    kind = "arrest" if name == "journey_events" else "signed"
    for key, value in {"agency": "police", "role": "person", "kind": kind,
                       "status": "draft", "how": "written"}.items():
        if key in fields:
            fields[key] = value
    fields.update(CODES.get(name, {}))
    row = PERSON if table.name == "people" else str(uuid.uuid4())
    assert row_problem(name, row, PERSON, fields, append_only=table.append_only) is None


def test_the_change_the_outbox_makes_for_a_new_person_passes(tmp_path):
    from app.store.models import Person

    person = Person(id=PERSON, given_name="Zebedee", family_name="Quartermaine",
                    date_of_birth="1985-03-14", created_hlc=STAMP, updated_hlc=STAMP,
                    device_id=str(uuid.uuid4()), worker_id=str(uuid.uuid4()),
                    revision_id=str(uuid.uuid4()))
    for column in Person.__table__.columns:  # what the INSERT's defaults would give
        if getattr(person, column.key) is None and column.default is not None:
            setattr(person, column.key, column.default.arg)
    import json
    change = json.loads(_entry(person, None)["payload"])
    assert row_problem("people", change["row_id"], change["person_id"], change["fields"],
                       append_only=False) is None


POISON = [
    ("people", PERSON, {}, "missing"),
    ("assessment_values", str(uuid.uuid4()),
     {"person_id": str(uuid.uuid4()), "section": "s", "field": "f", "value_json": "1",
      "created_hlc": STAMP}, "person_id must name the row's own person"),
    ("_conflicts", str(uuid.uuid4()), {}, "missing"),
    ("care_plan_versions", str(uuid.uuid4()),
     {"person_id": PERSON, "number": 2**70, "content_json": "{}", "created_at":
      "2026-12-05T00:00:00+00:00", "created_hlc": STAMP}, "number must be from"),
    ("contacts", str(uuid.uuid4()),
     {"person_id": PERSON, "at_utc": "2026-12-05T00:00:00+00:00", "worker_name": "Ann",
      "created_hlc": STAMP}, "setting missing"),
    ("people", str(uuid.uuid4()),
     {"given_name": "A", "family_name": "B", "created_hlc": STAMP},
     "a person's own row must have the person's id"),
    ("assessment_values", str(uuid.uuid4()),
     {"person_id": PERSON, "section": "s", "field": "f", "value_json": "not json",
      "created_hlc": STAMP}, "value_json must be JSON text"),
    ("people", PERSON, {"given_name": "A", "family_name": "B", "created_hlc": STAMP,
                        "shoe_size": 9}, "no field called 'shoe_size'"),
    ("people", PERSON, {"given_name": "A", "family_name": "B",
                        "created_hlc": "033658000000000-00000-x"}, "created_hlc must be"),
    ("people", PERSON, {"given_name": "A\x00", "family_name": "B", "created_hlc": STAMP},
     "NUL character"),
    ("consents", str(uuid.uuid4()),
     {"person_id": PERSON, "agency": "martians", "given_on": "2026-01-01",
      "recorded_by": "Ann", "created_hlc": STAMP}, "agency must be one of"),
]


@pytest.mark.parametrize(("table", "row", "fields", "expected"), POISON)
def test_poison_rows_are_named_with_their_problem(table, row, fields, expected):
    append_only = table in ("assessment_history", "care_plan_signatures")
    problem = row_problem(table, row, PERSON, fields, append_only=append_only)
    assert problem is not None and expected in problem, problem


def test_an_unknown_field_from_a_newer_server_is_ignored_by_a_laptop_only():
    fields = {"given_name": "A", "family_name": "B", "created_hlc": STAMP, "new_thing": 1}
    assert row_problem("people", PERSON, PERSON, fields, append_only=False) is not None
    assert row_problem("people", PERSON, PERSON, fields, append_only=False,
                       unknown_fields=True) is None


def test_what_a_worker_may_type_is_never_refused():
    """4,000 characters of Polish in an answer (written by json.dumps as \\u escapes,
    six characters each) and pasted control characters in a note: a laptop stores
    them, so the server must take them."""
    import json

    answer = json.dumps("\u0142" * 4000)
    fields = {"person_id": PERSON, "section": "s", "field": "f", "value_json": answer,
              "created_hlc": STAMP}
    assert row_problem("assessment_values", str(uuid.uuid4()), PERSON, fields,
                       append_only=False) is None
    note = {"given_name": "A", "family_name": "B", "created_hlc": STAMP,
            "contact_notes": "pasted\x0bfrom\x0ca form\ttab"}
    assert row_problem("people", PERSON, PERSON, note, append_only=False) is None


def test_json_nested_past_pythons_limit_is_a_problem_not_a_crash():
    fields = {"person_id": PERSON, "section": "s", "field": "f", "value_json": "[" * 5000,
              "created_hlc": STAMP}
    assert "JSON" in row_problem("assessment_values", str(uuid.uuid4()), PERSON, fields,
                                 append_only=False)
