"""The team lead's half of a forgotten password: choose the worker and the laptop they sit
at, say why, and read them the recovery code, shown once, large and in numbered groups.

The server keeps every laptop's key in escrow, audits each recovery and tells the team;
the code opens everything on that laptop, so it is shown here and nowhere else.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import InvalidInput, ServiceError
from app.services.key_recovery import RecoveredKey, TeamLaptop
from app.services.key_workers import KnownWorker
from app.ui.recovery_sign_in import PER_ROW, Problem
from app.ui.tasks import RunDb, run_here

SIGNED_IN = "Signed in to the server for this session"
SERVER_PASSWORD_FOR_LEAD = ("Their password on the server does not change: if they forgot "
                            "that too, ask IT to set a new one (admin set-password, or the "
                            "console). The app asks for that one wherever it reaches the "
                            "server in their name; the laptop itself opens with the new "
                            "password they choose now.")


class RecoverKeyOps(Protocol):
    """What the integrator adds to app.ui.operations.DeskOperations (see the report)."""

    def known_workers(self) -> list[KnownWorker]: ...

    def signed_in(self) -> bool: ...

    def team_laptops(self, password: str) -> list[TeamLaptop]: ...

    def recover_key(self, password: str, laptop: TeamLaptop | None, worker_id: str,
                    worker_name: str, reason: str) -> RecoveredKey: ...


class RecoverKeyDialog(QDialog):
    def __init__(self, *, ops: RecoverKeyOps, run: RunDb = run_here, run_net: RunDb = run_here,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops, self._run, self._run_net = ops, run, run_net
        self.laptops: list[TeamLaptop] = []
        self.recovered: RecoveredKey | None = None
        self.setObjectName("recoverKeyDialog")
        self.setWindowTitle("InsideOut — recover a worker's key")
        self.workers = QComboBox()
        self.workers.currentIndexChanged.connect(lambda _: self._suggest_laptop())
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.find_button = QPushButton("&Find the team's laptops")
        self.find_button.clicked.connect(self.find_laptops)
        self.laptop_list = QListWidget()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. Ann forgot her password; phoned me at 8:05")
        self.recover_button = QPushButton("&Recover the key and show the code")
        self.recover_button.clicked.connect(self.recover)
        self.errors = {key: _error() for key in ("worker", "laptop", "reason")}
        self.message = _error()
        self.message.setAccessibleName("Recovery message")
        self.code_box = QFrame()
        self._build()
        self._run(self._ops.known_workers, on_success=self._show_workers,
                  on_failure=lambda error: self.message.setText(f"Not read: {error}"))
        self._show_password_need()

    # ---- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        intro = QLabel("For a worker of your team who forgot their password: choose them "
                       "and the laptop they are at, and read them the code. The server "
                       "records who recovered which key, and why, and tells your team.")
        intro.setWordWrap(True)
        form = QFormLayout()
        password_row = QHBoxLayout()
        password_row.addWidget(self.password, 1)
        password_row.addWidget(self.find_button)
        password_label = QLabel("Your &password")
        password_label.setBuddy(self.password)  # a row of two: Qt sets no buddy itself
        for key, label, field in (("worker", "&Worker", self.workers),
                                  ("password", password_label, password_row),
                                  ("laptop", "&Laptop", self.laptop_list),
                                  ("reason", "Rea&son", self.reason)):
            form.addRow(label, field)
            if key in self.errors:
                form.addRow("", self.errors[key])
        self.workers.setAccessibleName("Worker who forgot their password")
        self.password.setAccessibleName("Your password, to ask the server")
        self.laptop_list.setAccessibleName("The team's laptops")
        self.laptop_list.setMaximumHeight(100)
        self.reason.setAccessibleName("Reason")
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        for button in (self.find_button, self.recover_button, close):
            button.setAutoDefault(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.recover_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(bottom)
        layout.addWidget(self.code_box, 1)
        self.code_box.setVisible(False)
        self.resize(940, 680)

    # ---- choosing -----------------------------------------------------------------------
    def _show_workers(self, workers: list[KnownWorker]) -> None:
        self.workers.clear()
        self.workers.addItem("— choose —", None)
        for worker in workers:
            self.workers.addItem(worker.name, worker)

    def chosen_worker(self) -> KnownWorker | None:
        return self.workers.currentData()

    def _show_password_need(self) -> None:
        signed_in = self._ops.signed_in()
        self.password.setEnabled(not signed_in)
        self.password.setPlaceholderText(SIGNED_IN if signed_in else "")

    def find_laptops(self) -> None:
        password = self.password.text()
        self.message.setText("Asking the server…")
        self._run_net(lambda: self._ops.team_laptops(password), on_success=self._show_laptops,
                      on_failure=self._server_failed)

    def _server_failed(self, error: Exception) -> None:
        self.message.setText(str(error) if isinstance(error, ServiceError)
                             else f"The server could not be asked: {error}")
        self._show_password_need()

    def _show_laptops(self, laptops: list[TeamLaptop]) -> None:
        self.laptops = laptops
        self.password.clear()
        self._show_password_need()
        self.message.setText(f"{len(laptops)} laptop{'s' if len(laptops) != 1 else ''} in "
                             "your team.")
        self.laptop_list.clear()
        for index, laptop in enumerate(laptops):
            item = QListWidgetItem(laptop.label)
            item.setData(Qt.ItemDataRole.UserRole, index)
            if laptop.revoked:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.laptop_list.addItem(item)
        self._suggest_laptop()
        self.laptop_list.setFocus()

    def _suggest_laptop(self) -> None:
        """The worker's own laptop, if only one working laptop of the team knows them."""
        worker = self.chosen_worker()
        theirs = [i for i, laptop in enumerate(self.laptops)
                  if worker is not None and worker.worker_id in laptop.user_ids
                  and not laptop.revoked]
        if len(theirs) == 1:
            self.laptop_list.setCurrentRow(theirs[0])

    def chosen_laptop(self) -> TeamLaptop | None:
        item = self.laptop_list.currentItem()
        return self.laptops[item.data(Qt.ItemDataRole.UserRole)] if item is not None else None

    # ---- recovering ---------------------------------------------------------------------
    def recover(self) -> None:
        for label in (*self.errors.values(), self.message):
            label.clear()
        worker, laptop = self.chosen_worker(), self.chosen_laptop()
        password, reason = self.password.text(), self.reason.text()
        self.message.setText("Asking the server…")
        self._run_net(lambda: self._ops.recover_key(
            password, laptop, worker.worker_id if worker else "",
            worker.name if worker else "", reason),
            on_success=self._show_code, on_failure=self._refused)

    def _refused(self, error: Exception) -> None:
        self.message.clear()
        if isinstance(error, InvalidInput):
            for key, problem in error.problems.items():
                self.errors.get(key, self.message).setText(problem)
            return
        self._server_failed(error)

    def _show_code(self, recovered: RecoveredKey) -> None:
        """Once: the controls that chose it are done with, so it cannot be asked twice
        by a stray Enter, and the code stays only as long as this dialog is open."""
        self.recovered = recovered
        self.password.clear()
        self.message.setText("Read the code now: it is shown only once.")
        for widget in (self.workers, self.password, self.find_button, self.laptop_list,
                       self.reason, self.recover_button):
            widget.setEnabled(False)
        _fill_code_box(self.code_box, recovered)
        self.code_box.setVisible(True)
        self.code_box.setFocus()


