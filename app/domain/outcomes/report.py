"""The quarterly evaluation report as one plain value: what the PDF prints, nothing more.

The server (`python -m sync.server admin report`) and the desktop app (a team's own
people) both build it with `quarterly_report` from the same cohort values, so the two
never disagree on a figure. Only the published cells reach it: raw counts stay inside
`quarter_figures`, and every cell has been through `suppress.shown`.

Quarters are calendar quarters, written as "2026Q3" (1 July to 30 September 2026); the
report prints the months in words, so nobody reads it as a financial-year quarter.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from app.domain.outcomes.cohort import CohortPerson
from app.domain.outcomes.figures import quarter_figures
from app.domain.outcomes.months import Quarter, add_months
from app.domain.outcomes.suppress import (
    HIDDEN,
    NONE,
    SMALL,
    SMALL_BASE,
    THRESHOLD,
    Cell,
    count,
    shown,
)
from app.domain.printable import ServiceHeader

_QUARTER = re.compile(r"\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*\Z")

SUPPRESSION_RULE = (
    f"Figures under {THRESHOLD} are never published. A count under {THRESHOLD} (none "
    f"included) is shown as \"{SMALL}\"; a mean, median or percentage resting on fewer than "
    f"{THRESHOLD} people or events is shown as \"{SMALL_BASE}\"; where a hidden figure could "
    f"be worked out from a total and the other figures beside it, one more figure is hidden "
    f"as \"{HIDDEN}\". \"{NONE}\" means there was nothing to compute.")


class NotAQuarter(ValueError):
    """The text does not name a quarter, e.g. '2026Q3'."""


def parse_quarter(text: str) -> Quarter:
    """'2026Q3' (also '2026-Q3', '2026q3') -> 1 July to 30 September 2026."""
    found = _QUARTER.match(text)
    if found is None:
        raise NotAQuarter(f"{text!r} is not a quarter: write the year and the quarter, "
                          "e.g. 2026Q3 for July to September 2026")
    year, number = int(found[1]), int(found[2])
    start = date(year, 3 * number - 2, 1)
    end = add_months(start, 2)
    return Quarter(start, end.replace(day=calendar.monthrange(end.year, end.month)[1]))


def quarter_code(quarter: Quarter) -> str:
    """'2026Q3' for a calendar quarter, otherwise its first and last days."""
    number = (quarter.start.month - 1) // 3 + 1
    if parse_quarter(f"{quarter.start.year}Q{number}") == quarter:
        return f"{quarter.start.year}Q{number}"
    return f"{quarter.start.isoformat()}_{quarter.end.isoformat()}"


def quarter_label(quarter: Quarter) -> str:
    """'July to September 2026' (or '1 July 2026 to 30 June 2027' for other periods)."""
    start, end = quarter.start, quarter.end
    months = calendar.month_name
    if quarter_code(quarter)[4:5] == "Q":
        return f"{months[start.month]} to {months[end.month]} {end.year}"
    return (f"{start.day} {months[start.month]} {start.year} to "
            f"{end.day} {months[end.month]} {end.year}")


@dataclass(frozen=True)
class QuarterlyReport:
    scope_name: str  # a team's name, or "the whole service"
    quarter: Quarter
    generated_on: date
    generated_by: str
    cells: Mapping[str, Cell]  # suppress.shown(): the only figures a report may print
    people: Cell  # people first seen by the quarter's end: the figures' base, suppressed too
    header: ServiceHeader = field(default_factory=lambda: ServiceHeader("InsideOut"))

    def cell(self, key: str) -> Cell:
        """A published figure by its key; one the figures do not have is "-"."""
        return self.cells.get(key, Cell(NONE, None))

    def text(self, key: str) -> str:
        return self.cell(key).text


def quarterly_report(cohort: Sequence[CohortPerson], quarter: Quarter, *, scope_name: str,
                     generated_on: date, generated_by: str,
                     header: ServiceHeader | None = None) -> QuarterlyReport:
    """The figures of `cohort` for `quarter`, suppressed, ready to print."""
    known = sum(p.first_contact_on <= quarter.end for p in cohort)
    return QuarterlyReport(scope_name, quarter, generated_on, generated_by,
                           shown(quarter_figures(cohort, quarter)), count(known),
                           header or ServiceHeader("InsideOut"))
