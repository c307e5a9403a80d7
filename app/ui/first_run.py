"""First run: choose how this device works and create its first worker."""

from __future__ import annotations

import socket
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
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
from app.ui.resources import icon

# The wizard hands back what set-up or enrolment made (the signed-in session) without
# looking inside it: the controller, which made the callbacks, takes it from here.
SetUp = Callable[..., object]
Enrol = Callable[..., object]
PAGE_MODE, PAGE_WORKER, PAGE_ENROL, PAGE_DONE = range(4)


class _ModePage(QWizardPage):
    def __init__(self, notice: str = "") -> None:
        super().__init__()
        self.setTitle("Welcome to InsideOut")
        self.setSubTitle("Set up this laptop. Everything it stores is encrypted.")
        # After a revocation: why this laptop starts from scratch, and what was lost.
        self.notice = QLabel(notice)
        self.notice.setObjectName("fieldError")
        self.notice.setWordWrap(True)
        self.notice.setVisible(bool(notice))
        self.standalone = QRadioButton("Standalone — records stay on this laptop only")
        self.enrol = QRadioButton("Enrol with your organisation's server (recommended)")
        choice = QButtonGroup(self)  # one or the other, even before the page is laid out
        choice.addButton(self.enrol)
        choice.addButton(self.standalone)
        self.enrol.setChecked(True)
        note = QLabel("Enrolling needs the server address and a one-time code from IT. Your "
                      "records are then shared with your team and backed up centrally. Choose "
                      "standalone only where there is no server.")
        note.setWordWrap(True)
        note.setObjectName("hint")
        layout = QVBoxLayout(self)
        for widget in (self.notice, self.standalone, self.enrol, note):
            layout.addWidget(widget)


class _WorkerPage(QWizardPage):
    def __init__(self, set_up: SetUp) -> None:
        super().__init__()
        self._set_up = set_up
        self.session: object | None = None
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
        if self.session is not None:  # already set up: Next again must not redo it
            return True
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


class _EnrolPage(QWizardPage):
    """Server address, one-time code, and the worker's own server sign-in (checked once)."""

    def __init__(self, enrol: Enrol, default_server: str) -> None:
        super().__init__()
        self._enrol = enrol
        self.session: object | None = None
        self.setTitle("Enrol this laptop")
        self.setSubTitle("Type the server address and the code IT gave you, then sign in with "
                         "your InsideOut account. Your password also unlocks this laptop.")
        self.server, self.code = QLineEdit(default_server), QLineEdit()
        self.server.setPlaceholderText("https://insideout.your-organisation.nhs.uk")
        self.laptop_name = QLineEdit(socket.gethostname())
        self.laptop_name.setPlaceholderText("e.g. Custody North laptop 3")
        self.username, self.password = QLineEdit(), QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.code.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX")
        server_hint = QLabel("The address IT gave you, as typed in a browser; "
                             "https:// is added if you leave it out.")
        server_hint.setObjectName("hint")
        server_hint.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        form = QFormLayout(self)
        for label, edit in (("&Server address", self.server), ("Enrolment &code", self.code),
                            ("&Laptop name", self.laptop_name), ("&Username", self.username),
                            ("&Password", self.password)):
            edit.setAccessibleName(label.replace("&", ""))
            form.addRow(label, edit)
            if edit is self.server:
                form.addRow("", server_hint)
        form.addRow("", self.message)

    def validatePage(self) -> bool:
        if self.session is not None:  # already enrolled: the code is spent
            return True
        self.message.clear()
        if not all(e.text().strip() for e in (self.server, self.code, self.laptop_name,
                                               self.username, self.password)):
            self.message.setText("Fill in all five: address, code, laptop name, username and "
                                 "password.")
            return False
        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            self.session = self._enrol(
                server_url=self.server.text().strip(), code=self.code.text(),
                device_name=self.laptop_name.text().strip(), username=self.username.text(),
                password=self.password.text())
        except InvalidInput as error:
            self.message.setText(str(error))
            if "server_url" in error.problems:  # e.g. http:// to another machine
                self.server.setFocus()
                self.server.selectAll()
            return False
        except (ServiceError, FileExistsError) as error:
            self.message.setText(str(error))
            return False
        finally:
            self.unsetCursor()
        return True


_STANDALONE_DONE = ("Keep your passphrase safe: on a standalone laptop nobody can recover "
                    "it, and the records cannot be opened without it.")
_ENROLLED_DONE = ("Your password unlocks this laptop. If you forget it, your team lead can "
                  "recover your access through the server; colleagues sign in here with "
                  "their own accounts. Records sync with your team whenever there is a "
                  "network.")


class _DonePage(QWizardPage):
    def __init__(self, enrolled: Callable[[], bool]) -> None:
        super().__init__()
        self._enrolled = enrolled
        self.setTitle("This laptop is ready")
        self.text = QLabel()
        self.text.setWordWrap(True)
        QVBoxLayout(self).addWidget(self.text)

    def initializePage(self) -> None:
        # The advice for the laptop as it was set up, not the standalone one for both.
        first = _ENROLLED_DONE if self._enrolled() else _STANDALONE_DONE
        self.text.setText(first + "\n\nThe app locks itself after a few idle minutes; Ctrl+L "
                          "locks it at once.")


class FirstRunWizard(QWizard):
    def __init__(self, *, set_up: SetUp, enrol: Enrol | None = None,
                 default_server: str = "", notice: str = "") -> None:
        super().__init__()
        self.setObjectName("firstRunWizard")
        self.setWindowTitle("InsideOut — set up this laptop")
        self.setWindowIcon(icon("insideout"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.mode_page = _ModePage(notice)
        self.worker_page = _WorkerPage(set_up)
        self.enrol_page = _EnrolPage(enrol or _no_server, default_server)
        if enrol is None:
            self.mode_page.standalone.setChecked(True)
            self.mode_page.enrol.setEnabled(False)
        self.setPage(PAGE_MODE, self.mode_page)
        self.setPage(PAGE_WORKER, self.worker_page)
        self.setPage(PAGE_ENROL, self.enrol_page)
        self.done_page = _DonePage(lambda: self.enrol_page.session is not None)
        self.setPage(PAGE_DONE, self.done_page)
        # Once the worker exists or the laptop is enrolled there is no going back: the
        # store is made and the one-time code spent (Back then Next used to crash).
        for page, label in ((self.worker_page, "&Create worker"),
                            (self.enrol_page, "&Enrol")):
            page.setCommitPage(True)
            page.setButtonText(QWizard.WizardButton.CommitButton, label)
        self.resize(620, 480)

    def nextId(self) -> int:
        if self.currentId() == PAGE_MODE:
            return PAGE_ENROL if self.mode_page.enrol.isChecked() else PAGE_WORKER
        if self.currentId() in (PAGE_WORKER, PAGE_ENROL):
            return PAGE_DONE
        return -1

    @property
    def session(self) -> object | None:
        return self.enrol_page.session or self.worker_page.session


def _no_server(**_kwargs: object) -> object:
    raise ServiceError("This build has no server support.")
