"""A referral step that needs words: declined (why), the outcome (what came of it), or
withdrawn by us (why). The domain refuses these without a note, because 'declined' with no
reason reads later as a referral nobody chased. The dialog stays open, with what was typed,
until the step is stored.

And the correction of the last step, recorded in error ('accepted' clicked when the partner
declined, or the wrong date): saved as it should have been, a new step that replaces the
wrong one, which stays in the referral's history marked corrected — never an edit."""

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
from app.domain.referrals import ReferralStatus, ReferralUpdate
from app.services.changes import Changed
from app.services.errors import InvalidInput
from app.services.referrals import Tracked
from app.ui.fields import choice_editor, connect_changed, editor_text, problem_label
from app.ui.form_problems import SavesOffThread, problems_of, save_and_cancel, show_beside
from app.ui.referral_words import STATUS_WORDS, sent_words, service_words, step_words
from app.ui.tasks import RunDb, run_here

# (person id, referral id, status, note, on) -> what changed: WorkOperations.referral_step.
RecordStep = Callable[[str, str, ReferralStatus, str, date | None], Changed]
# The same, with the id of the step it corrects: WorkOperations.referral_step(..., corrects).
CorrectStep = Callable[[str, str, ReferralStatus, str, date | None, str], Changed]

# The steps that ask a note, and the question each asks (the domain needs one for each).
NOTE_QUESTIONS = {
    ReferralStatus.DECLINED: ("Declined", "&Why did they decline?",
                              "e.g. not in their area; needs a GP letter first"),
    ReferralStatus.OUTCOME_RECORDED: ("Outcome", "&What came of it?",
                                      "e.g. housed at Elm Court from 12/01; 6 sessions done"),
    ReferralStatus.WITHDRAWN: ("Withdraw", "&Why is it withdrawn?",
                               "e.g. moved to HMP Chelmsford; changed their mind"),
}


