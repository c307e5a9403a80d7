"""The handover inbox: people handed to this team (to accept) and by it (to watch).

Oldest deadline first. A handover not accepted in two working days is overdue: its row
is red and says so in words, because a colour alone is missed by a tired eye and by a
screen reader.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changed
from app.services.handover_inbox import InboxEntry
from app.ui.handover_words import deadline_words, reason_words, waiting_for
from app.ui.row_list import row_list
from app.ui.tasks import RunDb, run_here

EMPTY = ("No handovers waiting.\n\nPeople handed to your team appear here until someone "
         "accepts them; people your team hands over, until the other team does.")
OVERDUE_COLOUR = "#a4161a"
_ROW = Qt.ItemDataRole.UserRole
_COLUMNS = ("Accept by", "Person", "Way", "From → to", "Reason", "Requested by",
            "Waiting for")


class InboxOps(Protocol):
    """app.ui.operations.HandoverOperations."""

    def inbox(self) -> list[InboxEntry]: ...

    def accept(self, handover_id: str) -> Changed: ...


class HandoverInbox(QDialog):
    accepted_one = Signal(object)  # Changed
    open_requested = Signal(str)  # person id

    def __init__(self, *, ops: InboxOps, run: RunDb = run_here, today: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops, self._run, self._today = ops, run, today
        self.entries: list[InboxEntry] = []
        self.setWindowTitle("InsideOut — handover inbox")
        self.table = row_list(_COLUMNS, "Handovers waiting")
        self.table.currentItemChanged.connect(lambda *_: self._enable())
        self.table.itemActivated.connect(lambda *_: self.open_record())
        self.empty = QLabel(EMPTY)
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        self.accept_button = QPushButton("&Accept — my team takes them on")
        self.accept_button.clicked.connect(self.accept_selected)
        self.open_button = QPushButton("&Open record")
        self.open_button.clicked.connect(self.open_record)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        for button in (self.accept_button, self.open_button, close):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        for button in (self.accept_button, self.open_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        hint = QLabel("Inbound: handed to your team — accept once you have read the summary. "
                      "Outbound: handed by your team, waiting for the other team.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self.resize(1220, 460)  # every column without scrolling, inside 1280
        self.reload()

    def reload(self) -> None:
        self.entries = self._ops.inbox()
        today = self._today or date.today()
        self.table.clear()
        self.table.addTopLevelItems([_item(row, i, today) for i, row in enumerate(self.entries)])
        self.stack.setCurrentWidget(self.table if self.entries else self.empty)
        if self.entries:
            self.table.setCurrentItem(self.table.topLevelItem(0))
            self.table.setFocus()
        self._enable()

    def selected(self) -> InboxEntry | None:
        item = self.table.currentItem()
        return self.entries[item.data(0, _ROW)] if item is not None else None

    def _enable(self) -> None:
        chosen = self.selected()
        self.accept_button.setEnabled(chosen is not None and chosen.view.inbound
                                      and chosen.entry.state == "open")
        self.open_button.setEnabled(chosen is not None)

    def accept_selected(self) -> None:
        chosen = self.selected()
        if chosen is None or not self.accept_button.isEnabled():
            return
        self.accept_button.setEnabled(False)
        handover_id = chosen.entry.handover.id
        self._run(lambda: self._ops.accept(handover_id), on_success=self._accepted,
                  on_failure=lambda error: self.message.setText(f"Not accepted: {error}"))

    def _accepted(self, changed: Changed) -> None:
        self.message.setText("Accepted: it goes to the other team at the next sync.")
        self.accepted_one.emit(changed)
        self.reload()

    def open_record(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.open_requested.emit(chosen.entry.handover.person_id)




def _item(row: InboxEntry, index: int, today: date) -> QTreeWidgetItem:
    entry, inbound, overdue = row.entry, row.view.inbound, row.view.overdue
    texts = [deadline_words(entry, today, short=True), row.person_name,
             "Inbound" if inbound else "Outbound",
             f"{entry.from_team_name} → {entry.to_team_name}",
             reason_words(entry.handover.reason.value), entry.requested_by,
             waiting_for(entry, inbound=inbound)]
    item = QTreeWidgetItem(texts)
    item.setData(0, _ROW, index)
    for column, text in enumerate(texts):
        item.setToolTip(column, text + (f"\nNote: {entry.note}" if entry.note else ""))
    if overdue:
        bold = QFont()
        bold.setBold(True)
        for column in range(len(texts)):
            item.setForeground(column, QBrush(QColor(OVERDUE_COLOUR)))
        item.setFont(0, bold)
    return item
