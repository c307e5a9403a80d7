"""A person's key-work sessions on their record, newest first, with the whole of the chosen
session's notes in a read-only box below; record a new session from here.

The panel reloads itself after its own writes and says what changed (`changed`), so the
window can refresh what else shows the person's work.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.journey.kinds import Setting
from app.domain.keywork import KeyWorkSession
from app.services.changes import Changed
from app.services.keywork import SessionInput
from app.ui.keywork_dialog import SessionDialog
from app.ui.keywork_list import SessionList, session_text
from app.ui.tasks import RunDb, run_here


class KeyWorkOps(Protocol):
    """app.ui.operations.WorkOperations: a person's sessions, their plan's goals, recording."""

    def sessions(self, person_id: str) -> list[KeyWorkSession]: ...

    def plan_goals(self, person_id: str) -> tuple[str, ...]: ...

    def record_session(self, person_id: str, typed: SessionInput) -> Changed: ...


class KeyWorkPanel(QWidget):
    changed = Signal(object)  # Changed: a session was stored here

    def __init__(self, *, ops: KeyWorkOps, person_id: str, run: RunDb = run_here,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops, self._run = ops, run
        self.person_id = person_id
        # Where the person is now (from their journey), so a session starts there; the
        # window sets it when it knows, else the worker chooses.
        self.setting: Setting | None = None
        self.dialog: SessionDialog | None = None
        self.list = SessionList(self)
        self.list.currentItemChanged.connect(lambda *_: self._show_selected())
        self.notes = QPlainTextEdit(self)
        self.notes.setReadOnly(True)
        self.notes.setTabChangesFocus(True)
        self.notes.setAccessibleName("The chosen session: goals and the whole of the notes")
        self.notes.setMinimumHeight(100)
        self.feedback = QLabel(self)
        self.feedback.setObjectName("errorMessage")
        self.feedback.setWordWrap(True)
        self.record_button = QPushButton("Record a &session…", self)
        self.record_button.setToolTip("Record a key-work session: when, where, how long, "
                                      "the notes and the goals it worked on (Alt+S)")
        self.record_button.clicked.connect(self.record_new)
        self.correct_button = QPushButton("Fi&x the chosen session…", self)
        self.correct_button.setToolTip("Recorded something wrong? Save it again as it should "
                                       "be: the new session replaces the chosen one, which "
                                       "is kept in the record's history (Alt+X)")
        self.correct_button.clicked.connect(self.correct_selected)
        self._layout()
        self._show_selected()

    def _layout(self) -> None:
        notes_label = QLabel("Notes of the chosen sess&ion:", self)
        notes_label.setBuddy(self.notes)
        top = QHBoxLayout()
        top.addWidget(self.record_button)
        top.addWidget(self.correct_button)
        top.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.list, 3)  # the notes get a share of a tall window too
        layout.addWidget(notes_label)
        layout.addWidget(self.notes, 2)
        layout.addWidget(self.feedback)
        # Tab follows the screen, top to bottom, not the order the widgets were made in.
        QWidget.setTabOrder(self.record_button, self.correct_button)
        QWidget.setTabOrder(self.correct_button, self.list)
        QWidget.setTabOrder(self.list, self.notes)

    # ---- showing -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the person's sessions off the UI thread and show them."""
        person_id = self.person_id
        self._run(lambda: self._ops.sessions(person_id), on_success=self.show_sessions,
                  on_failure=lambda error: self._say(f"Sessions not read: {error}"))

    def show_sessions(self, sessions: list[KeyWorkSession]) -> None:
        self.list.show_rows(sessions)
        self._show_selected()

    def _show_selected(self) -> None:
        chosen = self.list.selected()
        self.notes.setPlainText(session_text(chosen) if chosen else "")
        self.correct_button.setEnabled(chosen is not None)

    def _say(self, words: str) -> None:
        self.feedback.setText(words)

    # ---- recording ---------------------------------------------------------------------------
    def record_new(self) -> None:
        """The plan's goals are read first (off the UI thread); the dialog opens with them."""
        self._read_goals_then_open(None)

    def correct_selected(self) -> None:
        """The chosen session, to be saved again as it should be (it supersedes it)."""
        chosen = self.list.selected()
        if chosen is not None:
            self._read_goals_then_open(chosen)

    def _read_goals_then_open(self, correcting: KeyWorkSession | None) -> None:
        person_id = self.person_id
        self._run(lambda: self._ops.plan_goals(person_id),
                  on_success=lambda goals: self._open(goals, correcting),
                  on_failure=lambda error: self._say(f"Care-plan goals not read: {error}"))

    def _open(self, goals: tuple[str, ...],
              correcting: KeyWorkSession | None = None) -> SessionDialog:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        self.feedback.clear()
        self.dialog = SessionDialog(record=self._record, goals=goals, run=self._run,
                                    setting=self.setting, correcting=correcting, parent=self)
        self.dialog.recorded.connect(self._written)
        self.dialog.open()  # window-modal: one session at a time
        return self.dialog

    def _record(self, typed: SessionInput) -> Changed:
        # Runs on the database lane: it touches the store, never a widget.
        return self._ops.record_session(self.person_id, typed)

    def _written(self, changed: Changed) -> None:
        self.changed.emit(changed)
        self.refresh()
