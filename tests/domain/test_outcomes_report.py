"""The quarterly report's plain value: quarters named as people write them, and the
figures it carries are the suppressed ones only."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.outcomes.extract import (
    EPISODE_COLUMNS,
    FORM_COLUMNS,
    PERSON_COLUMNS,
    episode_rows,
    form_rows,
    person_row,
)
from app.domain.outcomes.months import Quarter
from app.domain.outcomes.report import (
    NotAQuarter,
    parse_quarter,
    quarter_code,
    quarter_label,
    quarterly_report,
)
from tests.domain.test_outcomes_figures import Q as APRIL_TO_JUNE
from tests.domain.test_outcomes_figures import _cohort


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2026Q1", date(2026, 1, 1), date(2026, 3, 31)),
    ("2026q2", date(2026, 4, 1), date(2026, 6, 30)),
    ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
    (" 2024Q4 ", date(2024, 10, 1), date(2024, 12, 31))])
def test_a_quarter_is_read_as_written(text: str, start: date, end: date) -> None:
    assert parse_quarter(text) == Quarter(start, end)


@pytest.mark.parametrize("text", ["2026Q5", "Q3", "2026", "summer 2026", "26Q3", ""])
def test_anything_else_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(NotAQuarter, match="2026Q3"):
        parse_quarter(text)


def test_a_quarter_is_named_and_labelled_back() -> None:
    assert quarter_code(parse_quarter("2026Q3")) == "2026Q3"
    assert quarter_label(parse_quarter("2026Q3")) == "July to September 2026"
    year = Quarter(date(2026, 4, 1), date(2027, 3, 31))
    assert quarter_code(year) == "2026-04-01_2027-03-31"
    assert quarter_label(year) == "1 April 2026 to 31 March 2027"


def test_the_report_carries_only_suppressed_cells() -> None:
    report = quarterly_report(_cohort(), APRIL_TO_JUNE, scope_name="Custody North",
                              generated_on=date(2026, 7, 2), generated_by="jo")

    assert report.text("new.court") == "<5" and report.cell("new.court").value is None
    assert report.text("caseload") == "22"
    assert report.people.text == "24"  # first seen by 30/06 (group F is later)
    assert report.text("no.such.figure") == "-"


def test_the_extract_columns_name_every_row_key_in_order() -> None:
    key, people = b"k" * 32, _cohort()
    assert all(tuple(person_row(p, key=key, quarter=APRIL_TO_JUNE)) == PERSON_COLUMNS
               for p in people)
    assert all(tuple(row) == FORM_COLUMNS for p in people
               for row in form_rows(p, key=key, quarter=APRIL_TO_JUNE))
    assert all(tuple(row) == EPISODE_COLUMNS for p in people
               for row in episode_rows(p, key=key, quarter=APRIL_TO_JUNE))
