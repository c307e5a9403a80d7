"""Find a person known to another team (custody -> prison) and bring them onto this laptop.

Asks for the worker's password: searching the whole scheme is a worker's action, checked
by the server, and every search and fetch is audited there.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.session import WorkerSession
from app.services.sync import ElsewhereMatch, SyncError, fetch_person, find_elsewhere

_ID = Qt.ItemDataRole.UserRole
Run = Callable[..., None]


class ElsewhereDialog(QDialog):
    fetched = Signal(str)  # person id, now on this laptop

    def __init__(self, *, session: WorkerSession, run: Run,
                 parent: QWidget | None = None) -> None:
        """`run(work, on_success=, on_failure=)` does the network work off the UI thread."""
        super().__init__(parent)
        self._run = run
        self.setWindowTitle("InsideOut — find someone known to another team")
        self._session = session
        self.typed = QLineEdit()
        self.typed.setPlaceholderText("PNC ID, prison number, NHS number or linkage key")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setVisible(not session.server_token)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("why you need their record, e.g. remanded here today")
        self.results = QListWidget()
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        self.search_button = QPushButton("&Search")
        self.fetch_button = QPushButton("&Fetch to this laptop")
        self.search_button.clicked.connect(self.search)
        self.fetch_button.clicked.connect(self.fetch)
        form = QFormLayout()
        form.addRow("Find by", self.typed)
        if self.password.isVisible():
            form.addRow("Your password", self.password)
        form.addRow("Reason", self.reason)
        buttons = QHBoxLayout()
        buttons.addWidget(self.search_button)
        buttons.addStretch()
        buttons.addWidget(self.fetch_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.results)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(560, 400)

    def _busy(self, text: str) -> None:
        self.message.setText(text)
        self.search_button.setEnabled(not text)
        self.fetch_button.setEnabled(not text)

    def _failed(self, error: Exception) -> None:
        self._busy("")
        self.message.setText(str(error) if isinstance(error, SyncError)
                             else f"That did not work: {error}")

    def search(self) -> None:
        self.results.clear()
        self._busy("Searching the scheme…")
        password, typed = self.password.text(), self.typed.text()
        self._run(lambda: find_elsewhere(session=self._session, password=password, typed=typed),
                  on_success=self._show_found, on_failure=self._failed)

    def _show_found(self, found: list[ElsewhereMatch]) -> None:
        self._busy("")
        for match in found:
            item = QListWidgetItem(f"Linkage key {match.linkage_key} — held by another team")
            item.setData(_ID, match.person_id)
            self.results.addItem(item)
        if not found:
            self.message.setText("Nobody in the scheme matches that. Check the number, or "
                                 "create the person here.")
        else:
            self.results.setCurrentRow(0)

    def fetch(self) -> None:
        item = self.results.currentItem()
        if item is None or len(self.reason.text().strip()) < 10:
            self.message.setText("Choose a match and give a reason (at least 10 characters).")
            return
        person_id, password, reason = item.data(_ID), self.password.text(), self.reason.text()
        self._busy("Fetching their record…")
        self._run(lambda: fetch_person(session=self._session, password=password,
                                       person_id=person_id, reason=reason.strip()),
                  on_success=lambda _report: self._fetched(person_id),
                  on_failure=self._failed)

    def _fetched(self, person_id: str) -> None:
        self._busy("")
        self.fetched.emit(person_id)
        self.accept()
