"""Signing in with a recovery code: a worker who forgot their password types the code their
team lead reads them on the phone and chooses a new password for this laptop.

Every problem is said beside its field (a mistyped group of the code by its number), and
nothing on the laptop changes until the code has opened it.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.passphrase import MIN_LENGTH
from app.services.errors import InvalidInput, ServiceError
from app.services.key_recovery import CODE_CHARACTERS, GROUP_LENGTH, GROUPS, SERVER_PASSWORD
from app.ui.tasks import RunDb, run_here

INTRO = ("Phone your team lead. On their desk they choose you and this laptop, and read you "
         f"a recovery code of {GROUPS} groups of {GROUP_LENGTH}. Type it below with a new "
         "password for this laptop. Everything on the laptop stays as it is. (Only a "
         "laptop enrolled with your organisation's server can be recovered.)")
FIELDS = ("username", "code", "passphrase", "confirmation")
PER_ROW = 5  # groups on a line, here and on the lead's screen alike


class RecoveryOps(Protocol):
    """app.services.device.DeviceService."""

    def recover_with_code(self, *, username: str, code: str, passphrase: str,
                          confirmation: str) -> str: ...


class RecoverySignInDialog(QDialog):
    """On success `recovered` holds (username, new password) for the usual sign-in."""

    def __init__(self, *, ops: RecoveryOps, username: str = "", run: RunDb = run_here,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops, self._run = ops, run
        self.recovered: tuple[str, str] | None = None
        self.setObjectName("recoverySignIn")
        self.setWindowTitle("InsideOut — forgot your password")
        self.username, self.code = QLineEdit(username), _code_edit()
        self.passphrase, self.confirmation = QLineEdit(), QLineEdit()
        for edit in (self.passphrase, self.confirmation):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.progress = _hint("")
        self.progress.setTextFormat(Qt.TextFormat.RichText)
        self.progress.setWordWrap(False)  # rows of five fit; wrapping rich text misjudges
        self.progress.setStyleSheet(f"font-family: '{_fixed_family()}';")
        self.code.textChanged.connect(self._count_groups)
        self.errors = {key: _error() for key in FIELDS}
        self.message = _error()
        self.message.setAccessibleName("Recovery message")
        # Plain buttons: a QDialogButtonBox picks its own default button when shown, and
        # Enter in any field must set the new password, not cancel.
        self.ok = QPushButton("Set the new password and &sign in")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.submit)
        self.cancel = QPushButton("Cancel")
        self.cancel.setAutoDefault(False)
        self.cancel.clicked.connect(self.reject)
        self._build()
        (self.code if username else self.username).setFocus()
        self._count_groups("")

    @classmethod
    def ask(cls, *, ops: RecoveryOps, username: str = "", run: RunDb = run_here,
            parent: QWidget | None = None) -> tuple[str, str] | None:
        """(username, new password) once the laptop took the code; None if cancelled."""
        dialog = cls(ops=ops, username=username, run=run, parent=parent)
        dialog.exec()
        return dialog.recovered

    def _build(self) -> None:
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        rows = (("username", "&Username", self.username),
                ("code", "Recovery &code", self.code),
                ("passphrase", "New &password", self.passphrase),
                ("confirmation", "Con&firm new password", self.confirmation))
        for key, label, edit in rows:
            edit.setAccessibleName(label.replace("&", ""))
            self.errors[key].setAccessibleName(f"{label.replace('&', '')} problem")
            form.addRow(label, edit)
            if key == "code":
                form.addRow("", self.progress)
            form.addRow("", self.errors[key])
        self.passphrase.setPlaceholderText(f"at least {MIN_LENGTH} characters; three or "
                                           "four words")
        server = _hint(SERVER_PASSWORD)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(server)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.ok)
        buttons.addWidget(self.cancel)
        layout.addLayout(buttons)
        self.resize(700, 520)

    def _count_groups(self, text: str) -> None:
        """How far the code has got, and the groups typed so far, numbered and in rows of
        five as the lead's screen shows them: "group 7" can be found and read back."""
        typed = "".join(ch for ch in text.upper() if ch.isalnum())
        chunks = [typed[i:i + GROUP_LENGTH] for i in range(0, len(typed), GROUP_LENGTH)]
        cells = [f"{n:>2}&nbsp;<b>{chunk}</b>".replace(" ", "&nbsp;")
                 for n, chunk in enumerate(chunks, start=1)]
        rows = ["&nbsp;&nbsp;&nbsp;".join(cells[i:i + PER_ROW])
                for i in range(0, len(cells), PER_ROW)]
        self.progress.setText("<br>".join([
            f"{len(typed) // GROUP_LENGTH} of {GROUPS} groups typed ({len(typed)} of "
            f"{CODE_CHARACTERS} characters)", *rows]))

    def submit(self) -> None:
        if not self.ok.isEnabled():
            return  # checking already
        for label in (*self.errors.values(), self.message):
            label.clear()
        username, passphrase = self.username.text(), self.passphrase.text()
        self._set_busy(True)
        self._run(lambda: self._ops.recover_with_code(
            username=username, code=self.code.text(), passphrase=passphrase,
            confirmation=self.confirmation.text()),
            on_success=lambda name: self._done(name, passphrase), on_failure=self._refused)

    def _done(self, username: str, passphrase: str) -> None:
        self._set_busy(False)
        self.recovered = (username, passphrase)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self._set_busy(False)
        if isinstance(error, InvalidInput):
            for key, problem in error.problems.items():
                self.errors.get(key, self.message).setText(problem)
            first = next((k for k in FIELDS if k in error.problems), None)
            if first is not None:
                getattr(self, first).setFocus()
            return
        self.message.setText(str(error) if isinstance(error, ServiceError)
                             else f"The code could not be used: {error}")

    def _set_busy(self, busy: bool) -> None:
        self.ok.setEnabled(not busy)
        self.ok.setText("Checking the code…" if busy else "Set the new password and &sign in")
        if busy:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()


def _fixed_family() -> str:
    # Fonts go in style sheets here: the app's style sheet overrides setFont.
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()


def _code_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setStyleSheet(f"font-family: '{_fixed_family()}'; font-size: 13pt; "
                       "font-weight: 600;")
    edit.setPlaceholderText("XXXXX XXXXX XXXXX …")
    return edit


class Problem(QLabel):
    """A problem beside a field: takes no room until there is something to say, so a
    form with every row's problem label still fits a 1280x720 screen."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("fieldError")
        self.setWordWrap(True)
        self.setVisible(False)

    def setText(self, text: str) -> None:  # Qt's name: it shows and hides the label
        super().setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        self.setText("")


def _error() -> QLabel:
    return Problem()


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label
