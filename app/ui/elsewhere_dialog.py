"""Find a person known to another team (custody -> prison) and bring them onto this laptop.

Asks for the worker's password: searching the whole scheme is a worker's action, checked
by the server, and every search and fetch is audited there.
"""

from __future__ import annotations

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
from app.services.sync import SyncError, fetch_person, find_elsewhere

_ID = Qt.ItemDataRole.UserRole


class ElsewhereDialog(QDialog):
    fetched = Signal(str)  # person id, now on this laptop

    def __init__(self, *, session: WorkerSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        search, fetch = QPushButton("&Search"), QPushButton("&Fetch to this laptop")
        search.clicked.connect(self.search)
        fetch.clicked.connect(self.fetch)
        form = QFormLayout()
        form.addRow("Find by", self.typed)
        if self.password.isVisible():
            form.addRow("Your password", self.password)
        form.addRow("Reason", self.reason)
        buttons = QHBoxLayout()
        buttons.addWidget(search)
        buttons.addStretch()
        buttons.addWidget(fetch)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.results)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(560, 400)

    def search(self) -> None:
        self.results.clear()
        self.message.clear()
        try:
            found = find_elsewhere(session=self._session, password=self.password.text(),
                                   typed=self.typed.text())
        except SyncError as error:
            self.message.setText(str(error))
            return
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
        try:
            fetch_person(session=self._session, password=self.password.text(),
                         person_id=item.data(_ID), reason=self.reason.text().strip())
        except SyncError as error:
            self.message.setText(str(error))
            return
        self.fetched.emit(item.data(_ID))
        self.accept()
