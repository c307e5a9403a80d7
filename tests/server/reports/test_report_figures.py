"""The quarterly report from synced rows, on SQLite and PostgreSQL: every published figure
against the cohort worked out by hand (expected.py), in the figures CSV and on the PDF's
pages, with the court group at 4, 5 and 6 people (suppressed, shown, shown)."""

from __future__ import annotations

from collections import Counter

import pytest

from app.domain.outcomes.measures import COMPARED
from tests.server.reports import expected
from tests.server.reports.helpers import (
    figures,
    pdf_text,
    push_custody_north,
    push_prison_in_reach,
    report_files,
    rows,
    table_values,
)

# Each table row of the PDF and the figure it shows.
PDF_ROWS = {
    "Caseload": "caseload", "New people": "new.total", "In treatment": "in_treatment",
    "Planned exits": "exits.planned", "Unplanned exits": "exits.unplanned",
    "Required Assessments attended": "ra.rate",
    "Released with no community appointment booked": "waits.released_without_appointment",
    "People first seen by the quarter's end": "people",
    "New this quarter: custody": "new.custody", "New this quarter: court": "new.court",
    "New this quarter: prison": "new.prison", "New this quarter: other": "new.other",
    "New this quarter: all routes": "new.total",
    "In treatment during the quarter": "in_treatment", "All exits": "exits.total",
    "Appointments required in the quarter": "ra.required", "Attended": "ra.attended",
    "Failed to attend or to remain": "ra.failed", "Nothing recorded": "ra.unrecorded",
    "Attended, of those required": "ra.rate", "Arrests in the quarter": "waits.arrests",
    "Days from arrest to assessment (median)": "waits.arrest_to_assessment_median_days",
    "Releases from prison in the quarter": "waits.releases",
    "Days from release to a first community appointment kept (median)":
        "waits.release_to_appointment_median_days",
    "People released with no community appointment booked within four weeks":
        "waits.released_without_appointment",
}
DOOR = ("people", "arrests_before", "arrests_after", "custody_before", "custody_after")


@pytest.mark.parametrize("court", [4, 5, 6])
def test_every_published_figure_is_the_one_worked_out_by_hand(world, tmp_path, court):
    push_custody_north(world, court)

    files = report_files(world, tmp_path)

    assert figures(files["figures.csv"]) == expected.cells(court)
    text = pdf_text(files["report.pdf"])
    want = expected.cells(court)
    for label, key in PDF_ROWS.items():
        printed = table_values(text, label)
        assert printed, f"no row {label!r} on the PDF"
        assert all(row == [want[key]] for row in printed), (label, printed, want[key])
    for measure in COMPARED:
        key = f"change.{measure.name}"
        mean = want[f"{key}.mean_change"]
        mean = f"+{mean}" if mean[0].isdigit() and float(mean) > 0 else mean
        assert table_values(text, measure.label, 3)[0] == [
            want[f"{key}.people"], mean, want[f"{key}.improved_percent"]], measure.label
    for months in (6, 12):
        assert table_values(text, f"{months} months", 5) == [
            [want[f"revolving.{months}m.{part}"] for part in DOOR]]


@pytest.mark.parametrize(("court", "shown", "other"), [(4, "<5", "*"), (5, "5", "5"),
                                                       (6, "6", "5")])
def test_a_cell_of_4_is_suppressed_and_of_5_or_6_shown(world, tmp_path, court, shown, other):
    """The court route's count at 4, 5 and 6 people, through the PDF's text and the CSV.
    At 4 the smallest other route hides too: the total would give the 4 away."""
    push_custody_north(world, court)

    files = report_files(world, tmp_path)

    text = pdf_text(files["report.pdf"])
    assert table_values(text, "New this quarter: court") == [[shown]]
    assert table_values(text, "New this quarter: other") == [[other]]
    assert figures(files["figures.csv"])["new.court"] == shown
    assert figures(files["figures.csv"])["new.other"] == other


def test_a_team_report_holds_only_its_people_and_the_whole_service_everyone(world, tmp_path):
    push_custody_north(world)
    push_prison_in_reach(world)

    team = figures(report_files(world, tmp_path / "team")["figures.csv"])
    everyone = report_files(world, tmp_path / "all", team=None)

    assert team == expected.cells(5)
    whole = figures(everyone["figures.csv"])
    assert {key: whole[key] for key in expected.WHOLE_SERVICE} == expected.WHOLE_SERVICE
    assert "the whole service" in pdf_text(everyone["report.pdf"])
    assert len(rows(everyone["people.csv"])) == 37


