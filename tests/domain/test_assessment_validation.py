"""Field and section validation: clear messages, the NDTMS drug-slot codes, cross-field rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.domain.assessment import check_field, coerce_field, load_assessment_schema
from app.domain.assessment import validate_section as validate
from app.domain.errors import InvalidValue

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


@pytest.fixture(scope="module")
def schema():
    return load_assessment_schema(RESOURCES)


def field(schema, section, field_id):
    return schema.section(section).field(field_id)


def problems(schema, section, values, **kwargs):
    return validate(schema.section(section), values, schema.value_sets, **kwargs)


@pytest.mark.parametrize(
    ("section", "field_id", "typed", "stored"),
    [
        ("substances", "drug1", "heroin", "heroin"),
        ("substances", "drug1", "Crack cocaine", "crack"),  # the label works too
        ("substances", "drug2", "9996", "9996"),
        ("substances", "alcohol_drinking_days", " 12 ", 12),
        ("criminal_justice", "arrest_date", "14/06/2025", "2025-06-14"),
        ("criminal_justice", "restriction_on_bail", "y", True),
        ("criminal_justice", "restriction_on_bail", "No", False),
        ("children", "children_living_with_client", "98", 98),  # NDTMS: declined
        ("goals", "goals_own_words", "Get my kids back", "Get my kids back"),
        ("goals", "goals_own_words", "   ", None),
    ],
)
def test_typed_values_become_stored_values(schema, section, field_id, typed, stored):
    assert coerce_field(field(schema, section, field_id), typed, schema.value_sets) == stored


@pytest.mark.parametrize(
    ("section", "field_id", "typed", "clue"),
    [
        ("substances", "alcohol_drinking_days", "29", "from 0 to 28"),
        ("substances", "alcohol_drinking_days", "lots", "not a whole number"),
        ("children", "children_living_with_client", "99", "or 98 if client declined"),
        ("criminal_justice", "arrest_date", "31/02/2025", "February 2025 has 28 days"),
        ("criminal_justice", "arrest_date", "14/06/25", "Type the year in full"),
        ("criminal_justice", "restriction_on_bail", "maybe", "Type Y or N"),
        ("substances", "drug1", "glue sniffing", "Pick one from the list"),
    ],
)
def test_bad_typed_values_explain_themselves(schema, section, field_id, typed, clue):
    with pytest.raises(InvalidValue) as caught:
        coerce_field(field(schema, section, field_id), typed, schema.value_sets)
    assert clue in str(caught.value)
    assert caught.value.field == field_id


@pytest.mark.parametrize(
    ("section", "field_id", "value"),
    [
        ("substances", "alcohol_drinking_days", True),  # a bool is not a count
        ("substances", "alcohol_drinking_days", "12"),
        ("criminal_justice", "arrest_date", "14/06/2025"),  # stored dates are ISO
        ("criminal_justice", "restriction_on_bail", "Y"),
        ("injecting", "injecting_status", "X"),
        ("goals", "goals_own_words", "x" * 4001),
    ],
)
def test_stored_values_of_the_wrong_shape_are_reported(schema, section, field_id, value):
    assert check_field(field(schema, section, field_id), value, schema.value_sets)


def test_a_good_section_has_no_problems(schema):
    values = {"drug1": "heroin", "drug1_route": "1", "drug1_frequency": "1",
              "drug1_age_first_used": 19, "drug2": "crack", "drug3": "9997",
              "alcohol_drinking_days": 0, "alcohol_units_per_day": None}
    assert problems(schema, "substances", values, person_age=34) == {}


def test_unknown_fields_are_reported_not_dropped(schema):
    assert "drug9" in problems(schema, "substances", {"drug9": "heroin"})


@pytest.mark.parametrize(
    ("values", "field_id", "clue"),
    [
        ({"drug1": "9996"}, "drug1", "cannot be 'no drug'"),
        ({"drug1": "heroin", "drug2": "9997"}, "drug2", "9997 is for the third drug"),
        ({"drug1": "heroin", "drug3": "9996"}, "drug3", "9996 is for the second drug"),
        ({"drug1": "heroin", "drug2": "9996", "drug3": "crack"}, "drug3", "no third"),
        ({"drug1": "heroin", "drug2": "heroin"}, "drug2", "listed twice"),
        ({"drug1": "heroin", "drug2": "9996", "drug2_route": "1"}, "drug2_route", "blank"),
        ({"alcohol_drinking_days": 0, "alcohol_units_per_day": 10}, "alcohol_units_per_day",
         "No drinking days"),
        ({"tobacco_use": "N", "tobacco_per_day": 20}, "tobacco_per_day", "clear the number"),
    ],
)
def test_substance_slot_rules(schema, values, field_id, clue):
    assert clue in problems(schema, "substances", values)[field_id]


def test_age_first_used_cannot_be_older_than_the_person(schema):
    found = problems(schema, "substances", {"drug1": "heroin", "drug1_age_first_used": 40},
                     person_age=30)
    assert "older than the person is now (30)" in found["drug1_age_first_used"]
    assert problems(schema, "substances", {"drug1": "heroin", "drug1_age_first_used": 40}) == {}


@pytest.mark.parametrize(
    ("values", "field_id", "clue"),
    [
        ({"injecting_status": "N", "shared_last_28_days": "Y"}, "shared_last_28_days",
         "never injected"),
        ({"injecting_status": "N", "age_first_injected": 20}, "age_first_injected",
         "leave the age blank"),
        ({"injecting_status": "P", "shared_last_28_days": "Y"}, "shared_last_28_days",
         "Currently injecting"),
    ],
)
def test_injecting_rules(schema, values, field_id, clue):
    assert clue in problems(schema, "injecting", values)[field_id]


def test_children_living_with_client_cannot_exceed_own_children_unless_declined(schema):
    found = problems(schema, "children",
                     {"children_under_18": 1, "children_living_with_client": 3})
    assert "check the numbers" in found["children_living_with_client"]
    assert problems(schema, "children",
                    {"children_under_18": 98, "children_living_with_client": 3}) == {}


def test_due_date_only_when_pregnant(schema):
    found = problems(schema, "pregnancy", {"pregnant": "N", "due_date": "2025-09-01"},
                     today=date(2025, 6, 15))
    assert "only recorded for someone who is pregnant" in found["due_date"]
    assert problems(schema, "pregnancy", {"pregnant": "Y", "due_date": "2025-09-01"}) == {}


def test_all_problems_are_reported_at_once(schema):
    found = problems(schema, "substances",
                     {"drug1": "9996", "alcohol_drinking_days": 40, "tobacco_use": "maybe"})
    assert set(found) == {"drug1", "alcohol_drinking_days", "tobacco_use"}