class StepNoteDialog(QDialog):
    recorded = Signal(object)  # Changed

    def __init__(self, *, tracked: Tracked, status: ReferralStatus, record: RecordStep,
                 on_text: str, run: RunDb = run_here, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tracked, self._status, self._record, self._run = tracked, status, record, run
        title, question, example = NOTE_QUESTIONS[status]
        self.setWindowTitle(f"{title}: {service_words(tracked)}, sent {sent_words(tracked)}")
        self.note = QPlainTextEdit(self)
        self.note.setTabChangesFocus(True)  # Tab moves on to the date: keyboard only
        self.note.setPlaceholderText(example)
        self.note.setAccessibleName(question.replace("&", ""))
        self.note.setFixedHeight(90)
        self.on = QLineEdit(on_text, self)
        self.on.setPlaceholderText("dd/mm/yyyy")
        self.on.setAccessibleName("Date of the step, dd/mm/yyyy")
        self.errors = {"note": problem_label(self), "on": problem_label(self)}
        self.errors["note"].setAccessibleName("Problem with the note")
        self.errors["on"].setAccessibleName("Problem with the date of the step")
        self.note.textChanged.connect(self.errors["note"].hide)  # gone once it is changed
        self.on.textChanged.connect(lambda _text: self.errors["on"].hide())
        self.message = problem_label(self)
        for error in self.errors.values():  # read from the top, beside the field's top
            error.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._layout(question)
        self.note.setFocus()
        self.resize(520, self.sizeHint().height())

    def _layout(self, question: str) -> None:
        form = QFormLayout()
        for text, editor, name in ((question, self.note, "note"),
                                   ("&Date of the step:", self.on, "on")):
            label = QLabel(text, self)
            label.setBuddy(editor)
            form.addRow(label, editor)
            form.addRow("", self.errors[name])
        buttons, self.save_button = save_and_cancel(self, "&Save")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def save(self) -> None:
        """Stored off the UI thread; the dialog closes once it is, or says why not."""
        self.message.hide()
        try:
            on = parse_date(self.on.text(), field="date of the step")
        except InvalidValue as error:
            self.show_problems({"on": str(error)})
            return
        referral, status, note = self._tracked.referral, self._status, self.note.toPlainText()
        self.save_button.setEnabled(False)  # a second press while it records does nothing
        self._run(lambda: self._record(referral.person_id, referral.id, status, note, on),
                  on_success=self._saved, on_failure=self._refused)

    def _saved(self, changed: Changed) -> None:
        self.recorded.emit(changed)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.save_button.setEnabled(True)
        self.show_problems(problems_of(error, "Not recorded"))

    def show_problems(self, problems: Mapping[str, str]) -> None:
        """Each beside its field; one about no field here goes above the buttons."""
        show_beside(self, problems, self.errors, self.message)
        (self.on if "on" in problems and "note" not in problems else self.note).setFocus()

_PROBLEM_WITH = {"status": "the step chosen", "on": "the date of the step", "note": "the note"}


class StepCorrectionDialog(SavesOffThread, QDialog):
    """The last step as it should have been: its status (one allowed after the step before
    it, or the same with another date or note), its date and its note, filled in from the
    wrong one. Saved as a new step that replaces it; the wrong one is kept."""

    recorded = Signal(object)  # Changed
    NOT_DONE = "Not corrected"

    def __init__(self, *, tracked: Tracked, wrong: ReferralUpdate,
                 choices: Sequence[ReferralStatus], correct: CorrectStep,
                 run: RunDb = run_here, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tracked, self.wrong, self._correct, self._run = tracked, wrong, correct, run
        self.setWindowTitle(f"Correct the last step: {service_words(tracked)}, "
                            f"sent {sent_words(tracked)}")
        self.status = choice_editor(tuple((s.value, STATUS_WORDS[s].capitalize())
                                          for s in choices), self)
        self.status.setCurrentIndex(max(0, self.status.findData(wrong.status.value)))
        self.on = QLineEdit(f"{wrong.on:%d/%m/%Y}", self)
        self.on.setPlaceholderText("dd/mm/yyyy")
        self.note = QPlainTextEdit(wrong.note, self)
        self.note.setTabChangesFocus(True)  # Tab moves on to Save: keyboard only
        self.note.setFixedHeight(90)
        self.editors: dict[str, QWidget] = {"status": self.status, "on": self.on,
                                            "note": self.note}
        self.errors = {name: problem_label(self) for name in self.editors}
        self.message = problem_label(self)
        self._layout()
        self.status.currentIndexChanged.connect(lambda _index: self._ask_note())
        self._ask_note()
        self.status.setFocus()
        self.resize(560, self.sizeHint().height())

    def _layout(self) -> None:
        told = QLabel(f"The last step: {step_words(self.wrong)}.\nSave it as it should "
                      "have been. The correction takes its place; the wrong step stays in "
                      "the referral's history, marked (corrected).", self)
        told.setWordWrap(True)
        form = QFormLayout()
        self.note_label = QLabel(self)
        for name, text, accessible in (
                ("status", "It should &have been:", "The step it should have been"),
                ("on", "&Date of the step:", "Date of the step, dd/mm/yyyy"),
                ("note", "", "Note: why declined or withdrawn, or what came of it")):
            editor, error = self.editors[name], self.errors[name]
            editor.setAccessibleName(accessible)
            error.setAccessibleName(f"Problem with {_PROBLEM_WITH[name]}")
            error.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            connect_changed(editor, error.hide)  # a problem goes once its answer is changed
            label = QLabel(text, self) if text else self.note_label
            label.setBuddy(editor)
            form.addRow(label, editor)
            form.addRow("", error)
        buttons, self.save_button = save_and_cancel(self, "&Save correction")
        layout = QVBoxLayout(self)
        layout.addWidget(told)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        for first, second in pairwise((self.status, self.on, self.note, self.save_button)):
            QWidget.setTabOrder(first, second)

    def _ask_note(self) -> None:
        """The note's question follows the step chosen: needed for some, optional else."""
        asked = NOTE_QUESTIONS.get(ReferralStatus(editor_text(self.status)))
        self.note_label.setText(asked[1] if asked else "&Note (if any):")
        self.note.setPlaceholderText(asked[2] if asked else "")

    def typed(self) -> tuple[ReferralStatus, str, date]:
        try:
            on = parse_date(self.on.text(), field="date of the step")
        except InvalidValue as error:
            raise InvalidInput({"on": str(error)}) from None
        status, note, wrong = (ReferralStatus(editor_text(self.status)),
                               self.note.toPlainText(), self.wrong)
        if (status, on, note.strip()) == (wrong.status, wrong.on, wrong.note):
            raise InvalidInput({"status": "Nothing is changed yet. Choose the step it should "
                                          "have been, or change its date or note."})
        return status, note, on

    def _store(self, typed: tuple[ReferralStatus, str, date]) -> Changed:
        # Runs on the database lane: it touches the store, never a widget.
        referral, (status, note, on) = self._tracked.referral, typed
        return self._correct(referral.person_id, referral.id, status, note, on, self.wrong.id)

    def _stored(self, changed: Changed) -> None:
        self.recorded.emit(changed)

    def show_problems(self, problems: Mapping[str, str]) -> None:
        """Each beside its field; one about no field here (the step was corrected already,
        another was recorded after it) above the buttons."""
        first = show_beside(self, problems, self.errors, self.message)
        self.editors[first or "status"].setFocus()
