"""Hand a person over to another team: who takes them on, why, and a note for them.

The request is saved on this laptop and goes at the next sync, like any edit. The list of
teams comes from the server (network lane); offline it is the list last fetched, and a
worker with no server sign-in and no list types their password, as when finding someone
known to another team.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import Changed
from app.services.errors import InvalidInput
from app.services.handover import Team
from app.ui.fields import problem_label
from app.ui.handover_words import REASONS
from app.ui.tasks import RunDb, run_here

_ASK_PASSWORD = ("No list of teams on this laptop yet: type your password and press "
                 "Get the team list (it asks the server once, then works offline).")


class HandoverOps(Protocol):
    """app.ui.operations.RecordOperations: `teams` may wait on the server."""

    def signed_in(self) -> bool: ...

    def teams(self, password: str) -> list[Team]: ...

    def teams_kept(self) -> list[Team]: ...

    def request_handover(self, person_id: str, to_team_id: str, reason: str,
                         note: str) -> Changed: ...


class HandoverDialog(QDialog):
    handed_over = Signal(object)  # Changed

    def __init__(self, *, ops: HandoverOps, person_id: str, person_name: str,
                 run: RunDb = run_here, run_net: RunDb = run_here,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops, self._person_id = ops, person_id
        self._run, self._run_net = run, run_net
        self.setWindowTitle(f"InsideOut — hand {person_name} over to another team")
        self._build(person_name)
        self.busy = False
        self.resize(620, self.sizeHint().height())
        self._load_teams("")

    # ---- building ---------------------------------------------------------------------
    def _build(self, person_name: str) -> None:
        intro = QLabel(f"{person_name} goes to the receiving team's laptops at the next sync. "
                       "They show as in handover on both sides until a worker there accepts; "
                       "you can still read the record until then.")
        intro.setWordWrap(True)
        self.team = QComboBox()
        self.team.setAccessibleName("Receiving team")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Your password")
        self.get_teams = QPushButton("Get the team &list")
        self.get_teams.setAutoDefault(False)
        self.get_teams.clicked.connect(lambda: self._load_teams(self.password.text()))
        self.reasons = QButtonGroup(self)
        reason_row = QHBoxLayout()
        for code, text in zip(REASONS, ("&Release", "Tran&sfer", "&Move to another team"),
                              strict=True):
            button = QRadioButton(text)
            button.setProperty("code", code)
            self.reasons.addButton(button)
            reason_row.addWidget(button)
        reason_row.addStretch()
        self.note = QPlainTextEdit()
        self.note.setAccessibleName("Note for the receiving team")
        self.note.setPlaceholderText("What they need to know first: where the person is "
                                     "going, who meets them, what is booked")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(4 * self.note.fontMetrics().lineSpacing() + 12)
        self.errors = {key: problem_label() for key in ("to_team", "reason", "other")}
        self.save_button = QPushButton("&Hand over")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        cancel = QPushButton("Cancel")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        self._lay_out(intro, reason_row, cancel)

    def _lay_out(self, intro: QLabel, reason_row: QHBoxLayout, cancel: QPushButton) -> None:
        form = QFormLayout()
        team_label = QLabel("Receiving &team")
        team_label.setBuddy(self.team)
        form.addRow(team_label, self.team)
        form.addRow("", self.errors["to_team"])
        password_row = QHBoxLayout()
        password_row.addWidget(self.password, 1)
        password_row.addWidget(self.get_teams)
        password_label = QLabel("Your &password")
        password_label.setBuddy(self.password)
        form.addRow(password_label, password_row)
        form.addRow(QLabel("Reason"), reason_row)
        form.addRow("", self.errors["reason"])
        note_label = QLabel("&Note")
        note_label.setBuddy(self.note)
        form.addRow(note_label, self.note)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addStretch()
        layout.addWidget(self.errors["other"])
        layout.addLayout(buttons)

    # ---- the teams ----------------------------------------------------------------------
    def _load_teams(self, password: str) -> None:
        signed_in = self._ops.signed_in()
        if not (signed_in or password):
            self._show_teams(self._ops.teams_kept())
            return
        self._say("other", "Asking the server for the list of teams…")
        self.get_teams.setEnabled(False)
        self._run_net(lambda: self._ops.teams(password), on_success=self._show_teams,
                      on_failure=self._teams_failed)

    def _teams_failed(self, error: Exception) -> None:
        """Offline or refused: the list last fetched still serves."""
        kept = self._ops.teams_kept()
        self._show_teams(kept)
        if not kept:
            self._say("other", f"Could not get the list of teams: {error}")
        else:
            self._say("other", "The server could not be asked; these are the teams as last "
                               "fetched.")

    def _show_teams(self, teams: list[Team]) -> None:
        chosen = self.team.currentData()
        self.team.clear()
        self.team.addItem("Choose the team taking them on", "")
        for team in teams:
            self.team.addItem(team.name, team.team_id)
        at = self.team.findData(chosen) if chosen else 0
        self.team.setCurrentIndex(max(at, 0))
        need_password = not teams and not self._ops.signed_in()
        self.password.setEnabled(need_password)
        self.get_teams.setEnabled(need_password)
        self.password.setPlaceholderText("" if need_password else
                                         "not needed: the list of teams is here")
        self._say("other", "")
        self._say("to_team", _ASK_PASSWORD if need_password else "")
        (self.password if need_password else self.team).setFocus()

    # ---- saving ---------------------------------------------------------------------------
    def reason(self) -> str:
        chosen = self.reasons.checkedButton()
        return str(chosen.property("code")) if chosen is not None else ""

    def save(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.save_button.setEnabled(False)
        for key in self.errors:
            self._say(key, "")
        person_id, team_id = self._person_id, str(self.team.currentData() or "")
        reason, note = self.reason(), self.note.toPlainText()
        self._run(lambda: self._ops.request_handover(person_id, team_id, reason, note),
                  on_success=self._saved, on_failure=self._refused)

    def _saved(self, changed: Changed) -> None:
        self.busy = False
        self.handed_over.emit(changed)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.busy = False
        self.save_button.setEnabled(True)
        if not isinstance(error, InvalidInput):
            self._say("other", f"Not saved: {error}")
            return
        for key, message in error.problems.items():
            self._say(key if key in self.errors else "other", message)
        first = self.team if "to_team" in error.problems else self.reasons.buttons()[0]
        first.setFocus()

    def _say(self, key: str, text: str) -> None:
        self.errors[key].setText(text)
        self.errors[key].setVisible(bool(text))
        layout = self.layout()
        if layout is not None:  # taller by the problem's lines, so nothing overlaps
            layout.activate()
            # sizeHint, not minimumSizeHint: only it counts the wrapped problem lines.
            self.resize(self.width(), max(self.height(), self.sizeHint().height()))

