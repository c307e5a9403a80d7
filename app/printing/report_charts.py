"""Bar charts for the quarterly report, drawn from published cells only.

A suppressed cell has no value, so it gets no bar: its text ("<5", "n<5", "*") is printed
where the bar would start, so a reader never takes a hidden figure for a zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import BarChart, HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors

from app.domain.outcomes.suppress import Cell
from app.printing.layout import ACCENT, INK, RULE

BETTER = ACCENT
WORSE = colors.HexColor("#c0702a")
BEFORE = colors.HexColor("#9fb3c2")
AFTER = ACCENT
_FONT = "Helvetica"


def signed(cell: Cell) -> str:
    """A change as printed: '+2.5' for a rise, the cell's own text otherwise."""
    return f"+{cell.text}" if cell.value is not None and cell.value > 0 else cell.text


def change_chart(rows: Sequence[tuple[str, Cell, bool]], width: float) -> Drawing:
    """Mean change per measure, one horizontal bar each: (label, cell, lower is better)."""
    height = 13 * len(rows) + 30
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 150, 22, width - 190, height - 30
    chart.data = [[_value(cell) for _, cell, _ in rows]]
    chart.barLabelArray = [[signed(cell) for _, cell, _ in rows]]
    chart.categoryAxis.categoryNames = [label for label, _, _ in rows]
    chart.categoryAxis.reverseDirection = 1
    chart.categoryAxis.labelAxisMode = "low"
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    for index, (_, cell, lower_is_better) in enumerate(rows):
        better = cell.value is not None and (cell.value < 0) == lower_is_better
        chart.bars[(0, index)].fillColor = BETTER if better else WORSE
        _hide_if_empty(chart, 0, index, cell)
    _style(chart, [cell for _, cell, _ in rows], symmetric=True)
    chart.valueAxis.labelTextFormat = lambda v: f"{v:+g}" if v else "0"
    drawing.add(chart)
    return drawing


def grouped_bars(categories: Sequence[str], series: Sequence[tuple[str, Sequence[Cell]]],
                 width: float, height: float) -> Drawing:
    """Counts as upright bars, one group per category and one bar per series, with a
    legend when there is more than one series (before and after, in that order)."""
    fills = (BEFORE, AFTER) if len(series) > 1 else (ACCENT,)
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    legend_room = 18 if len(series) > 1 else 0
    chart.x, chart.y, chart.width, chart.height = 36, 24, width - 46, height - 34 - legend_room
    chart.data = [[_value(cell) for cell in cells] for _, cells in series]
    chart.barLabelArray = [[cell.text for cell in cells] for _, cells in series]
    chart.categoryAxis.categoryNames = list(categories)
    chart.groupSpacing = 12
    for row, (_, cells) in enumerate(series):
        chart.bars[row].fillColor = fills[row % len(fills)]
        for index, cell in enumerate(cells):
            _hide_if_empty(chart, row, index, cell)
    _style(chart, [cell for _, cells in series for cell in cells], symmetric=False)
    drawing.add(chart)
    if legend_room:
        drawing.add(_legend([(fills[i % len(fills)], name) for i, (name, _) in
                             enumerate(series)], chart.x, height - 4))
    return drawing


def _value(cell: Cell) -> float:
    return 0.0 if cell.value is None else float(cell.value)


def _hide_if_empty(chart: BarChart, row: int, index: int, cell: Cell) -> None:
    """No bar for a cell without a value: only its label, at the base line."""
    if cell.value is None or cell.value == 0:
        chart.bars[(row, index)].strokeColor = None
        if cell.value is None:
            chart.bars[(row, index)].fillColor = None


def _style(chart: BarChart, cells: Sequence[Cell], *, symmetric: bool) -> None:
    """Axis from 0 (or as far below as above it), in round steps, with room for labels;
    counts step in whole numbers."""
    known = [abs(float(c.value)) for c in cells if c.value is not None] or [1.0]
    room = max(known) * (1.3 if symmetric else 1.15)  # a bar's label sits beyond its end
    step = _nice(room / 4)
    if not symmetric:
        step = max(1.0, float(math.ceil(step)))
    top = step * math.ceil(room / step)
    chart.valueAxis.valueMin = -top if symmetric else 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = step
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dfe6ec")
    chart.valueAxis.visibleGrid = True
    chart.barLabelFormat = "values"
    chart.barLabels.nudge = 10
    chart.barLabels.fontName = _FONT
    chart.barLabels.fontSize = 7.5
    chart.barLabels.fillColor = INK
    for axis in (chart.valueAxis, chart.categoryAxis):
        axis.labels.fontName = _FONT
        axis.labels.fontSize = 7.5
        axis.labels.fillColor = INK
        axis.strokeColor = RULE
    chart.bars.strokeColor = RULE
    chart.bars.strokeWidth = 0.4


def _nice(value: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, at least `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def _legend(entries: Sequence[tuple[colors.Color, str]], x: float, y: float) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 90
    legend.fontName, legend.fontSize = _FONT, 8
    legend.boxAnchor = "nw"
    legend.colorNamePairs = list(entries)
    return legend
