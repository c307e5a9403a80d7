"""A person's progress as charts the worker and the person look at together (Qt Charts).

One chart at a time (the Outcomes tab chooses): days using each substance, crime days, or
the three wellbeing ratings. Each line holds only answered measures: where a form left a measure
unanswered the line breaks (a gap, not a fall to 0). What happened between forms is marked
on the time axis: a dashed upright line in the mark's colour with its symbol at the top,
named in the key under it (an episode beginning or ending, arrested, court, into prison,
released, a care plan signed). Beside the chart the same in words, for a screen reader and
for anyone who would rather read it: "Opiates: 20 days at start (10/01/2026), 8 days at
review (10/04/2026)."
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCharts import (
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
    QXYSeries,
)
from PySide6.QtCore import QDate, QDateTime, QLineF, QMargins, QPointF, Qt, QTime
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsLineItem,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.outcomes.progress import Marker, MarkerKind, Series
from app.domain.outcomes.top import SUBSTANCE_LABELS, FormKind, Substance, TopForm
from app.services.outcomes import Outcomes


@dataclass(frozen=True)
class ChartKind:
    title: str
    wanted: Callable[[str], bool]  # which series (by measure name) it draws
    top: int  # the top of the scale (a larger value raises it)
    step: int  # between the scale's lines: a week of days, or 5 points of a rating
    unit: str  # "day" (pluralised) or "out of 20"


CHARTS = (
    ChartKind("Days using each substance", lambda name: name.startswith("use."), 28, 7,
              "day"),
    ChartKind("Crime days (all types added up)", lambda name: name == "crime_days", 28, 7,
              "day"),
    ChartKind("Wellbeing ratings: 0 is poor, 20 is good",
              lambda name: name.startswith("rating."), 20, 5, "out of 20"),
)
WHEN = {FormKind.START: "at start", FormKind.REVIEW: "at review", FormKind.EXIT: "at exit",
        FormKind.POST_EXIT: "after exit"}
# Colours told apart by people with the common colour blindnesses (Okabe and Ito).
_COLOURS = {"use.alcohol": "#e69f00", "use.opiates": "#0072b2", "use.crack": "#d55e00",
            "use.cocaine": "#cc79a7", "use.amphetamines": "#009e73", "use.cannabis": "#56b4e9",
            "use.other": "#555555", "crime_days": "#0072b2",
            "rating.psychological_health": "#0072b2", "rating.physical_health": "#009e73",
            "rating.quality_of_life": "#d55e00"}
_SHAPE = QScatterSeries.MarkerShape
_MARKS = {MarkerKind.EPISODE_START: ("#1e6b3a", _SHAPE.MarkerShapeRectangle),
          MarkerKind.EPISODE_END: ("#4a5a66", _SHAPE.MarkerShapeRectangle),
          MarkerKind.ARREST: ("#a4161a", _SHAPE.MarkerShapeTriangle),
          MarkerKind.COURT: ("#8a4b00", _SHAPE.MarkerShapeRotatedRectangle),
          MarkerKind.PRISON: ("#6a1b9a", _SHAPE.MarkerShapeTriangle),
          MarkerKind.RELEASE: ("#00838f", _SHAPE.MarkerShapeCircle),
          MarkerKind.CARE_PLAN: ("#1d4e6b", _SHAPE.MarkerShapeStar)}
_GLYPHS = {_SHAPE.MarkerShapeRectangle: "■", _SHAPE.MarkerShapeTriangle: "▲",
           _SHAPE.MarkerShapeRotatedRectangle: "◆", _SHAPE.MarkerShapeCircle: "●",
           _SHAPE.MarkerShapeStar: "★"}
EARLIER = timedelta(days=92)  # events this long before the first form still set the scene


def x_of(day: date) -> float:
    """A day on the time axis (midday, so no time zone moves it to another day)."""
    return float(QDateTime(QDate(day.year, day.month, day.day), QTime(12, 0))
                 .toMSecsSinceEpoch())


def day_of(x: float) -> date:
    shown = QDateTime.fromMSecsSinceEpoch(int(x)).date()
    return date(shown.year(), shown.month(), shown.day())


def series_label(series: Series) -> str:
    """'Opiates', not 'Days using opiates': the chart's title says days."""
    if series.name.startswith("use."):
        return SUBSTANCE_LABELS[Substance(series.name.removeprefix("use."))]
    return series.label


def charted(kind: ChartKind, outcomes: Outcomes) -> list[Series]:
    """The series this chart draws: those with at least one answer."""
    return [s for s in outcomes.progress.series if kind.wanted(s.name) and s.points]


