"""A quarter's published figures as labelled tables, for the console's Reports page.

The same cells as the PDF and figures.csv (app.domain.outcomes.report: suppressed, never
the counts behind them), under the PDF's own row labels, so the page, the PDF and a
laptop's dashboard say the same thing in the same words. Nothing is written and nothing
is audited: only generating the files is (generate.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from app.domain.outcomes.measures import COMPARED
from app.domain.outcomes.months import Quarter
from app.domain.outcomes.report import (
    SUPPRESSION_RULE,
    QuarterlyReport,
    quarter_code,
    quarter_label,
    quarterly_report,
)
from app.printing.quarterly_report_pdf import LEGEND, ROUTES
from app.printing.report_charts import signed
from sync.server.reports.cohort import Scope, load_cohort

Row = tuple[str, str, tuple[tuple[str, str], ...]]  # label, row key, (figure key, text)


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]  # the first heads the row labels
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Figures:
    scope: str
    quarter: str  # "2026Q3"
    months: str  # "July to September 2026"
    people: str  # people first seen by the quarter's end, suppressed too
    tables: tuple[Table, ...]
    unreadable: int  # synced rows this server's version could not read
    legend: tuple[tuple[str, str], ...] = LEGEND
    rule: str = SUPPRESSION_RULE


def quarter_figures(session: Session, quarter: Quarter, team_name: str | None, *,
                    today: date | None = None) -> Figures:
    """The figures of a team (by name) or the whole service (None) for `quarter`."""
    today = today or datetime.now(UTC).date()
    scope = Scope.of(session, team_name)
    cohort = load_cohort(session, scope, today=today)
    report = quarterly_report(cohort.people, quarter, scope_name=scope.name,
                              generated_on=today, generated_by="")
    return Figures(scope.name, quarter_code(quarter), quarter_label(quarter),
                   report.people.text, tables(report), cohort.unreadable)


def tables(report: QuarterlyReport) -> tuple[Table, ...]:
    """The PDF's tables with its labels: the two-column ones first, so that on a wide
    page they sit in pairs, then the outcome change and the revolving door."""
    def one(label: str, key: str) -> Row:
        return label, key, ((key, report.text(key)),)

    doors = ("people", "arrests_before", "arrests_after", "custody_before", "custody_after")
    return (
        Table("Caseload and new people", ("", "People"), (
            one("Caseload", "caseload"),
            *(one(f"New this quarter: {label.lower()}", f"new.{key}") for key, label in ROUTES),
            one("New this quarter: all routes", "new.total"))),
        Table("Treatment and exits", ("", "People or episodes"), (
            one("In treatment during the quarter", "in_treatment"),
            one("Planned exits", "exits.planned"), one("Unplanned exits", "exits.unplanned"),
            one("All exits", "exits.total"))),
        Table("Required Assessment compliance", ("", "Requirements"), (
            one("Appointments required in the quarter", "ra.required"),
            one("Attended", "ra.attended"), one("Failed to attend or to remain", "ra.failed"),
            one("Nothing recorded", "ra.unrecorded"),
            one("Attended, of those required", "ra.rate"))),
        Table("Waits", ("", "This quarter"), (
            one("Arrests in the quarter", "waits.arrests"),
            one("Days from arrest to assessment (median)",
                "waits.arrest_to_assessment_median_days"),
            one("Releases from prison in the quarter", "waits.releases"),
            one("Days from release to a first community appointment kept (median)",
                "waits.release_to_appointment_median_days"),
            one("People released with no community appointment booked within four weeks",
                "waits.released_without_appointment"))),
        Table("Outcome change, first to latest form", ("Measure", "People", "Mean change",
                                                       "Improved"),
              tuple((m.label, m.name, _change(report, f"change.{m.name}")) for m in COMPARED)),
        Table("The revolving door", ("Window", "People", "Arrests before", "Arrests after",
                                     "Custody before", "Custody after"),
              tuple((f"{months} months", f"revolving.{months}m",
                     _parts(report, f"revolving.{months}m", doors)) for months in (6, 12))),
    )


def _parts(report: QuarterlyReport, key: str,
           parts: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((f"{key}.{part}", report.text(f"{key}.{part}")) for part in parts)


def _change(report: QuarterlyReport, key: str) -> tuple[tuple[str, str], ...]:
    """People, mean change (signed, as the PDF prints it: '+3.6' for a rise), improved."""
    return ((f"{key}.people", report.text(f"{key}.people")),
            (f"{key}.mean_change", signed(report.cell(f"{key}.mean_change"))),
            (f"{key}.improved_percent", report.text(f"{key}.improved_percent")))
