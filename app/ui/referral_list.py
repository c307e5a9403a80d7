"""A list of referrals, one a row, shared by a person's record and the team's tracker.

The answer column says in words when the partner's answer is due, and a referral with no
answer past its day is red and bold, because that is the row a worker must chase. Closed
referrals (outcome recorded, withdrawn) are grey. Each row's tooltip holds every step.
Enter or a double-click opens the row (the tracker opens the person).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from app.services.referrals import Tracked
from app.ui.keywork_list import fit_first_column
from app.ui.referral_words import (
    answer_words,
    history_lines,
    overdue,
    sent_words,
    service_words,
    where_now,
)

_ROW = Qt.ItemDataRole.UserRole
_RED = QColor("#a4161a")  # the stylesheet's error red
_GREY = QColor("#5f6b75")
Column = tuple[str, Callable[[Tracked, date], str]]

ANSWER = ("Answer", answer_words)
PERSON = ("Person", lambda tracked, _today: tracked.person_name or "not on this laptop")
SERVICE = ("Service", lambda tracked, _today: service_words(tracked))
SENT = ("Sent", lambda tracked, _today: sent_words(tracked))
NOW = ("Where it is now", lambda tracked, _today: where_now(tracked))
SENT_BY = ("Sent by", lambda tracked, _today: tracked.referral.sent_by)
CONTACT = ("Partner contact", lambda tracked, _today: tracked.referral.partner_contact)
CONTACT_SHORT = ("Contact", CONTACT[1])  # where columns are tight: a person's record


class ReferralList(QTreeWidget):
    opened = Signal(object)  # Tracked: Enter or a double-click on its row

    def __init__(self, columns: Sequence[Column], *, accessible_name: str, empty_text: str,
                 today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._empty_text = empty_text
        self._today = today
        self.rows: list[Tracked] = []
        self.setHeaderLabels([name for name, _ in self._columns])
        self.setAccessibleName(accessible_name)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        header = self.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The last column (the partner contact) takes what is left and is cut short rather
        # than push the row past the panel's edge; the tooltip has it whole.
        header.setSectionResizeMode(len(self._columns) - 1, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(True)
        self.itemDoubleClicked.connect(lambda item, _column: self._open(item))

    def show_rows(self, tracked: Sequence[Tracked]) -> None:
        """Replace the rows, keeping the selection on the same referral if it is there."""
        chosen = self.selected()
        today = self._today or date.today()
        self.rows = list(tracked)
        self.clear()
        for row in self.rows:
            self.addTopLevelItem(self._item(row, today))
        if not self.rows:
            empty = self._empty_item()
            self.addTopLevelItem(empty)
            empty.setFirstColumnSpanned(True)  # only once in the tree: Qt ignores it before
        fit_first_column(self, empty=not self.rows)
        self._select(chosen.referral.id if chosen else None)

    def _item(self, tracked: Tracked, today: date) -> QTreeWidgetItem:
        item = QTreeWidgetItem([cell(tracked, today) for _, cell in self._columns])
        item.setData(0, _ROW, tracked)
        steps = "\n".join(history_lines(tracked))
        for column in range(item.columnCount()):
            item.setToolTip(column, steps)
        if overdue(tracked, today):
            self._emphasise(item)
        elif not tracked.state.open:
            for column in range(item.columnCount()):
                item.setForeground(column, QBrush(_GREY))
        return item

    def _emphasise(self, item: QTreeWidgetItem) -> None:
        column = next((i for i, (name, _) in enumerate(self._columns) if name == ANSWER[0]), 0)
        font = item.font(column)
        font.setBold(True)
        item.setFont(column, font)
        for each in range(item.columnCount()):
            item.setForeground(each, QBrush(_RED))

    def _empty_item(self) -> QTreeWidgetItem:
        item = QTreeWidgetItem([self._empty_text])
        item.setFlags(Qt.ItemFlag.NoItemFlags)  # a sentence, not a choosable referral
        return item

    def _select(self, referral_id: str | None) -> None:
        for index in range(self.topLevelItemCount()):
            item = self.topLevelItem(index)
            tracked = item.data(0, _ROW)
            if tracked is not None and tracked.referral.id == referral_id:
                self.setCurrentItem(item)
                return
        if self.rows:
            self.setCurrentItem(self.topLevelItem(0))  # arrows work at once, from the top

    def selected(self) -> Tracked | None:
        item = self.currentItem()
        tracked = item.data(0, _ROW) if item is not None else None
        return tracked if isinstance(tracked, Tracked) else None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter opens the row on every platform, and is taken here so a dialog's default
        # button does not fire as well.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected():
            self._open(self.currentItem())
            event.accept()
            return
        super().keyPressEvent(event)

    def _open(self, item: QTreeWidgetItem) -> None:
        tracked = item.data(0, _ROW)
        if isinstance(tracked, Tracked):
            self.opened.emit(tracked)
