"""The team lead's outcomes dashboard: the team's figures for a quarter, as they may be
published (app.domain.outcomes.suppress): never a raw count.

Quarters are calendar quarters (January to March, ...), named in words as the quarterly
report names them. Viewing aggregate figures is not audited; generating a report is
(app.services.quarterly_report).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.outcomes.cohort import CohortPerson, Route
from app.domain.outcomes.figures import REVOLVING_MONTHS, quarter_figures
from app.domain.outcomes.measures import COMPARED
from app.domain.outcomes.months import Quarter, add_months
from app.domain.outcomes.report import quarter_label
from app.domain.outcomes.suppress import Cell, shown
from app.services.errors import InvalidInput
from app.services.session import WorkerSession
from app.services.team_desk import TEAM_LEAD
from app.store.cohort_repo import team_cohort

OFFERED = 8  # quarters the chooser lists: two years back
ROUTE_LABELS = {Route.CUSTODY: "Custody", Route.COURT: "Court", Route.PRISON: "Prison",
                Route.OTHER: "Other"}


def quarter_of(day: date) -> Quarter:
    """The calendar quarter `day` falls in."""
    start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return Quarter(start, add_months(start, 3) - timedelta(days=1))


def shifted(quarter: Quarter, by: int) -> Quarter:
    """The quarter `by` quarters later (earlier when negative)."""
    return quarter_of(add_months(quarter.start, 3 * by))


def offered(today: date, count: int = OFFERED) -> list[Quarter]:
    """The quarters the lead can choose: this one first, then each earlier one."""
    current = quarter_of(today)
    return [shifted(current, -n) for n in range(count)]


def label(quarter: Quarter) -> str:
    """'October to December 2026': the months in words, as the report prints them."""
    return quarter_label(quarter)


@dataclass(frozen=True)
class Chart:
    """Bars to draw from published cells: `bars` holds each category with one cell per
    series. A category is drawn only whole: if any of its cells has no value (hidden, or
    nothing to work out) it is left out, so no hidden figure is drawn, not even as 0, and
    a "before" is never shown without its "after"."""

    title: str
    series: tuple[str, ...]
    bars: tuple[tuple[str, tuple[Cell, ...]], ...]
    unit: str = "people"

    def drawn(self) -> list[tuple[str, tuple[float, ...]]]:
        return [(category, tuple(c.value for c in cells if c.value is not None))
                for category, cells in self.bars
                if all(c.value is not None for c in cells)]

    def hidden(self) -> list[str]:
        """Categories left out because a figure of theirs is suppressed."""
        return [category for category, cells in self.bars if any(c.suppressed for c in cells)]

    def empty(self) -> list[str]:
        """Categories left out with nothing to work out ("-"), none of them hidden."""
        return [category for category, cells in self.bars
                if not any(c.suppressed for c in cells)
                and any(c.value is None for c in cells)]


@dataclass(frozen=True)
class Dashboard:
    quarter: Quarter
    label: str
    so_far: bool  # the quarter has not ended: its figures are to date
    cells: Mapping[str, Cell]  # suppress.shown's keys
    measures: tuple[tuple[str, str], ...]  # (name, label) of each compared measure
    charts: Mapping[str, Chart]


def _require_lead(session: WorkerSession) -> None:
    if session.worker.role != TEAM_LEAD:
        raise InvalidInput({"role": "The outcomes dashboard is for team leads: ask yours."})


def team_dashboard(*, session: WorkerSession, quarter: Quarter | None = None,
                   today: date | None = None) -> Dashboard:
    """The team's published figures for `quarter` (default: the one `today` is in)."""
    _require_lead(session)
    today = today or date.today()
    quarter = quarter or quarter_of(today)
    cells = shown(quarter_figures(read_cohort(session=session, today=today), quarter))
    return Dashboard(quarter, label(quarter), today <= quarter.end, cells,
                     tuple((m.name, m.label) for m in COMPARED), charts(cells))


def read_cohort(*, session: WorkerSession, today: date | None = None) -> list[CohortPerson]:
    """The team's people as the figures read them (the report reads these too)."""
    _require_lead(session)
    with session.transaction(read_only=True) as db:
        return team_cohort(db, today=today or date.today())


def charts(cells: Mapping[str, Cell]) -> dict[str, Chart]:
    def one(title: str, parts: Mapping[str, str]) -> Chart:
        return Chart(title, ("People",), tuple((words, (cells[key],))
                                               for key, words in parts.items()))

    windows = [(m, kind, words) for kind, words in (("arrests", "Arrests"),
                                                    ("custody", "Custody"))
               for m in REVOLVING_MONTHS]
    return {
        "routes": one("New people this quarter, by route",
                      {f"new.{r}": words for r, words in ROUTE_LABELS.items()}),
        "exits": one("Exits this quarter", {"exits.planned": "Planned",
                                             "exits.unplanned": "Unplanned"}),
        "ra": Chart("Required Assessments, by how they ended", ("Requirements",), tuple(
            (words, (cells[key],)) for key, words in (
                ("ra.attended", "Attended"), ("ra.failed", "Failed to attend"),
                ("ra.unrecorded", "Nothing recorded"))), unit="requirements"),
        "improved": Chart("Improved since their first form", ("Improved",), tuple(
            (m.label, (cells[f"change.{m.name}.improved_percent"],)) for m in COMPARED),
            unit="%"),
        "revolving": Chart("Before and after first contact with the scheme",
                           ("Before", "After"), tuple(
                               (f"{words}, {m} months",
                                (cells[f"revolving.{m}m.{kind}_before"],
                                 cells[f"revolving.{m}m.{kind}_after"]))
                               for m, kind, words in windows), unit="times"),
    }
