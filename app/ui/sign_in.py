"""The sign-in window, also shown when the app is locked."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.recovery_sign_in import RecoveryOps, RecoverySignInDialog
from app.ui.resources import icon
from app.ui.tasks import RunDb, run_here


class SignInWindow(QWidget):
    """Asks for username and passphrase; the controller does the checking."""

    sign_in_requested = Signal(str, str)

    def __init__(self, *, usernames: list[str], locked_by: str = "",
                 takes_new_workers: bool = False, recovery: RecoveryOps | None = None,
                 run: RunDb = run_here) -> None:
        """`recovery` (the device service): offer "Forgot your password?", where a
        recovery code from the team lead sets a new one; `run`: where that work runs."""
        super().__init__()
        self._recovery, self._run = recovery, run
        self.setObjectName("signInWindow")
        self.setWindowTitle("InsideOut — sign in")
        self.setWindowIcon(icon("insideout"))
        self._deadline = 0.0
        self.busy = False
        self._countdown = QTimer(self)
        self._countdown.setInterval(250)
        self._countdown.timeout.connect(self._tick)
        self._build(usernames, locked_by, takes_new_workers and not locked_by)

    def _build(self, usernames: list[str], locked_by: str, takes_new_workers: bool) -> None:
        title = QLabel("InsideOut")
        title.setObjectName("title")
        subtitle = QLabel("Locked — sign in to carry on where you left off." if locked_by
                          else "Sign in to open this device's records.")
        subtitle.setWordWrap(True)
        self.username = QLineEdit(locked_by or (usernames[0] if len(usernames) == 1 else ""))
        self.username.setAccessibleName("Username")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.returnPressed.connect(self._submit)
        self.button = QPushButton("Sign in")
        self.button.setDefault(True)
        self.button.setAccessibleName("Sign in")
        self.button.clicked.connect(self._submit)
        self.message = QLabel()
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Sign-in message")
        form = QFormLayout()
        form.addRow("&Username", self.username)
        form.addRow("&Passphrase", self.passphrase)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 32, 40, 32)
        for widget in (title, subtitle):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignRight)
        self.forgot: QPushButton | None = None
        if self._recovery is not None:
            self.forgot = _forgot_button()
            self.forgot.clicked.connect(self.recover)
            layout.addWidget(self.forgot, alignment=Qt.AlignmentFlag.AlignRight)
        self._hint: QLabel | None = None
        if takes_new_workers:
            layout.addSpacing(12)
            self._hint = _new_worker_hint()
            layout.addWidget(self._hint)
        (self.passphrase if self.username.text() else self.username).setFocus()
        self.resize(440, (380 if takes_new_workers else 300) + (40 if self.forgot else 0))

    def recover(self) -> None:
        """The recovery sign-in; once it has set the new password, sign in with it as
        usual (the controller's ordinary path: audit, sync credential, main window)."""
        if self._recovery is None or self.busy:
            return
        recovered = RecoverySignInDialog.ask(ops=self._recovery, username=self.username.text(),
                                             run=self._run, parent=self)
        if recovered is None:
            return
        username, passphrase = recovered
        self.username.setText(username)
        self.set_busy(True)
        self.sign_in_requested.emit(username, passphrase)

    def _submit(self) -> None:
        if self.busy or not self.button.isEnabled():
            return  # checking already, or the throttle's countdown runs
        self.set_busy(True)
        self.sign_in_requested.emit(self.username.text(), self.passphrase.text())

    def set_busy(self, busy: bool) -> None:
        """While the passphrase is checked (Argon2id, on the database thread): say so, and
        take no second press. The controller calls set_busy(False) via show_refusal."""
        self.busy = busy
        self.button.setEnabled(not busy)
        self.button.setText("Signing in…" if busy else "Sign in")
        for edit in (self.username, self.passphrase):
            edit.setReadOnly(busy)  # read-only, not disabled: focus stays where it was
        if busy:
            self.message.clear()
            self.setCursor(Qt.CursorShape.BusyCursor)
            self.button.repaint()  # painted before the checking starts, whatever thread
        else:
            self.unsetCursor()

    def show_refusal(self, message: str, wait_seconds: float = 0.0) -> None:
        self.set_busy(False)
        self.passphrase.clear()
        self.passphrase.setFocus()
        self.message.setText(message)
        self._fit_height()
        if wait_seconds > 0:
            # A deadline, not a count of ticks: timers can fire early, the throttle cannot.
            self._deadline = time.monotonic() + wait_seconds
            self.button.setEnabled(False)
            self._countdown.start()
            self._tick()

    def offer_new_workers(self, offered: bool) -> None:
        """Hide the invitation once the laptop stops taking new workers (the server
        withdrew its sign-in key): it would invite a colleague to a certain refusal."""
        if self._hint is not None:
            self._hint.setVisible(offered)

    def _fit_height(self) -> None:
        """Grow to show a long message whole at the current width (never cut it short)."""
        layout = self.layout()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() \
            else layout.totalSizeHint().height()
        if needed > self.height():
            self.resize(self.width(), needed)

    def _tick(self) -> None:
        left = self._deadline - time.monotonic()
        if left <= 0:
            self._countdown.stop()
            self.button.setEnabled(True)
            self.button.setText("Sign in")
        else:
            self.button.setText(f"Wait {math.ceil(left)} s")


def _forgot_button() -> QPushButton:
    # A button, not a link: Tab reaches it and Alt+F presses it, like everything else.
    button = QPushButton("&Forgot your password?")
    button.setFlat(True)
    button.setAutoDefault(False)
    button.setAccessibleName("Forgot your password? Recover it with your team lead")
    return button


def _new_worker_hint() -> QLabel:
    hint = QLabel("New to this laptop? Sign in with your organisation username and password. "
                  "The first time needs a network connection; after that it works offline.")
    hint.setObjectName("hint")
    hint.setWordWrap(True)
    hint.setAccessibleName("New worker hint")
    return hint
