"""A person's Work tab: what is due for them, their appointments, referrals and key work.

One tab of the record with a page for each, so the record's own tab row stays readable at
1280 px; each page is built the first time it is shown. The tasks page lists what the
record makes due for this person and closes a task as done.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Protocol

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
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

from app.domain.journey.kinds import Setting
from app.domain.tasks import DecisionKind, Task
from app.services.changes import Changed
from app.ui.appointments_panel import AppointmentsPanel
from app.ui.keywork_panel import KeyWorkPanel
from app.ui.referrals_panel import ReferralsPanel
from app.ui.task_list import RED, due_words
from app.ui.tasks import RunDb, run_here


class WorkOps(Protocol):
    """app.ui.operations.WorkOperations (the panels declare the rest)."""

    def person_tasks(self, person_id: str) -> list[Task]: ...

    def decide(self, task: Task, kind: DecisionKind, reason: str = "") -> Changed: ...


class PersonTasks(QWidget):
    """The person's open tasks, overdue first; Done closes the chosen one."""

    changed = Signal(object)  # Changed

    def __init__(self, *, ops: WorkOps, person_id: str, run: RunDb = run_here,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops, self._person_id, self._run = ops, person_id, run
        self.tasks: list[Task] = []
        self.list = QTreeWidget()
        self.list.setHeaderLabels(["Due", "What to do", "Why"])
        self.list.setRootIsDecorated(False)
        self.list.setAccessibleName("What is due for this person")
        header = self.list.header()
        header.setStretchLastSection(False)  # what to do and why share the width
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.done_button = QPushButton("Mark &done")
        self.done_button.clicked.connect(self.mark_done)
        self.message = QLabel()
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.message, 1)
        row.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)

    def refresh(self) -> None:
        person_id = self._person_id
        self._run(lambda: self._ops.person_tasks(person_id), on_success=self._show,
                  on_failure=lambda error: self.message.setText(f"Not read: {error}"))

    def _show(self, tasks: list[Task]) -> None:
        today = date.today()
        self.tasks = tasks
        self.list.clear()
        for task in tasks:
            item = QTreeWidgetItem([due_words(task, today), task.what, task.why])
            for column, text in enumerate((task.what, task.what, task.why)):
                item.setToolTip(column, text)
            if task.urgent or task.overdue(today):
                for column in range(3):
                    item.setForeground(column, QBrush(QColor(RED)))
            self.list.addTopLevelItem(item)
        if tasks:
            self.list.setCurrentItem(self.list.topLevelItem(0))
        self.message.setText("" if tasks else "Nothing is due for this person.")
        self.done_button.setEnabled(bool(tasks))

    def mark_done(self) -> None:
        row = self.list.indexOfTopLevelItem(self.list.currentItem())
        if row < 0:
            return
        task = self.tasks[row]
        self._run(lambda: self._ops.decide(task, DecisionKind.COMPLETED),
                  on_success=self._done,
                  on_failure=lambda error: self.message.setText(f"Not saved: {error}"))

    def _done(self, changed: Changed) -> None:
        self.changed.emit(changed)
        self.refresh()


class WorkTab(QWidget):
    """Pages: Due, Appointments, Referrals, Key work. Built lazily, refreshed on show."""

    changed = Signal(object)  # Changed, from any page

    def __init__(self, *, ops: object, person_id: str, run: RunDb = run_here,
                 setting: Setting | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops, self._person_id, self._run, self._setting = ops, person_id, run, setting
        self.pages = QTabWidget()
        self.pages.setAccessibleName("Work with this person")
        self._makers: list[Callable[[], QWidget]] = [
            self._tasks, self._appointments, self._referrals, self._keywork]
        self.built: dict[int, QWidget] = {}
        for title in ("Due", "Appointments", "Referrals", "Key work"):
            holder = QWidget()
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self.pages.addTab(holder, title)
        self.pages.currentChanged.connect(self.show_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self.show_page(0)

    def show_page(self, index: int) -> QWidget:
        if index not in self.built:
            page = self._makers[index]()
            page.changed.connect(self._written)  # type: ignore[attr-defined]
            holder = self.pages.widget(index).layout()
            assert holder is not None
            holder.addWidget(page)
            self.built[index] = page
        page = self.built[index]
        page.refresh()  # type: ignore[attr-defined]
        return page

    def open_page(self, index: int) -> QWidget:
        self.pages.setCurrentIndex(index)
        return self.show_page(index)

    def refresh(self) -> None:
        """After a sync or a write elsewhere: the page on show reads again."""
        current = self.pages.currentIndex()
        if current in self.built:
            self.built[current].refresh()  # type: ignore[attr-defined]

    def _written(self, changed: Changed) -> None:
        due = self.built.get(0)
        if due is not None and self.pages.currentIndex() != 0:
            due.refresh()  # type: ignore[attr-defined]
        self.changed.emit(changed)

    def _tasks(self) -> QWidget:
        return PersonTasks(ops=self._ops, person_id=self._person_id,  # type: ignore[arg-type]
                           run=self._run)

    def _appointments(self) -> QWidget:
        return AppointmentsPanel(ops=self._ops, person_id=self._person_id,  # type: ignore[arg-type]
                                 run=self._run)

    def _referrals(self) -> QWidget:
        return ReferralsPanel(ops=self._ops, person_id=self._person_id,  # type: ignore[arg-type]
                              run=self._run)

    def _keywork(self) -> QWidget:
        panel = KeyWorkPanel(ops=self._ops, person_id=self._person_id,  # type: ignore[arg-type]
                             run=self._run)
        panel.setting = self._setting
        return panel