def _fill_code_box(box: QFrame, recovered: RecoveredKey) -> None:
    box.setObjectName("recoveryCode")
    box.setFrameShape(QFrame.Shape.StyledPanel)
    box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    box.setAccessibleName("Recovery code for " + recovered.worker_name)
    layout = QVBoxLayout(box)
    title = QLabel(f"Recovery code for {recovered.worker_name}, laptop "
                   f"'{recovered.laptop_name}'")
    title.setObjectName("codeTitle")
    title.setStyleSheet("font-size: 15pt; font-weight: 600; color: #1d4e6b;")
    title.setWordWrap(True)
    layout.addWidget(title)
    grid = QGridLayout()
    grid.setHorizontalSpacing(28)
    for index, group in enumerate(recovered.groups):
        grid.addWidget(_group_label(index + 1, group), index // PER_ROW, index % PER_ROW)
    layout.addLayout(grid)
    layout.addSpacing(6)
    tell = QLabel(_what_to_say(recovered))
    tell.setWordWrap(True)
    layout.addWidget(tell)


def _group_label(number: int, group: str) -> QLabel:
    label = QLabel(f"<span style='font-size:11pt; color:#4a5a66'>{number}</span>&nbsp;"
                   f"{group}")
    # A style sheet, not setFont: the app's style sheet would override a font set here.
    family = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
    label.setStyleSheet(f"font-family: '{family}'; font-size: 22pt; font-weight: 700;")
    label.setAccessibleName(f"Group {number}: {' '.join(group)}")
    return label


def _what_to_say(recovered: RecoveredKey) -> str:
    return (f"Tell {recovered.worker_name}: at the sign-in window of laptop "
            f"'{recovered.laptop_name}', press “Forgot your password?”, type your username "
            "and this code, then choose a new password for the laptop. Read the code group "
            "by group, with its number; the laptop checks each group and says which one to "
            "read again.\n\n"
            "Do not write the code down, email or text it: it opens everything on that "
            f"laptop.\n\n{SERVER_PASSWORD_FOR_LEAD}")


def _error() -> QLabel:
    return Problem()
