"""The team lead's outcomes dashboard: the team's figures for a quarter, with charts.

Four pages: people and exits, change since the first outcome form, Required Assessments,
and the revolving door with the waits. Every figure is a published cell: under 5 it
shows as "<5" (or "n<5", "*"), the legend says why, and its bar is left out of the chart.
Page Up and Page Down step to the quarter before and after; the figures are read off the
UI thread, and the window says so while they come.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.outcomes.months import Quarter
from app.domain.outcomes.suppress import HIDDEN, NONE, SMALL, SMALL_BASE, Cell
from app.services.dashboard import ROUTE_LABELS, Dashboard, label, offered, shifted
from app.ui.dashboard_charts import HIDDEN_WHY, ChartPanel
from app.ui.row_list import row_list
from app.ui.screen_fit import resize_to_fit
from app.ui.tasks import RunDb, run_here

LEGEND = (f"{SMALL}: {HIDDEN_WHY}.  {SMALL_BASE}: worked out from fewer than 5.  "
          f"{HIDDEN}: hidden too, so a hidden figure cannot be worked out from the total.  "
          f"{NONE}: nothing to work out.")
REPORT_HELP = ("Saves this quarter's evaluation report for your team's own people as a PDF "
               "signed by this laptop; figures under 5 are hidden in it too. The "
               "pseudonymised CSV extracts for the evaluator are not made in the app: the key "
               "that makes their pseudonyms is held only on the server.")
_GREY = QBrush(QColor("#5a6670"))
# How each page's figures are counted, under its table (as the report's notes say it).
NOTES = {
    "people": "Caseload: everyone first seen by the quarter's end who, during it, was first "
              "seen, had a treatment episode open or had anything recorded on their journey. "
              "Route: the setting of the latest custody, court or prison event in the four "
              "weeks up to first contact. Planned exits: treatment completed or referred on.",
    "change": "Between each person's first and latest outcome form, among the caseload. "
              "Improved: for days using, injecting or offending, of those above 0 at first, "
              "the share whose latest is lower; for ratings, work and education, the share "
              "whose latest is higher.",
    "ra": "Each RA1 or RA4 notice is one requirement; an RA2 moves its day. It counts in "
          "the quarter its appointment falls in.",
    "door": "Custody: an arrest or a prison reception. A person counts once their window "
            "after first contact has run its full length; the day of first contact counts "
            "as before.",
}


class DashboardOps(Protocol):
    """app.ui.operations.DashboardOperations."""

    def figures(self, quarter: Quarter) -> Dashboard: ...

    def save_report(self, quarter: Quarter, path: Path) -> Path: ...

    def report_name(self, quarter: Quarter) -> str: ...


def _signed(cell: Cell) -> str:
    """A change with its sign: '+3.1', '-8.7', '0.0'."""
    return f"+{cell.text}" if cell.value is not None and cell.value > 0 else cell.text


def _table(columns: Sequence[str], name: str) -> QTreeWidget:
    """Words first, taking the room; each figure column as wide as its widest figure."""
    table = row_list(columns, name)
    table.setAlternatingRowColors(True)
    header = table.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(columns)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        table.headerItem().setTextAlignment(column, Qt.AlignmentFlag.AlignRight
                                            | Qt.AlignmentFlag.AlignVCenter)
    return table


def _fill(table: QTreeWidget, rows: Sequence[tuple[str, Sequence[Cell | str]]]) -> None:
    table.clear()
    for words, cells in rows:
        item = QTreeWidgetItem([words, *(c if isinstance(c, str) else c.text for c in cells)])
        for column, cell in enumerate(cells, start=1):
            item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight
                                  | Qt.AlignmentFlag.AlignVCenter)
            if isinstance(cell, Cell) and cell.suppressed:
                item.setForeground(column, _GREY)
                item.setToolTip(column, HIDDEN_WHY.capitalize())
        table.addTopLevelItem(item)


class TeamDashboard(QDialog):
    def __init__(self, *, ops: DashboardOps, run: RunDb = run_here,
                 today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops, self._run = ops, run
        self.shown: Dashboard | None = None
        self.setWindowTitle("InsideOut — team outcomes dashboard")
        self.quarter = QComboBox()
        self.quarter.setAccessibleName("Quarter")
        for quarter in offered(today or date.today()):
            self.quarter.addItem(label(quarter), quarter)
        self.earlier_button = QPushButton("&Earlier quarter (Page Up)")
        self.earlier_button.clicked.connect(self.earlier)
        self.later_button = QPushButton("&Later quarter (Page Down)")
        self.later_button.clicked.connect(self.later)
        self.report_button = QPushButton("&Save the quarter's report (PDF)…")
        self.report_button.setToolTip(REPORT_HELP)
        self.report_button.setWhatsThis(REPORT_HELP)
        self.report_button.clicked.connect(lambda: self.save_report())
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("What the dashboard is doing")
        self._build_pages()
        self._build()
        QShortcut(QKeySequence(Qt.Key.Key_PageUp), self, self.earlier)
        QShortcut(QKeySequence(Qt.Key.Key_PageDown), self, self.later)
        self.quarter.currentIndexChanged.connect(lambda _index: self.reload())
        resize_to_fit(self, QSize(1240, 690))
        self.reload()

    # ---- layout -------------------------------------------------------------------------
    def _page(self, left: Sequence[QWidget], right: Sequence[QWidget], note: str,
              widths: tuple[int, int] = (2, 3)) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        words = QLabel(NOTES[note])
        words.setWordWrap(True)
        words.setObjectName("hint")
        for side, stretch in zip((left, right), widths, strict=True):
            column = QVBoxLayout()
            for widget in side:
                column.addWidget(widget, 1)
            if side is left:
                column.addWidget(words)
            row.addLayout(column, stretch)
        return page

    def _build_pages(self) -> None:
        self.people = _table(("Figure", "This quarter"), "Caseload, new people and exits")
        self.routes_chart, self.exits_chart = ChartPanel(), ChartPanel()
        self.change = _table(("Measure", "People", "Mean change", "Improved"),
                             "Change between the first and the latest outcome form")
        self.improved_chart = ChartPanel(horizontal=True)
        self.ra = _table(("Required Assessments", "This quarter"),
                         "Required Assessment compliance")
        self.ra_chart = ChartPanel()
        self.door = _table(("Revolving door", "6 months", "12 months"),
                           "Arrests and custody before and after first contact")
        self.waits = _table(("Waits", "This quarter"), "Waits after arrest and release")
        self.door_chart = ChartPanel()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._page([self.people], [self.routes_chart, self.exits_chart],
                                    "people"),
                         "&People and exits")
        self.tabs.addTab(self._page([self.change], [self.improved_chart], "change", (1, 1)),
                         "&Change since the first form")
        self.tabs.addTab(self._page([self.ra], [self.ra_chart], "ra"),
                         "&Required Assessments")
        self.tabs.addTab(self._page([self.door, self.waits], [self.door_chart], "door", (1, 1)),
                         "Revolving &door and waits")
        self.charts = {"routes": self.routes_chart, "exits": self.exits_chart,
                       "improved": self.improved_chart, "ra": self.ra_chart,
                       "revolving": self.door_chart}

    def _build(self) -> None:
        chooser = QLabel("&Quarter:")
        chooser.setBuddy(self.quarter)
        top = QHBoxLayout()
        top.addWidget(chooser)
        top.addWidget(self.quarter, 2)
        top.addWidget(self.earlier_button)
        top.addWidget(self.later_button)
        top.addStretch(1)
        top.addWidget(self.report_button)
        self.legend = QLabel(LEGEND)
        self.legend.setWordWrap(True)
        self.legend.setAccessibleName("What the marks mean")
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        for button in (self.earlier_button, self.later_button, self.report_button, close):
            button.setAutoDefault(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.legend, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

    # ---- the quarter --------------------------------------------------------------------
    @property
    def chosen(self) -> Quarter:
        return self.quarter.currentData()

    def earlier(self) -> None:
        index = self.quarter.currentIndex() + 1
        if index == self.quarter.count():  # further back than offered: one more
            older = shifted(self.quarter.itemData(index - 1), -1)
            self.quarter.addItem(label(older), older)
        self.quarter.setCurrentIndex(index)

    def later(self) -> None:
        self.quarter.setCurrentIndex(max(0, self.quarter.currentIndex() - 1))

    def reload(self) -> None:
        quarter = self.chosen
        self.message.setText(f"Reading the team's figures for {label(quarter)}…")
        self.tabs.setEnabled(False)
        self.report_button.setEnabled(False)
        self._run(lambda: self._ops.figures(quarter), on_success=self._show,
                  on_failure=self._failed)

    def _failed(self, error: Exception) -> None:
        self.message.setText(f"Not read: {error}")

    def _show(self, seen: Dashboard) -> None:
        if seen.quarter != self.chosen:  # a quarter stepped past while it was read
            return
        self.shown = seen
        so_far = " — so far: the quarter has not ended" if seen.so_far else ""
        self.message.setText(f"{seen.label}{so_far}. Figures for your team's own people.")
        self.tabs.setEnabled(True)
        self.report_button.setEnabled(True)
        self._tables(seen)
        for key, panel in self.charts.items():
            panel.show_chart(seen.charts[key])

    def _tables(self, seen: Dashboard) -> None:
        cells = seen.cells
        _fill(self.people, [
            ("Caseload", [cells["caseload"]]), ("In treatment", [cells["in_treatment"]]),
            *((f"New: {words.lower()}", [cells[f"new.{route}"]])
              for route, words in ROUTE_LABELS.items()),
            ("New: all routes", [cells["new.total"]]),
            ("Planned exits", [cells["exits.planned"]]),
            ("Unplanned exits", [cells["exits.unplanned"]]),
            ("All exits", [cells["exits.total"]])])
        _fill(self.change, [(words, [cells[f"change.{name}.people"],
                                     _signed(cells[f"change.{name}.mean_change"]),
                                     cells[f"change.{name}.improved_percent"]])
                            for name, words in seen.measures])
        _fill(self.ra, [("Required", [cells["ra.required"]]),
                        ("Attended", [cells["ra.attended"]]),
                        ("Failed to attend", [cells["ra.failed"]]),
                        ("Nothing recorded", [cells["ra.unrecorded"]]),
                        ("Attended, of those required", [cells["ra.rate"]])])
        _fill(self.door, [(words, [cells[f"revolving.{m}m.{part}"] for m in (6, 12)])
                          for part, words in (
                              ("people", "People"), ("arrests_before", "Arrests before"),
                              ("arrests_after", "Arrests after"),
                              ("custody_before", "Custody before"),
                              ("custody_after", "Custody after"))])
        _fill(self.waits, [
            ("Arrests", [cells["waits.arrests"]]),
            ("Days from arrest to assessment (median)",
             [cells["waits.arrest_to_assessment_median_days"]]),
            ("Releases", [cells["waits.releases"]]),
            ("Days from release to first appointment (median)",
             [cells["waits.release_to_appointment_median_days"]]),
            ("Released, no appointment booked", [cells["waits.released_without_appointment"]])])

    # ---- the report ---------------------------------------------------------------------
    def ask_path(self, suggested: str) -> Path | None:
        """Where to save the report (tests answer for the lead)."""
        chosen, _ = QFileDialog.getSaveFileName(self, "Save the quarter's report",
                                                suggested, "PDF (*.pdf)")
        return Path(chosen) if chosen else None

    def save_report(self, path: Path | None = None) -> None:
        quarter = self.chosen
        path = path or self.ask_path(self._ops.report_name(quarter))
        if path is None:
            return
        self.message.setText(f"Making the report for {label(quarter)}…")
        self.report_button.setEnabled(False)
        self._run(lambda: self._ops.save_report(quarter, path), on_success=self._saved,
                  on_failure=lambda error: (self.message.setText(f"Not saved: {error}"),
                                            self.report_button.setEnabled(True)))

    def _saved(self, path: Path) -> None:
        self.report_button.setEnabled(True)
        self.message.setText(f"Saved {path.name}: signed on this laptop, figures under 5 "
                             "hidden.")
