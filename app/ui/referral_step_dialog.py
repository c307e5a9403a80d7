"""A referral step that needs words: declined (why), the outcome (what came of it), or
withdrawn by us (why). The domain refuses these without a note, because 'declined' with no
reason reads later as a referral nobody chased. The dialog stays open, with what was typed,
until the step is stored."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

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
from app.domain.referrals import ReferralStatus
from app.services.changes import Changed
from app.services.referrals import Tracked
from app.ui.fields import problem_label
from app.ui.form_problems import problems_of, save_and_cancel, show_beside
from app.ui.referral_words import sent_words, service_words
from app.ui.tasks import RunDb, run_here

# (person id, referral id, status, note, on) -> what changed: WorkOperations.referral_step.
RecordStep = Callable[[str, str, ReferralStatus, str, date | None], Changed]

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
