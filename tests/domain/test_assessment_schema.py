"""Assessment sections: every field is well formed, every value set exists, triage is small."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from app.domain.assessment import (
    SECTIONS,
    FieldKind,
    SectionDef,
    load_assessment_schema,
    missing_triage_answers,
    missing_value_sets,
    triage_fields,
)
from app.domain.assessment.fields import choice
from app.domain.valuesets import ValueSetError

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


@pytest.fixture(scope="module")
def schema():
    return load_assessment_schema(RESOURCES)


def test_every_choice_field_has_its_value_set(schema):
    assert missing_value_sets(schema.sections, schema.value_sets) == []
    choices = [f for s in schema.sections for f in s.fields if f.kind is FieldKind.CHOICE]
    assert len(choices) > 20
    assert all(len(schema.value_sets[f.value_set].items) >= 2 for f in choices)


def test_a_missing_value_set_stops_the_schema_loading(tmp_path):
    broken = (SectionDef("x", "X", (choice("thing", "Thing", "no_such_set"),)),)
    with pytest.raises(ValueSetError, match=r"x.thing -> no_such_set"):
        load_assessment_schema(RESOURCES, broken)


def test_the_sections_the_dir_and_ndtms_need_are_there(schema):
    assert schema.section_ids == ("substances", "injecting", "criminal_justice", "health",
                                  "housing", "ete", "children", "young_person", "pregnancy",
                                  "risk", "goals")
    ids = {f.id for s in schema.sections for f in s.fields}
    for needed in ["drug1", "drug2", "drug3", "drug3_route", "drug2_frequency",
                   "drug1_age_first_used", "alcohol_drinking_days", "alcohol_units_per_day",
                   "tobacco_use", "injecting_status", "shared_last_28_days",
                   "restriction_on_bail", "ra_status", "court_date", "sentence",
                   "hep_b_status", "hep_c_status", "hiv_status", "dual_diagnosis",
                   "accommodation_need", "employment_status", "children_living_with_client",
                   "safeguarding_concerns", "pregnant", "overdose_risk", "self_harm_risk",
                   "harm_to_others_risk", "risk_to_staff", "goals_own_words"]:
        assert needed in ids, needed


def test_field_ids_are_unique_across_the_whole_assessment():
    ids = [f.id for s in SECTIONS for f in s.fields]
    assert len(ids) == len(set(ids))


def test_every_field_is_well_formed():
    for section in SECTIONS:
        for field in section.fields:
            assert field.id.isidentifier() and field.label, field
            if field.kind is FieldKind.CHOICE:
                assert field.value_set, field.id
            else:
                assert field.value_set is None, field.id
            if field.kind is FieldKind.INT:
                assert field.min_value is not None and field.max_value is not None, field.id
                assert field.min_value <= field.max_value


def test_children_fields_follow_ndtms_0_to_97_and_98_declined(schema):
    field = schema.section("children").field("children_living_with_client")
    assert (field.min_value, field.max_value) == (0, 97)
    assert dict(field.special_values) == {98: "Client declined to answer"}


def test_triage_is_a_short_keyboard_run_through_the_essentials():
    triage = triage_fields()
    assert 8 <= len(triage) <= 20  # a few minutes, not the full assessment
    ids = [t.field.id for t in triage]
    for essential in ["drug1", "injecting_status", "restriction_on_bail", "accommodation_need",
                      "children_living_with_client", "pregnant", "overdose_risk",
                      "self_harm_risk", "risk_to_staff"]:
        assert essential in ids
    # Form order: the keyboard Tab order follows the sections.
    order = [s.id for s in SECTIONS]
    positions = [order.index(t.section.id) for t in triage]
    assert positions == sorted(positions)


def test_missing_triage_answers_lists_what_is_left():
    everything = {t.section.id: {} for t in triage_fields()}
    for t in triage_fields():
        everything[t.section.id][t.field.id] = "x"
    assert missing_triage_answers(everything) == ()
    everything["risk"]["risk_to_staff"] = None
    everything["housing"]["accommodation_need"] = ""
    left = [t.field.id for t in missing_triage_answers(everything)]
    assert left == ["accommodation_need", "risk_to_staff"]


def test_definitions_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        SECTIONS[0].fields[0].label = "changed"  # type: ignore[misc]
