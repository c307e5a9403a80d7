"""A list of appointments, one a row, shared by a person's record and the day view.

The status is written out in words; an appointment whose day has passed with nothing
recorded is red and bold, because that is the row a worker must act on. Enter or a
double-click opens the row (the day view opens the person).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QWidget

from app.domain.appointments import AppointmentStatus
from app.services.appointments import Listed
from app.ui.appointment_words import (
    day_and_date,
    described,
    rebookings,
    status_words,
    time_text,
)

_ROW = Qt.ItemDataRole.UserRole
_RED = QColor("#a4161a")  # the stylesheet's error red
_GREY = QColor("#5f6b75")
_AHEAD = (AppointmentStatus.AWAITING_OUTCOME, AppointmentStatus.DUE_TODAY,
          AppointmentStatus.BOOKED)
_NARROWEST = 60  # a shared column never below this: a few letters and the '…'


@dataclass(frozen=True)
class Column:
    name: str
    cell: Callable[[Listed], str]
    share: int = 0  # 0: as wide as what it holds; else its share of the width left


DATE = Column("Date", lambda item: day_and_date(item.appointment.on))
TIME = Column("Time", lambda item: time_text(item.appointment.at))
PERSON = Column("Person", lambda item: item.person_name or "not on this laptop")
WHERE = Column("Where", lambda item: item.appointment.where, share=4)
WITH = Column("With whom", lambda item: item.appointment.with_whom, share=1)
WHAT_FOR = Column("What for", lambda item: item.appointment.what_for, share=3)
STATUS = Column("Status", lambda item: "")  # always last; filled from the other rows too


class AppointmentList(QTreeWidget):
    opened = Signal(object)  # Listed: Enter or a double-click on its row

    def __init__(self, columns: Sequence[Column], *, accessible_name: str,
                 empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns = (*columns, STATUS)
        self._empty_text = empty_text
        self.rows: list[Listed] = []
        self.setHeaderLabels([column.name for column in self._columns])
        self.setAccessibleName(accessible_name)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        # Free text (where, with whom, what for) shares the width the short columns leave,
        # cut with '…' and whole in its tooltip: the status must never go off the edge.
        self.header().setStretchLastSection(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.itemDoubleClicked.connect(lambda item, _column: self._open(item))

    def show_rows(self, listed: Sequence[Listed]) -> None:
        """Replace the rows, keeping the selection on the same appointment if it is there."""
        chosen = self.selected()
        self.rows = list(listed)
        rebooked = rebookings(self.rows)
        self.clear()
        for item in self.rows:
            self.addTopLevelItem(self._item(item, rebooked.get(item.appointment.id)))
        if not self.rows:
            empty = self._empty_item()
            self.addTopLevelItem(empty)
            empty.setFirstColumnSpanned(True)  # ignored by Qt until the row is in the tree
        for column, spec in enumerate(self._columns):
            if self.rows and not spec.share:  # the empty sentence spans them: not measured
                self.resizeColumnToContents(column)
        self._share_width()
        self._select(chosen.appointment.id if chosen else None)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._share_width()

    def _share_width(self) -> None:
        """Each free-text column gets its heading's width, then its share of the rest."""
        header = self.header()
        shares = {n: spec.share for n, spec in enumerate(self._columns) if spec.share}
        fixed = sum(header.sectionSize(n) for n in range(len(self._columns)) if n not in shares)
        # The heading is bold in the stylesheet: the header's own font measures it short.
        heading = header.fontMetrics().horizontalAdvance
        least = {n: max(_NARROWEST, heading(self._columns[n].name) * 23 // 20 + 12)
                 for n in shares}
        spare = max(0, self.viewport().width() - fixed - sum(least.values()))
        for column, share in shares.items():
            header.resizeSection(column, least[column] + spare * share // sum(shares.values()))

    def _item(self, listed: Listed, rebooked_on: date | None) -> QTreeWidgetItem:
        cells = [spec.cell(listed) for spec in self._columns[:-1]]
        row = QTreeWidgetItem([*cells, status_words(listed, rebooked_on)])
        row.setData(0, _ROW, listed)
        for column in range(row.columnCount()):
            row.setToolTip(column, row.text(column))  # whole, where a column cuts it
        status = len(cells)
        if listed.status is AppointmentStatus.AWAITING_OUTCOME:
            _emphasise(row, status, _RED)
        elif listed.status is AppointmentStatus.DID_NOT_ATTEND and rebooked_on is None:
            _emphasise(row, status, _RED)  # missed and not rebooked: still to act on
        elif listed.status is AppointmentStatus.CANCELLED:
            for column in range(row.columnCount()):
                row.setForeground(column, QBrush(_GREY))
        return row

    def _empty_item(self) -> QTreeWidgetItem:
        row = QTreeWidgetItem([self._empty_text])
        row.setFlags(Qt.ItemFlag.NoItemFlags)  # a sentence, not a choosable appointment
        return row

    def _select(self, appointment_id: str | None) -> None:
        """The same appointment as before, else the first still to act on or to come (a
        long record's past is above it), else the first: arrows work at once."""
        if not self.rows:
            return
        ids = [listed.appointment.id for listed in self.rows]
        ahead = [n for n, listed in enumerate(self.rows) if listed.status in _AHEAD]
        index = (ids.index(appointment_id) if appointment_id in ids
                 else ahead[0] if ahead else 0)
        self.setCurrentItem(self.topLevelItem(index))
        self.scrollToItem(self.topLevelItem(index))

    def selected(self) -> Listed | None:
        item = self.currentItem()
        listed = item.data(0, _ROW) if item is not None else None
        return listed if isinstance(listed, Listed) else None

    def selected_words(self) -> str:
        """The chosen appointment in a whole sentence; '' when none is chosen."""
        chosen = self.selected()
        if chosen is None:
            return ""
        return described(chosen, rebookings(self.rows).get(chosen.appointment.id))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter opens the row on every platform (itemActivated follows the style: on some,
        # a single click).
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem():
            self._open(self.currentItem())
            event.accept()
            return
        super().keyPressEvent(event)

    def _open(self, item: QTreeWidgetItem) -> None:
        listed = item.data(0, _ROW)
        if isinstance(listed, Listed):
            self.opened.emit(listed)


def chosen_label(parent: QWidget) -> QLabel:
    """Under a list: the chosen appointment whole, wrapped, selectable, read aloud."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAccessibleName("Chosen appointment")
    return label


def _emphasise(row: QTreeWidgetItem, column: int, colour: QColor) -> None:
    font = row.font(column)
    font.setBold(True)
    row.setFont(column, font)
    row.setForeground(column, QBrush(colour))
