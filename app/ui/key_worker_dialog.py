"""A team lead gives the person to a key worker, or moves them to another one.

The list is the team's active workers as the server last gave them (asked at a sync every
quarter of an hour), and anyone who signed in here or holds someone here.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changed
from app.services.key_workers import KnownWorker
from app.ui.tasks import RunDb, run_here

_ID = Qt.ItemDataRole.UserRole


class KeyWorkerOps(Protocol):
    def known_workers(self) -> list[KnownWorker]: ...

    def allocate(self, person_id: str, worker_id: str, worker_name: str) -> Changed: ...


class KeyWorkerDialog(QDialog):
    allocated = Signal(object)  # Changed

    def __init__(self, *, ops: KeyWorkerOps, person_id: str, person_name: str, now: str,
                 run: RunDb = run_here, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops, self._person_id, self._run = ops, person_id, run
        self.setWindowTitle(f"InsideOut — key worker for {person_name}")
        held = QLabel(f"Key worker now: {now or 'nobody'}")
        self.workers = QListWidget()
        self.workers.setAccessibleName("The team's workers")
        for worker in ops.known_workers():
            item = QListWidgetItem(worker.name + ("  (now)" if worker.name == now else ""))
            item.setData(_ID, (worker.worker_id, worker.name))
            self.workers.addItem(item)
        self.workers.itemActivated.connect(lambda *_: self.give())
        choose = QLabel("&Give the person to")
        choose.setBuddy(self.workers)
        hint = QLabel("The team's workers as the server last listed them: someone who "
                      "joined since appears after this laptop's next sync.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        self.give_button = QPushButton("&Make them the key worker")
        self.give_button.setDefault(True)
        self.give_button.clicked.connect(self.give)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.give_button)
        layout = QVBoxLayout(self)
        for widget in (held, choose, self.workers, hint):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        if self.workers.count():
            self.workers.setCurrentRow(0)
        self.workers.setFocus()
        self.resize(460, 420)

    def give(self) -> None:
        item = self.workers.currentItem()
        if item is None:
            self.message.setText("Choose a worker first.")
            return
        worker_id, name = item.data(_ID)
        person_id = self._person_id
        self.give_button.setEnabled(False)
        self._run(lambda: self._ops.allocate(person_id, worker_id, name),
                  on_success=self._given, on_failure=self._refused)

    def _given(self, changed: Changed) -> None:
        self.allocated.emit(changed)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.give_button.setEnabled(True)
        self.message.setText(f"Not changed: {error}")
