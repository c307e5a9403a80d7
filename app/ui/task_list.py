"""My tasks and Team tasks: what is due, overdue first, each saying what, whose, when, why.

"Tell the police" steps head the list in red whatever their age: reporting a missed
Required Assessment is the law's step nobody may miss. Overdue rows are red and say so in
words (a colour alone is missed by a tired eye and by a screen reader). A worker closes a
task as done, or dismisses it with a reason colleagues will read; both sync.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.tasks import DecisionKind, Task
from app.domain.tasks.text import weekday_short
from app.services.changes import Changed
from app.services.tasks import TaskLine
from app.ui.row_list import row_list
from app.ui.tasks import RunDb, run_here

RED = "#a4161a"
_ROW = Qt.ItemDataRole.UserRole
_COLUMNS = ("Due", "Person", "What to do", "Why")
EMPTY = {True: "Nothing due for your people.\n\nTasks come from the records: court dates, "
               "releases, Required Assessment steps, reviews, referrals and appointments.",
         False: "Nothing due for the team."}


class TaskOps(Protocol):
    """app.ui.operations.WorkOperations."""

    def my_tasks(self) -> list[TaskLine]: ...

    def team_tasks(self) -> list[TaskLine]: ...

    def decide(self, task: Task, kind: DecisionKind, reason: str = "") -> Changed: ...


def due_words(task: Task, today: date) -> str:
    """'OVERDUE 3 days — Thu 03/12', 'TODAY', 'Tue 08/12 (in 2 days)'."""
    days = (task.due_on - today).days
    if days < 0:
        late = -days
        return f"OVERDUE {late} day{'s' if late != 1 else ''} — {weekday_short(task.due_on)}"
    if days == 0:
        return "TODAY"
    return f"{weekday_short(task.due_on)} (" + ("tomorrow" if days == 1 else f"in {days} days") \
        + ")"


class TaskListDialog(QDialog):
    decided = Signal(object)  # Changed
    open_requested = Signal(str)  # person id

    def __init__(self, *, ops: TaskOps, run: RunDb = run_here, today: date | None = None,
                 mine: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops, self._run, self._today = ops, run, today
        self.lines: list[TaskLine] = []
        self.setWindowTitle("InsideOut — tasks")
        self.mine_button = QRadioButton("&My tasks")
        self.team_button = QRadioButton("&Team tasks")
        (self.mine_button if mine else self.team_button).setChecked(True)
        scope = QButtonGroup(self)
        for button in (self.mine_button, self.team_button):
            scope.addButton(button)
        self.mine_button.toggled.connect(lambda _: self.reload())
        self.counts = QLabel()
        self.counts.setAccessibleName("Task counts")
        self.table = row_list(_COLUMNS, "Tasks, overdue first")
        self.table.currentItemChanged.connect(lambda *_: self._enable())
        self.table.itemActivated.connect(lambda *_: self.open_record())
        self.empty = QLabel()
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why it is not needed (to dismiss)")
        self.reason.setAccessibleName("Reason for dismissing the task")
        self.done_button = QPushButton("&Done")
        self.done_button.clicked.connect(lambda: self.decide(DecisionKind.COMPLETED))
        self.dismiss_button = QPushButton("D&ismiss")
        self.dismiss_button.clicked.connect(lambda: self.decide(DecisionKind.DISMISSED))
        self.open_button = QPushButton("&Open record")
        self.open_button.clicked.connect(self.open_record)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        self._build(close)
        self.resize(1220, 500)  # every column without scrolling, inside 1280
        self.reload()

    def _build(self, close: QPushButton) -> None:
        top = QHBoxLayout()
        for widget in (self.mine_button, self.team_button):
            top.addWidget(widget)
        top.addWidget(self.counts, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.reason, 1)
        for button in (self.dismiss_button, self.done_button, self.open_button, close):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)

    @property
    def showing_mine(self) -> bool:
        return self.mine_button.isChecked()

    def reload(self) -> None:
        mine = self.showing_mine
        self.counts.setText("Reading…")
        self._run(self._ops.my_tasks if mine else self._ops.team_tasks,
                  on_success=lambda lines: self._show(lines, mine),
                  on_failure=lambda error: self.message.setText(f"Not read: {error}"))

    def _show(self, lines: list[TaskLine], mine: bool) -> None:
        if mine != self.showing_mine:
            return  # the worker switched lists while this one was read
        today = self._today or date.today()
        self.lines = lines
        self.table.clear()
        self.table.addTopLevelItems([_item(line, i, today) for i, line in enumerate(lines)])
        overdue = sum(line.task.overdue(today) for line in lines)
        self.counts.setText(f"{len(lines)} task{'s' if len(lines) != 1 else ''}, "
                            f"{overdue} overdue")
        self.empty.setText(EMPTY[mine])
        self.stack.setCurrentWidget(self.table if lines else self.empty)
        if lines:
            self.table.setCurrentItem(self.table.topLevelItem(0))
            self.table.setFocus()
        self._enable()

    def selected(self) -> TaskLine | None:
        item = self.table.currentItem()
        return self.lines[item.data(0, _ROW)] if item is not None else None

    def _enable(self) -> None:
        chosen = self.selected() is not None
        for button in (self.done_button, self.dismiss_button, self.open_button):
            button.setEnabled(chosen)

    def decide(self, kind: DecisionKind) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        reason = self.reason.text().strip()
        if kind is DecisionKind.DISMISSED and not reason:
            self.message.setText("Say why it is not needed, then Dismiss: colleagues read it.")
            self.reason.setFocus()
            return
        task = chosen.task
        self._run(lambda: self._ops.decide(task, kind, reason),
                  on_success=self._decided,
                  on_failure=lambda error: self.message.setText(f"Not saved: {error}"))

    def _decided(self, changed: Changed) -> None:
        self.message.setText("Saved: colleagues' laptops see it after their next sync.")
        self.reason.clear()
        self.decided.emit(changed)
        self.reload()

    def open_record(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.open_requested.emit(chosen.task.person_id)




def _item(line: TaskLine, index: int, today: date) -> QTreeWidgetItem:
    task = line.task
    texts = [due_words(task, today), line.person_name, task.what, task.why]
    item = QTreeWidgetItem(texts)
    item.setData(0, _ROW, index)
    for column, text in enumerate(texts):
        item.setToolTip(column, text)
    if task.urgent or task.overdue(today):
        bold = QFont()
        bold.setBold(True)
        for column in range(len(texts)):
            item.setForeground(column, QBrush(QColor(RED)))
        item.setFont(0, bold)
        item.setFont(2, bold)
    return item