def test_the_extract_rows_follow_the_cohort(world, tmp_path):
    push_custody_north(world)

    files = report_files(world, tmp_path)

    people = rows(files["people.csv"])
    assert Counter((p["route"], p["first_contact_month"], p["birth_year"]) for p in people) == {
        ("custody", "2026-07", "1984"): 8, ("prison", "2026-07", "1985"): 6,
        ("court", "2026-08", "1999"): 5, ("other", "2025-01", "1980"): 5,
        ("other", "2026-07", "2000"): 5, ("custody", "2025-02", "1970"): 3}
    assert [p["pseudonym"] for p in people] == sorted(p["pseudonym"] for p in people)
    # D: 2 arrests and 1 reception before, 1 arrest after (6 months); F: 2 arrests, none
    assert Counter((p["arrests_before_6m"], p["custody_before_6m"], p["arrests_after_6m"],
                    p["arrests_after_12m"]) for p in people if p["arrests_before_6m"]) == {
        ("2", "3", "1", "2"): 5, ("2", "2", "0", "0"): 3}
    forms = rows(files["forms.csv"])  # A 2, B 2, D 3 (corrected one and later one out), E 1
    assert Counter(f["form"] for f in forms) == {"start": 24, "review": 18, "exit": 6}
    assert {f["use.opiates"] for f in forms if f["month"] == "2026-07" and f["form"] == "review"
            } == {"10"}  # D's correction, not the form it corrected
    episodes = rows(files["episodes.csv"])
    assert Counter((e["referral_source"], e["discharge_reason"], e["planned_exit"])
                   for e in episodes) == {("63", "", ""): 8, ("prison", "completed", "Y"): 6,
                                          ("65", "dropped_out", "N"): 5,
                                          ("self", "prison", "N"): 5, ("gp", "", ""): 5}


def test_the_ndtms_episodes_carry_the_core_data_set_fields_and_codes(world, tmp_path):
    push_custody_north(world)

    national = rows(report_files(world, tmp_path)["ndtms-episodes.csv"])

    assert Counter(tuple(r[k] for k in ("REFLD", "REFSC", "REFSC_LOCAL", "TRIAGED", "CPLANDT",
                                        "MODSET", "MODTYPE", "MODST", "MODEND", "DISD",
                                        "DISRSN", "PLANNED")) for r in national) == {
        ("2026-07-10", "63", "", "2026-07-11", "2026-07-15", "community", "pharmacological",
         "2026-07-15", "", "", "", ""): 8,
        ("2026-07-05", "", "prison", "2026-07-06", "", "prison", "psychosocial", "2026-07-06",
         "2026-09-15", "2026-09-15", "2", "Y"): 6,
        ("2026-08-12", "65", "", "", "", "", "", "", "", "2026-09-20", "6", "N"): 5,
        ("2025-01-20", "", "self", "", "2025-01-25", "community", "pharmacological",
         "2025-01-25", "2026-08-21", "2026-08-21", "8", "N"): 5,
        ("2026-07-20", "", "gp", "2026-07-22", "", "", "", "", "", "", "", ""): 5}
    assert {r["YOB"] for r in national} == {"1984", "1985", "1999", "1980", "2000"}
    evaluator = {p["pseudonym"] for p in rows(report_files(world, tmp_path / "2")["people.csv"])}
    assert not evaluator & {r["CLIENT_REF"] for r in national}  # the two files cannot be joined


def test_the_extracts_made_alongside_in_a_child_process_are_the_same(world, tmp_path):
    """What a large report does (the extracts in a forked child while the figures are
    worked out), forced on the small cohort: the same bytes as made in turn."""
    push_custody_north(world)

    in_turn = report_files(world, tmp_path / "a")
    alongside = report_files(world, tmp_path / "b", parallel_from=1)

    for name in ("people.csv", "forms.csv", "episodes.csv", "ndtms-episodes.csv",
                 "figures.csv"):
        assert alongside[name] == in_turn[name], name
    assert pdf_text(alongside["report.pdf"]) == pdf_text(in_turn["report.pdf"])
