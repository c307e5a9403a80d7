"""What changed since the last contact, stale sections and the derived risk summary."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.domain.assessment import SECTIONS, diff_sections, risk_summary, stale_sections

TODAY = date(2025, 6, 15)


def test_diff_reports_added_changed_and_removed_in_form_order():
    custody = {"substances": {"drug1": "heroin", "drug2": "crack"},
               "housing": {"accommodation_need": "2", "housing_notes": "sofa surfing"}}
    prison = {"substances": {"drug1": "heroin", "drug2": "9996", "drug3": "9997"},
              "housing": {"accommodation_need": "1", "housing_notes": ""},
              "risk": {"released_recently": "Y"}}
    changes = diff_sections(custody, prison, sections=SECTIONS)
    summary = [(c.section, c.field, c.old, c.new, c.kind) for c in changes]
    assert summary == [
        ("substances", "drug2", "crack", "9996", "changed"),
        ("substances", "drug3", None, "9997", "added"),
        ("housing", "accommodation_need", "2", "1", "changed"),
        ("housing", "housing_notes", "sofa surfing", None, "removed"),
        ("risk", "released_recently", None, "Y", "added"),
    ]


def test_identical_snapshots_and_blank_text_have_no_changes():
    same = {"goals": {"goals_own_words": "stay clean"}, "risk": {"risk_notes": ""}}
    assert diff_sections(same, {"goals": {"goals_own_words": "stay clean"}}) == ()


def test_diff_without_a_schema_still_sees_unknown_sections():
    changes = diff_sections({}, {"new_section": {"x": 1}})
    assert [(c.section, c.field) for c in changes] == [("new_section", "x")]


def test_a_value_changing_type_is_a_change():
    assert diff_sections({"s": {"f": 1}}, {"s": {"f": True}})


def test_stale_sections_by_age_and_never_confirmed():
    confirmed = {
        "substances": date(2025, 6, 1),  # 14 days
        "risk": datetime(2025, 3, 1, 9, 30),  # 106 days
        "housing": date(2025, 5, 16),  # exactly 30 days: not stale yet
        "children": None,
    }
    assert stale_sections(confirmed, TODAY, 30) == ["children", "risk"]
    assert stale_sections(confirmed, TODAY, 30, section_ids=[s.id for s in SECTIONS]) == [
        "injecting", "criminal_justice", "health", "ete", "children", "young_person",
        "pregnancy", "risk", "goals",
    ]
    assert stale_sections(confirmed, TODAY, 200) == ["children"]


def test_stale_age_cannot_be_negative():
    with pytest.raises(ValueError, match="negative"):
        stale_sections({}, TODAY, -1)


def test_risk_summary_takes_the_highest_rating_and_lists_medium_and_high():
    summary = risk_summary({"risk": {"overdose_risk": "high", "self_harm_risk": "medium",
                                     "harm_to_others_risk": "low", "risk_to_staff": "high"}})
    assert summary.level == "high"
    assert summary.flags == ("HIGH: overdose", "HIGH: risk to staff", "MEDIUM: self-harm")
    assert summary.not_assessed == ()
    assert summary.headline() == "HIGH risk: overdose, risk to staff"


def test_unrated_risk_is_never_shown_as_safe():
    assert risk_summary({}).level == "not_assessed"
    assert risk_summary({}).headline() == "Risk not assessed"
    partial = risk_summary({"risk": {"overdose_risk": "none", "self_harm_risk": "not_assessed"}})
    assert partial.level == "none"
    assert partial.headline() == (
        "No known risk (not assessed: self-harm, harm to others, risk to staff)"
    )


def test_overdose_factors_come_from_other_sections_and_the_journey():
    summary = risk_summary({
        "substances": {"drug1": "heroin", "drug2": "benzodiazepines"},
        "injecting": {"injecting_status": "C"},
        "risk": {"overdose_risk": "high"},
    }, recently_released=True)
    assert summary.overdose_factors == (
        "released from prison in the past 28 days (lower tolerance)",
        "currently injecting",
        "opioids with alcohol or other depressants",
    )
    assert risk_summary({"substances": {"drug1": "cannabis"}}).overdose_factors == ()


def test_a_typed_recent_release_no_longer_counts_only_the_journey_says_so():
    # The answer was typed once and stayed "yes" long after the 28 days were over.
    typed = {"risk": {"released_recently": "Y"}}
    assert risk_summary(typed).overdose_factors == ()
    assert risk_summary(typed, recently_released=True).overdose_factors == (
        "released from prison in the past 28 days (lower tolerance)",)