def runs(series: Series, forms: Sequence[TopForm]) -> list[list[tuple[date, int]]]:
    """The series' points in unbroken runs: a form that left it unanswered breaks the
    line there."""
    values = {p.on: p.value for p in series.points}
    found: list[list[tuple[date, int]]] = [[]]
    for form in forms:
        value = values.get(form.completed_on)
        if value is None:
            if found[-1]:
                found.append([])
        elif (form.completed_on, value) not in found[-1]:
            found[-1].append((form.completed_on, value))
    return [run for run in found if run]


def time_window(forms: Sequence[TopForm], markers: Sequence[Marker],
                today: date) -> tuple[date, date, list[Marker]]:
    """From a little before the first form (or an event in the months before it) to
    today; the marks that fall in it."""
    first, last = forms[0].completed_on, max(forms[-1].completed_on, today)
    shown = [m for m in markers if first - EARLIER <= m.on <= last]
    start = min([first, *(m.on for m in shown)])
    pad = timedelta(days=max(7, (last - start).days // 25))
    return start - pad, last + pad, shown


def _amount(kind: ChartKind, value: int) -> str:
    if kind.unit == "day":
        return f"{value} day{'s' if value != 1 else ''}"
    return f"{value} {kind.unit}"


def summary_lines(kind: ChartKind, outcomes: Outcomes, marks: Sequence[Marker]) -> list[str]:
    """The chart in words: each line's answers in date order, gaps named, then the marks."""
    lines = []
    for series in charted(kind, outcomes):
        values = {p.on: p.value for p in series.points}
        parts = [(_amount(kind, values[f.completed_on]) if f.completed_on in values
                  else "not answered") + f" {WHEN[f.kind]} ({f.completed_on:%d/%m/%Y})"
                 for f in outcomes.forms]
        lines.append(f"{series_label(series)}: {', '.join(parts)}.")
    if not lines:
        lines.append("No form has an answer for this chart yet.")
    if marks:
        lines.append("Marked on the time line: " + "; ".join(
            f"{m.label.lower()} {m.on:%d/%m/%Y}" for m in marks) + ".")
    return lines


def build_chart(kind: ChartKind, outcomes: Outcomes, today: date) -> QChart:
    """The chart for `kind`; the person has at least one standing form."""
    start, end, marks = time_window(outcomes.forms, outcomes.progress.markers, today)
    drawn = charted(kind, outcomes)
    top = max([kind.top, *(p.value for s in drawn for p in s.points)])
    top = -(-top // kind.step) * kind.step  # up to the next line of the scale
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(2, 2, 2, 2))
    chart.layout().setContentsMargins(0, 0, 0, 0)
    axes = _axes(chart, start, end, top, kind)
    for series in drawn:
        for run in runs(series, outcomes.forms):
            _attach(chart, _line(series, run), *axes)
    above = top + kind.step * 0.4  # the marks' symbols sit above the scale, clear of lines
    symbols = [_symbols(k, marks, above) for k in dict.fromkeys(m.kind for m in marks)]
    for dots in symbols:
        _attach(chart, dots, *axes)
    if symbols:
        _uprights(chart, marks, above, symbols[0])
    chart.legend().hide()  # the key under the chart wraps; this one cut its names off
    return chart


def _axes(chart: QChart, start: date, end: date, top: int,
          kind: ChartKind) -> tuple[QDateTimeAxis, QValueAxis]:
    x_axis = QDateTimeAxis()
    x_axis.setFormat("MMM yyyy")  # the words beside the chart give each day
    x_axis.setRange(QDateTime.fromMSecsSinceEpoch(int(x_of(start))),
                    QDateTime.fromMSecsSinceEpoch(int(x_of(end))))
    x_axis.setTickCount(5)
    y_axis = QValueAxis()
    # Room above the scale for the marks, and below 0 for a whole dot on a 0.
    y_axis.setRange(-kind.step * 0.12, top + kind.step * 0.6)
    y_axis.setTickType(QValueAxis.TickType.TicksDynamic)
    y_axis.setTickAnchor(0)
    y_axis.setTickInterval(kind.step)
    y_axis.setLabelFormat("%d")
    y_axis.setTitleText("days of the 28" if kind.unit == "day" else "0 poor, 20 good")
    for axis in (x_axis, y_axis):
        axis.setLabelsFont(_font(10))
        axis.setTitleFont(_font(10))
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    return x_axis, y_axis


def _line(series: Series, run: list[tuple[date, int]]) -> QLineSeries:
    line = QLineSeries()
    line.setName(series_label(series))
    colour = QColor(_COLOURS.get(series.name, "#1b2630"))
    line.setPen(QPen(colour, 3))
    line.setPointsVisible(True)
    line.setMarkerSize(8)
    for on, value in run:
        line.append(x_of(on), value)
    return line


def _uprights(chart: QChart, marks: Sequence[Marker], top: float, anchor: QXYSeries) -> None:
    """A dashed line up the chart on each mark's day, placed again whenever the plot
    moves. Drawn lines, not a series each: a hundred arrests made a chart take a second."""
    lines = []
    for mark in marks:
        item = QGraphicsLineItem(chart)
        item.setPen(QPen(QColor(_MARKS[mark.kind][0]), 1.5, Qt.PenStyle.DashLine))
        item.setZValue(3.5)  # over the grid, under the measures' lines and the symbols
        lines.append((item, x_of(mark.on)))

    def place(_area: object = None) -> None:
        for item, x in lines:
            item.setLine(QLineF(chart.mapToPosition(QPointF(x, 0), anchor),
                                chart.mapToPosition(QPointF(x, top), anchor)))

    chart.plotAreaChanged.connect(place)
    place()


def _symbols(kind: MarkerKind, marks: Sequence[Marker], top: float) -> QScatterSeries:
    """Every mark of one kind as a symbol at the top: the key names them."""
    found = [m for m in marks if m.kind is kind]
    colour, shape = _MARKS[kind]
    dots = QScatterSeries()
    dots.setName(found[0].label)
    dots.setMarkerShape(shape)
    dots.setMarkerSize(13)
    dots.setColor(QColor(colour))
    dots.setBorderColor(QColor(colour))
    for mark in found:
        dots.append(x_of(mark.on), top)
    return dots


def _attach(chart: QChart, series: QXYSeries, x_axis: QDateTimeAxis,
            y_axis: QValueAxis) -> None:
    chart.addSeries(series)
    series.attachAxis(x_axis)
    series.attachAxis(y_axis)


def _font(points: int) -> QFont:
    font = QFont()
    font.setPointSize(points)
    return font


def legend_html(kind: ChartKind, outcomes: Outcomes, marks: Sequence[Marker]) -> str:
    """The key under the chart, wrapping to the width: a line in its colour for each
    measure, each mark's symbol for the marks on show. Each entry stays whole on its line
    ("Treatment episode began" split over two lines read as two entries)."""
    def entry(colour: str, sign: str, text: str) -> str:
        return f"<span style='color:{colour}'>{sign}</span>&nbsp;{text.replace(' ', '&nbsp;')}"

    entries = [entry(_COLOURS.get(s.name, "#1b2630"), "━━", series_label(s))
               for s in charted(kind, outcomes)]
    label = {m.kind: m.label for m in marks}
    entries += [entry(_MARKS[k][0], _GLYPHS[_MARKS[k][1]], label[k]) for k in label]
    return " &nbsp; ".join(entries)


class ProgressCharts(QWidget):
    """One chart, its key, and the chart in words beside it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.outcomes: Outcomes | None = None
        self.today = date.today()
        self.index = 0  # which of CHARTS is on show
        self.view = QChartView(self)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumSize(320, 160)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the words beside it say it all
        self.chart: QChart = self.view.chart()
        self.legend = QLabel(self)
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setAccessibleName("Key to the chart")
        self.empty = QLabel(self)
        self.empty.setObjectName("emptyState")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        drawn = QWidget(self)
        column = QVBoxLayout(drawn)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.view, 1)
        column.addWidget(self.legend)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(drawn)
        self.stack.addWidget(self.empty)
        self.words = QPlainTextEdit(self)
        self.words.setReadOnly(True)
        self.words.setTabChangesFocus(True)
        self.words.setAccessibleName("The chart in words")
        self.words.setFixedWidth(230)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.words)

    def show_outcomes(self, outcomes: Outcomes, today: date | None = None) -> None:
        self.outcomes, self.today = outcomes, today or date.today()
        self._draw()

    def show_chart(self, index: int) -> QChart:
        self.index = index
        self._draw()
        return self.chart

    def _draw(self) -> None:
        outcomes, kind = self.outcomes, CHARTS[self.index]
        if outcomes is None or not outcomes.forms:
            self.empty.setText("No TOP form recorded yet. The charts begin with the first "
                               "form: Record a TOP form… (Alt+C).")
            self.stack.setCurrentWidget(self.empty)
            self.words.hide()  # it would only say the same
            return
        old, self.chart = self.chart, build_chart(kind, outcomes, self.today)
        self.view.setChart(self.chart)
        old.deleteLater()  # setChart gives the old one back; nothing else holds it
        marks = time_window(outcomes.forms, outcomes.progress.markers, self.today)[2]
        words = "\n".join(summary_lines(kind, outcomes, marks))
        self.words.setPlainText(words)
        self.legend.setText(legend_html(kind, outcomes, marks))
        self.view.setAccessibleName(f"Chart: {kind.title.lower()}")
        self.view.setAccessibleDescription(words)
        self.stack.setCurrentIndex(0)
        self.words.show()
