"""The journey's timeline: newest first, each event in words, wrong ones struck through.

Newest first because the worker opening a record in a custody suite at night needs what
happened last (this arrest, last week's release) without scrolling, as the History tab
and the care plan's versions already read. A corrected or withdrawn event stays where it
happened, struck through and greyed, with a line under it in plain (unstruck) words that
says who corrected it and what it now reads: a screen reader cannot hear a strike-out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from app.domain.journey.events import JourneyEvent
from app.domain.journey.kinds import Kind
from app.domain.valuesets import ValueSet
from app.services.journey import Journey
from app.ui.journey_words import details_words, event_summary, uk

_ROW = Qt.ItemDataRole.UserRole
_GREY = QColor("#5f6b75")


@dataclass(frozen=True)
class TimelineRow:
    event: JourneyEvent
    cells: tuple[str, str, str, str, str]  # when, what, where, details, recorded by
    struck_because: str = ""  # '' while the event stands

    @property
    def standing(self) -> bool:
        return not self.struck_because


def timeline_rows(journey: Journey, value_sets: Mapping[str, ValueSet]) -> list[TimelineRow]:
    """Every event but the withdrawals themselves (they show on the row they strike)."""
    rows = []
    for event in sorted(journey.events, key=JourneyEvent.sort_key, reverse=True):
        if event.kind is Kind.ENTERED_IN_ERROR:
            continue
        details = details_words(event, value_sets)
        if event.supersedes:
            details = "Correction of an earlier entry. " + details
        cells = (uk(event.occurred_on), event.definition.label, event.place, details,
                 event.recorded_by)
        rows.append(TimelineRow(event, cells, _why_struck(journey.corrected_by.get(event.id))))
    return rows


def _why_struck(fix: JourneyEvent | None) -> str:
    if fix is None:
        return ""
    if fix.kind is Kind.ENTERED_IN_ERROR:
        return f"Entered in error, said {fix.recorded_by or 'someone'}: {fix.text('why')}"
    return f"Corrected by {fix.recorded_by or 'someone'} — now: {event_summary(fix)}"


class JourneyTimeline(QTreeWidget):
    HEADERS = ("When", "What", "Where", "Details", "Recorded by")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(list(self.HEADERS))
        self.setAccessibleName("Journey timeline, newest first")
        self.setRootIsDecorated(False)
        self.setIndentation(12)
        # One line a row, the whole text in its tooltip: rows of one height let the view
        # lay out a long journey (hundreds of events) without measuring every row.
        self.setUniformRowHeights(True)
        self.rows: list[TimelineRow] = []
        header = self.header()
        header.setStretchLastSection(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for column, width in ((0, 100), (1, 150), (2, 130), (4, 120)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

    def changeEvent(self, event: QEvent) -> None:
        """The date column fits a date in the font the stylesheet gives (known at polish).
        Not fitted to contents: a struck row's note spans the columns and would widen it."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.header().resizeSection(0, self.fontMetrics().horizontalAdvance("00/00/0000")
                                        + 16)

    def show_rows(self, rows: list[TimelineRow]) -> None:
        """Refill, keeping the selected event selected (a save must not lose the place)."""
        chosen = self.selected()
        self.rows = rows
        self.clear()
        self.addTopLevelItems([self._item(index, row) for index, row in enumerate(rows)])
        for index in range(self.topLevelItemCount()):
            item = self.topLevelItem(index)
            if item.childCount():  # spanning takes only once the row is in the tree
                item.child(0).setFirstColumnSpanned(True)
        self.expandAll()
        for index, row in enumerate(rows):
            if chosen is not None and row.event.id == chosen.event.id:
                self.setCurrentItem(self.topLevelItem(index))

    def _item(self, index: int, row: TimelineRow) -> QTreeWidgetItem:
        item = QTreeWidgetItem(list(row.cells))
        item.setData(0, _ROW, index)
        for column, text in enumerate(row.cells):
            item.setToolTip(column, text)
        if row.struck_because:
            font = item.font(0)
            font.setStrikeOut(True)
            for column in range(len(row.cells)):
                item.setFont(column, font)
                item.setForeground(column, QBrush(_GREY))
            note = QTreeWidgetItem([f"↳ {row.struck_because}"])
            note.setData(0, _ROW, index)
            note.setToolTip(0, row.struck_because)
            item.addChild(note)
        return item

    def selected(self) -> TimelineRow | None:
        item = self.currentItem()
        if item is None or not self.rows:
            return None
        index = item.data(0, _ROW)
        return self.rows[index] if isinstance(index, int) and index < len(self.rows) else None
