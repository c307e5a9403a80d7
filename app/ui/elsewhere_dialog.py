"""Find a person known to another team (custody -> prison) and bring them onto this laptop.

Asks for the worker's password: searching the whole scheme is a worker's action, checked
by the server, and every search and fetch is audited there.

A match must say enough to tell it is the right person before their record is asked
for: the server returns no record content, but the NDTMS linkage key carries the
initials, date of birth and sex (DS07031986M), so those are shown, read from the key.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
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

from app.services.sync import ElsewhereMatch, ServerRefused, SyncError, SyncReport

_ID = Qt.ItemDataRole.UserRole
Run = Callable[..., None]
_SEX = {"M": "male", "F": "female", "I": "sex indeterminate"}
# The server's error code (sync.protocol's, which the UI may not import).
_CONSENT_REQUIRED = "consent_required"
NO_CONSENT = ("Their consent does not cover sharing their record with your agency, so it "
              "cannot come to this laptop. Ask your team lead what to do next; in an "
              "emergency, Break glass brings it here with your reason, told to both teams' "
              "leads.")
# Why, as the server takes it (sync.protocol.BREAK_GLASS_REASONS), in a worker's words.
BREAK_GLASS_REASONS = (("risk_to_life", "Risk to life"), ("safeguarding", "Safeguarding"),
                       ("medical_emergency", "Medical emergency"),
                       ("court_or_release_today", "Court or release today"))
NOT_GIVEN = "The server would not give you this record. Ask your team lead."
SIGNED_IN_ALREADY = "not needed: you are signed in to the server"


class ElsewhereOps(Protocol):
    """app.ui.operations.ElsewhereOperations: each call may wait on the server."""

    def signed_in(self) -> bool: ...

    def find(self, password: str, typed: str) -> list[ElsewhereMatch]: ...

    def fetch(self, password: str, person_id: str, reason: str) -> SyncReport: ...

    def break_glass(self, password: str, person_id: str, reason_code: str,
                    reason: str) -> SyncReport: ...


def linkage_facts(key: str) -> str:
    """'D.S. · born 07/03/1986 · male' from an NDTMS linkage key; what it holds otherwise."""
    key = key.strip().upper()
    if not key:
        return "No linkage key on record (their name, date of birth or sex is missing)"
    try:
        born = date(int(key[6:10]), int(key[4:6]), int(key[2:4]))
    except ValueError:
        return f"Linkage key {key}"
    sex = _SEX.get(key[10:], "sex not recorded")
    return f"{key[0]}.{key[1]}. · born {born:%d/%m/%Y} · {sex}"


def match_text(match: ElsewhereMatch) -> str:
    """Two lines: who (from the key, or the name if the server sends one), then whose
    and what consent allows. Facts the server may add later are shown when present."""
    name = getattr(match, "name", "")
    who = f"{name} · {linkage_facts(match.linkage_key)}" if name else linkage_facts(
        match.linkage_key)
    key = f" — linkage key {match.linkage_key}" if match.linkage_key else ""
    team = getattr(match, "team_name", "") or "another team"
    consent = getattr(match, "consent", None)
    allowed = ("their consent covers your agency" if consent is True
               else "their consent does not cover your agency" if consent is False
               else "consent is checked when you fetch")
    return f"{who}{key}\nHeld by {team} · {allowed}"


class ElsewhereDialog(QDialog):
    fetched = Signal(str)  # person id, now on this laptop

    def __init__(self, *, ops: ElsewhereOps, run: Run,
                 parent: QWidget | None = None) -> None:
        """`run(work, on_success=, on_failure=)` does the network work off the UI thread:
        the runner's network lane."""
        super().__init__(parent)
        self._run = run
        self.setWindowTitle("InsideOut — find someone known to another team")
        self._ops = ops
        self.typed = QLineEdit()
        self.typed.setPlaceholderText("PNC ID, prison number, NHS number or linkage key")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("why you need their record, e.g. remanded here today")
        self.results = QListWidget()
        self.results.setMinimumHeight(140)
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        # Room for three lines whatever it says: the dialog keeps its shape.
        self.message.setMinimumHeight(3 * self.message.fontMetrics().lineSpacing())
        self.message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.search_button = QPushButton("&Search")
        self.fetch_button = QPushButton("&Fetch to this laptop")
        self.close_button = QPushButton("Close")
        # Offered only once consent has refused a fetch: never one click from a search.
        self.glass_code = QComboBox()
        for code, words in BREAK_GLASS_REASONS:
            self.glass_code.addItem(words, code)
        self.glass_code.setAccessibleName("Why it is an emergency")
        self.glass_button = QPushButton("&Break glass (emergency)")
        self.glass_button.clicked.connect(self.break_glass)
        for widget in (self.glass_code, self.glass_button):
            widget.setVisible(False)
        self.search_button.clicked.connect(self.search)
        self.fetch_button.clicked.connect(self.fetch)
        self.close_button.clicked.connect(self.reject)
        self._build_layout()
        self._show_password_need()

    def _build_layout(self) -> None:
        """The same rows every time: the password row stays (disabled once signed in)
        instead of coming and going between one opening and the next."""
        form = QFormLayout()
        form.addRow("Find by", self.typed)
        form.addRow("Your password", self.password)
        form.addRow("Reason", self.reason)
        buttons = QHBoxLayout()
        buttons.addWidget(self.search_button)
        buttons.addStretch()
        buttons.addWidget(self.glass_code)
        buttons.addWidget(self.glass_button)
        buttons.addWidget(self.fetch_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(620, 420)

    def _show_password_need(self) -> None:
        signed_in = self._ops.signed_in()
        self.password.setEnabled(not signed_in)
        self.password.setPlaceholderText(SIGNED_IN_ALREADY if signed_in else "")
        if signed_in:
            self.password.clear()

    def _busy(self, text: str) -> None:
        self.message.setText(text)
        self.search_button.setEnabled(not text)
        self.fetch_button.setEnabled(not text)

    def _failed(self, error: Exception) -> None:
        self._busy("")
        self._show_password_need()
        self.message.setText(_in_words(error))
        refused = _in_words(error) == NO_CONSENT
        for widget in (self.glass_code, self.glass_button):
            widget.setVisible(refused)
        if refused:  # break-glass needs the password again, however signed in
            self.password.setEnabled(True)
            self.password.setPlaceholderText("needed again to break glass")

    def break_glass(self) -> None:
        item = self.results.currentItem()
        password, reason = self.password.text(), self.reason.text().strip()
        if item is None or len(reason) < 10 or not password:
            self.message.setText("Break glass needs the match chosen, your password and the "
                                 "reason in words (at least 10 characters).")
            return
        person_id, code = item.data(_ID), self.glass_code.currentData()
        self._busy("Breaking glass: your team lead and theirs are told…")
        self._run(lambda: self._ops.break_glass(password, person_id, code, reason),
                  on_success=lambda _report: self._fetched(person_id),
                  on_failure=self._failed)

    def search(self) -> None:
        self.results.clear()
        self._busy("Searching the scheme…")
        password, typed = self.password.text(), self.typed.text()
        self._run(lambda: self._ops.find(password, typed),
                  on_success=self._show_found, on_failure=self._failed)

    def _show_found(self, found: list[ElsewhereMatch]) -> None:
        self._busy("")
        self._show_password_need()
        for match in found:
            item = QListWidgetItem(match_text(match))
            item.setData(_ID, match.person_id)
            self.results.addItem(item)
        if not found:
            self.message.setText("Nobody in the scheme matches that. Check the number, or "
                                 "create the person here.")
        else:
            self.results.setCurrentRow(0)
            self.message.setText("Check the initials and date of birth against the person "
                                 "in front of you before you fetch their record.")

    def fetch(self) -> None:
        item = self.results.currentItem()
        if item is None or len(self.reason.text().strip()) < 10:
            self.message.setText("Choose a match and give a reason (at least 10 characters).")
            return
        person_id, password, reason = item.data(_ID), self.password.text(), self.reason.text()
        self._busy("Fetching their record…")
        self._run(lambda: self._ops.fetch(password, person_id, reason.strip()),
                  on_success=lambda _report: self._fetched(person_id),
                  on_failure=self._failed)

    def _fetched(self, person_id: str) -> None:
        self._busy("")
        self.fetched.emit(person_id)
        self.accept()


def _in_words(error: Exception) -> str:
    """What a failed search or fetch means for the worker: a consent refusal says what
    to do next, and only then is break-glass offered."""
    if isinstance(error, ServerRefused) and error.body.get("error") == _CONSENT_REQUIRED:
        return NO_CONSENT
    if isinstance(error, SyncError):
        text = str(error)
        return NOT_GIVEN if "break glass" in text else text
    return f"That did not work: {error}"
