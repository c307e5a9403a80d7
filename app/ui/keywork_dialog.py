"""Record a key-work session: when, where, what type, how long, what was talked about, and
which of the person's care-plan goals it worked on.

Typed from the keyboard top to bottom (the date is today already; where and the type are
chosen by their first letters; the goals are ticked with Space), then Enter. A problem is
shown beside its field in the domain's words — a session 'in a cell' in the community is
refused beside the type — and what was typed stays: the dialog closes only once the
session is stored. The notes are stored encrypted, like everything else on the laptop.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.dates import parse_date
from app.domain.errors import InvalidValue
from app.domain.journey.kinds import Setting
from app.domain.keywork import SESSION_SETTINGS, SESSION_TYPE_LABELS, KeyWorkSession, SessionType
from app.services.changes import Changed
from app.services.errors import InvalidInput
from app.services.keywork import SessionInput
from app.ui.fields import (
    choice_editor,
    connect_changed,
    editor_text,
    problem_label,
    set_editor_text,
)
from app.ui.form_problems import SavesOffThread, save_and_cancel, show_beside
from app.ui.keywork_goals import GoalChoice
from app.ui.tasks import RunDb, run_here

RecordSession = Callable[[SessionInput], Changed]
_SETTINGS = (("", "— type the first letter: custody, court, prison, community —"),
             *((s.value, s.value.capitalize()) for s in Setting if s in SESSION_SETTINGS))
# (field, label with its Alt letter, accessible name): the order Tab follows.
_ROWS = (("held_on", "&Date:", "Date of the session, dd/mm/yyyy"),
         ("setting", "&Where:", "Where it was held"),
         ("session_type", "&Type:", "Type of session"),
         ("minutes", "&Minutes:", "How long, in minutes"),
         ("notes", "&Notes:", "What was talked about"))


class SessionDialog(SavesOffThread, QDialog):
    recorded = Signal(object)  # Changed

    def __init__(self, *, record: RecordSession, goals: Sequence[str], run: RunDb = run_here,
                 setting: Setting | None = None, today: date | None = None,
                 correcting: KeyWorkSession | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store, self._run = record, run
        # A correction is a new session that supersedes the wrong one: never an edit.
        self.correcting = correcting
        self.setWindowTitle("Correct a key-work session" if correcting
                            else "Record a key-work session")
        self.editors = self._editors(today or date.today())
        if setting is not None and setting in SESSION_SETTINGS:
            set_editor_text(self.editors["setting"], setting.value)
        self.goals = GoalChoice(goals, self)
        if correcting is not None:
            self._fill_from(correcting)
        self.errors = {name: problem_label(self) for name in (*self.editors, "goals")}
        self.message = problem_label(self)
        for error in self.errors.values():  # read from the top, beside the field's top
            error.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._layout()
        self.editors["held_on"].setFocus()
        self.resize(620, self.sizeHint().height())

    def _editors(self, today: date) -> dict[str, QWidget]:
        held_on = QLineEdit(f"{today:%d/%m/%Y}", self)
        held_on.setPlaceholderText("dd/mm/yyyy")
        minutes = QLineEdit(self)
        minutes.setPlaceholderText("e.g. 45")
        minutes.setMaximumWidth(120)
        notes = QPlainTextEdit(self)
        notes.setTabChangesFocus(True)  # Tab moves on to the goals: keyboard only
        notes.setPlaceholderText("What you talked about, what they said, what happens next")
        notes.setFixedHeight(120)
        types = tuple((t.value, label) for t, label in SESSION_TYPE_LABELS.items())
        return {"held_on": held_on, "setting": choice_editor(_SETTINGS, self),
                "session_type": choice_editor(types, self), "minutes": minutes,
                "notes": notes}

    def _fill_from(self, wrong: KeyWorkSession) -> None:
        set_editor_text(self.editors["held_on"], f"{wrong.held_on:%d/%m/%Y}")
        set_editor_text(self.editors["setting"], wrong.setting.value)
        set_editor_text(self.editors["session_type"], wrong.session_type.value)
        set_editor_text(self.editors["minutes"], str(wrong.minutes))
        set_editor_text(self.editors["notes"], wrong.notes)
        self.goals.choose(wrong.goals)

    def _layout(self) -> None:
        form = QFormLayout()
        for name, text, accessible in _ROWS:
            editor, error = self.editors[name], self.errors[name]
            editor.setAccessibleName(accessible)
            error.setAccessibleName(f"Problem with {accessible.split(',')[0].lower()}")
            connect_changed(editor, error.hide)  # a problem goes once its answer is changed
            label = QLabel(text, self)
            label.setBuddy(editor)
            form.addRow(label, editor)
            form.addRow("", error)
        goals_label = QLabel("Care-plan &goals it worked on:", self)
        goals_label.setBuddy(self.goals.first_focus())
        form.addRow(goals_label, self.goals)
        form.addRow("", self.errors["goals"])
        self.goals.toggled.connect(self.errors["goals"].hide)
        buttons, self.save_button = save_and_cancel(self, "&Save session")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch()
        layout.addWidget(buttons)
        self._keep_tab_order()

    def _keep_tab_order(self) -> None:
        """Tab goes down the form, through the goals, then to Save: the order the widgets
        were made in (which Tab would otherwise follow) is not the order on screen."""
        chain = [self.editors[name] for name, _, _ in _ROWS]
        chain += [*self.goals.boxes, self.save_button]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    # ---- saving ------------------------------------------------------------------------------
    def typed(self) -> SessionInput:
        """What is on screen as a session; InvalidInput (by field) if it cannot be read.
        Everything else (the minutes' range, a cell in the community) the domain checks."""
        problems: dict[str, str] = {}
        held_on = self._held_on(problems)
        minutes = self._minutes(problems)
        if problems or held_on is None or minutes is None:
            raise InvalidInput(problems)
        setting = editor_text(self.editors["setting"]) or Setting.UNKNOWN.value
        notes = self.editors["notes"]
        assert isinstance(notes, QPlainTextEdit)
        return SessionInput(held_on, Setting(setting), minutes,
                            SessionType(editor_text(self.editors["session_type"])),
                            notes.toPlainText(), self.goals.chosen(),
                            self.correcting.id if self.correcting else None)

    def _held_on(self, problems: dict[str, str]) -> date | None:
        try:
            return parse_date(editor_text(self.editors["held_on"]), field="date")
        except InvalidValue as error:
            problems["held_on"] = str(error)
            return None

    def _minutes(self, problems: dict[str, str]) -> int | None:
        typed = editor_text(self.editors["minutes"]).strip()
        if typed.isdigit():
            return int(typed)
        problems["minutes"] = (f"'{typed}' is not a number of minutes. Type how long it "
                               "was in minutes, e.g. 45." if typed else
                               "Type how long the session was, in minutes, e.g. 45.")
        return None

    def _stored(self, changed: Changed) -> None:
        self.recorded.emit(changed)

    def show_problems(self, problems: Mapping[str, str]) -> None:
        """Each beside its field; one about no field here (who recorded it) above Save."""
        first = show_beside(self, problems, self.errors, self.message)
        if first == "goals":
            self.goals.first_focus().setFocus()
        elif first is not None:
            self.editors[first].setFocus()
