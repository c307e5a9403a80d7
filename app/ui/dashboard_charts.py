"""The dashboard's bar charts (Qt Charts), drawn only from published cells.

A category whose figure is hidden is left out of the chart, not drawn as 0, and the line
under the chart names it and says why. Each bar carries its number, so nobody has to read
it off the scale.
"""

from __future__ import annotations

import math

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from app.services.dashboard import Chart

# Okabe and Ito: told apart with the common colour blindnesses.
COLOURS = ("#0072b2", "#e69f00", "#009e73")
HIDDEN_WHY = "fewer than 5, hidden so nobody can be recognised"


def _font(points: int, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font


def bar_chart(spec: Chart, *, horizontal: bool = False) -> QChart:
    """The drawn categories of `spec` as bars, one bar set per series."""
    # Read top down like the table beside it: a horizontal chart draws its first category
    # at the bottom.
    drawn = spec.drawn()[::-1] if horizontal else spec.drawn()
    chart = QChart()
    chart.setTitle(spec.title)
    chart.setTitleFont(_font(10, bold=True))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(2, 2, 2, 2))
    bars = QHorizontalBarSeries() if horizontal else QBarSeries()
    for index, name in enumerate(spec.series):
        bar_set = QBarSet(name)
        bar_set.setColor(QColor(COLOURS[index % len(COLOURS)]))
        bar_set.setLabelColor(QColor("#1b2630"))
        bar_set.setLabelFont(_font(9, bold=True))
        for _, values in drawn:
            bar_set.append(values[index])
        bars.append(bar_set)
    bars.setLabelsVisible(True)
    bars.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
    bars.setLabelsFormat("@value" + ("%" if spec.unit == "%" else ""))
    chart.addSeries(bars)
    categories = QBarCategoryAxis()
    categories.append([_wrapped(category, horizontal) for category, _ in drawn])
    scale = QValueAxis()
    top = max([v for _, values in drawn for v in values], default=0)
    step, end = (20, 100) if spec.unit == "%" else _scale(top)
    scale.setRange(0, end)
    scale.setTickType(QValueAxis.TickType.TicksDynamic)
    scale.setTickAnchor(0)
    scale.setTickInterval(step)
    scale.setLabelFormat("%d")
    for axis in (categories, scale):
        axis.setLabelsFont(_font(9))
    chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft if horizontal
                  else Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(scale, Qt.AlignmentFlag.AlignBottom if horizontal
                  else Qt.AlignmentFlag.AlignLeft)
    bars.attachAxis(categories)
    bars.attachAxis(scale)
    legend = chart.legend()
    legend.setVisible(len(spec.series) > 1)
    legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
    legend.setFont(_font(9))
    return chart


def _scale(top: float) -> tuple[int, int]:
    """A whole-number step and a top for the scale, at most five steps, with room above
    the tallest bar for its number."""
    room = top * 1.15 + 1
    step = next((s for s in _STEPS if room <= 5 * s), math.ceil(room / 5))
    return step, math.ceil(room / step) * step


_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000)


def _wrapped(category: str, horizontal: bool) -> str:
    """'Arrests, 6 months' on two lines under its bars: four fit side by side."""
    return category if horizontal else category.replace(", ", "<br>")


def bar_values(chart: QChart) -> dict[str, tuple[float, ...]]:
    """What a chart draws: each category with its bars' values (for tests and checks)."""
    series = chart.series()[0]
    names = chart.axes(Qt.Orientation.Horizontal if isinstance(series, QBarSeries)
                       else Qt.Orientation.Vertical)[0].categories()
    sets = series.barSets()
    return {name.replace("<br>", ", "): tuple(s.at(i) for s in sets)
            for i, name in enumerate(names)}


def not_drawn(spec: Chart) -> str:
    """The line under a chart: what it leaves out, and why."""
    parts = []
    if spec.hidden():
        parts.append(f"Not drawn ({HIDDEN_WHY}): {', '.join(spec.hidden())}.")
    if spec.empty():
        parts.append(f"Nothing to work out: {', '.join(spec.empty())}.")
    if not spec.drawn():
        parts.insert(0, "No bar to draw this quarter.")
    return " ".join(parts)


def in_words(spec: Chart) -> str:
    """The chart as a sentence, for a screen reader."""
    unit = "%" if spec.unit == "%" else ""
    drawn = "; ".join(f"{category}: " + ", ".join(
        f"{name.lower()} {value:g}{unit}" if len(spec.series) > 1 else f"{value:g}{unit}"
        for name, value in zip(spec.series, values, strict=True))
        for category, values in spec.drawn())
    return f"{spec.title}. {drawn or 'Nothing drawn'}. {not_drawn(spec)}".strip()


class ChartPanel(QWidget):
    """One chart and, under it, what it leaves out."""

    def __init__(self, *, horizontal: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._horizontal = horizontal
        self.spec: Chart | None = None
        self.view = QChartView(self)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(150)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the table beside says it all
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.chart: QChart = self.view.chart()
        self.empty = QLabel(self)  # instead of a chart with no bar: what it would show
        self.empty.setObjectName("emptyState")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setObjectName("chartNote")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.note)

    def show_chart(self, spec: Chart) -> None:
        self.spec = spec
        old, self.chart = self.chart, bar_chart(spec, horizontal=self._horizontal)
        self.view.setChart(self.chart)
        old.deleteLater()  # setChart hands the old one back; nothing else holds it
        nothing = not spec.drawn()
        self.empty.setText(f"{spec.title}\n\n{not_drawn(spec)}" if nothing else "")
        self.stack.setCurrentWidget(self.empty if nothing else self.view)
        self.note.setText("" if nothing else not_drawn(spec))
        self.note.setVisible(bool(self.note.text()))
        self.view.setAccessibleName(f"Chart: {spec.title}")
        self.view.setAccessibleDescription(in_words(spec))
