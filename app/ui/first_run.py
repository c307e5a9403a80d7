"""First run: choose how this device works and create its first worker."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from app.domain.passphrase import MIN_LENGTH, passphrase_problems
from app.services.errors import InvalidInput, ServiceError
from app.services.session import WorkerSession
from app.ui.resources import icon

SetUp = Callable[..., WorkerSession]


class _ModePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Welcome to InsideOut")
        self.setSubTitle("Set up this laptop. Everything it stores is encrypted.")
        self.standalone = QRadioButton("Standalone — records stay on this laptop only")
        self.standalone.setChecked(True)
        self.enrol = QRadioButton("Enrol with your organisation's server")
        self.enrol.setEnabled(False)
        note = QLabel("Enrolment needs a server address and a one-time code from IT; it arrives "
                      "with server support. Standalone devices can enrol later.")
        note.setWordWrap(True)
        note.setObjectName("hint")
        layout = QVBoxLayout(self)
        for widget in (self.standalone, self.enrol, note):
            layout.addWidget(widget)


class _WorkerPage(QWizardPage):
    def __init__(self, set_up: SetUp) -> None:
        super().__init__()
        self._set_up = set_up
        self.session: WorkerSession | None = None
        self.setTitle("Create the first worker")
        self.setSubTitle(f"Choose a passphrase of at least {MIN_LENGTH} characters. "
                         "Three or four unrelated words are easy to type and hard to guess.")
        self.full_name, self.username = QLineEdit(), QLineEdit()
        self.passphrase, self.confirmation = QLineEdit(), QLineEdit()
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout(self)
        fields = (("full_name", "Full &name", self.full_name),
                  ("username", "&Username", self.username),
                  ("passphrase", "&Passphrase", self.passphrase),
                  ("confirmation", "&Confirm passphrase", self.confirmation))
        for key, label, edit in fields:
            edit.setAccessibleName(label.replace("&", ""))
            error = QLabel()
            error.setObjectName("fieldError")
            error.setWordWrap(True)
            self.errors[key] = error
            form.addRow(label, edit)
            form.addRow("", error)
        for edit in (self.passphrase, self.confirmation):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.textChanged.connect(self._live_hint)

    def _live_hint(self, text: str) -> None:
        problems = passphrase_problems(text, username=self.username.text(),
                                       full_name=self.full_name.text())
        self.errors["passphrase"].setText(problems[0] if problems and text else "")

    def validatePage(self) -> bool:
        for label in self.errors.values():
            label.clear()
        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            self.session = self._set_up(
                full_name=self.full_name.text(), username=self.username.text(),
                passphrase=self.passphrase.text(), confirmation=self.confirmation.text())
        except InvalidInput as exc:
            for key, message in exc.problems.items():
                self.errors[key].setText(message)
            return False
        except ServiceError as exc:
            self.errors["confirmation"].setText(str(exc))
            return False
        finally:
            self.unsetCursor()
        return True


class _DonePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("This laptop is ready")
        text = QLabel("Keep your passphrase safe: on a standalone laptop nobody can recover it, "
                      "and the records cannot be opened without it.\n\nThe app locks itself "
                      "after a few idle minutes; Ctrl+L locks it at once.")
        text.setWordWrap(True)
        QVBoxLayout(self).addWidget(text)


class FirstRunWizard(QWizard):
    def __init__(self, *, set_up: SetUp) -> None:
        super().__init__()
        self.setObjectName("firstRunWizard")
        self.setWindowTitle("InsideOut — set up this laptop")
        self.setWindowIcon(icon("insideout"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.mode_page = _ModePage()
        self.worker_page = _WorkerPage(set_up)
        for page in (self.mode_page, self.worker_page, _DonePage()):
            self.addPage(page)
        self.resize(620, 480)

    @property
    def session(self) -> WorkerSession | None:
        return self.worker_page.session
