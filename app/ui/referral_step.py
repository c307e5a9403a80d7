"""The next steps of the chosen referral, one button each, used on a person's record and in
the team's tracker.

Only the steps the domain allows next (ALLOWED_NEXT) are shown: a referral already accepted
offers no 'Acknowledged', and a closed one offers nothing. Acknowledged and accepted are one
key press (Alt+K, Alt+C) on the date in the 'On' box (today unless changed); declined, the
outcome and withdrawn ask a note first. Steps are append-only: the history keeps them all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.domain.dates import parse_date
from app.domain.errors import InvalidValue
from app.domain.referrals import ALLOWED_NEXT, ReferralStatus
from app.services.errors import InvalidInput
from app.services.referrals import Tracked
from app.ui.fields import problem_label
from app.ui.referral_step_dialog import NOTE_QUESTIONS, RecordStep, StepNoteDialog
from app.ui.tasks import RunDb, run_here

# Alt letters clear of the main window's (F, P, V, T, H, M, E) and the record's tabs
# (A, Y, O, R, J), so the same row works on the record and in the tracker.
_BUTTONS = (
    (ReferralStatus.ACKNOWLEDGED, "Ac&knowledged",
     "The partner has it and is looking at it (Alt+K). Recorded on the date in 'On'."),
    (ReferralStatus.ACCEPTED, "A&ccepted",
     "The partner takes them on (Alt+C). Recorded on the date in 'On'."),
    (ReferralStatus.DECLINED, "&Declined…", "The partner will not take them on: say why "
     "(Alt+D)"),
    (ReferralStatus.OUTCOME_RECORDED, "O&utcome…", "What came of it, in a few words; this "
     "closes the referral (Alt+U)"),
    (ReferralStatus.WITHDRAWN, "W&ithdraw…", "We stop the referral (they moved, changed "
     "their mind): say why (Alt+I)"),
)


class StepButtons(QWidget):
    """The allowed next steps for the referral `current()` returns."""

    changed = Signal(object)  # Changed: a step was stored
    failed = Signal(str)  # why a step was not stored, when it is about no field here

    def __init__(self, *, record: RecordStep, current: Callable[[], Tracked | None],
                 run: RunDb = run_here, today: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._record, self._current, self._run = record, current, run
        self.dialog: StepNoteDialog | None = None
        self.on = QLineEdit(f"{today or date.today():%d/%m/%Y}", self)
        self.on.setPlaceholderText("dd/mm/yyyy")
        self.on.setAccessibleName("Date of the step, dd/mm/yyyy")
        self.on.setToolTip("The day the partner answered, or the day of the step; "
                           "today unless you change it")
        self.on.setMaximumWidth(130)
        self.on_error = problem_label(self)
        self.on_error.setAccessibleName("Problem with the date of the step")
        self.on.textChanged.connect(lambda _text: self.on_error.hide())
        self.closed = QLabel("This referral is closed: nothing more to record.", self)
        self.closed.setObjectName("hint")
        self.buttons = {status: self._button(status, text, tip) for status, text, tip in _BUTTONS}
        self._layout()
        self.enable_for(None)

    def _button(self, status: ReferralStatus, text: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setToolTip(tip)
        # Never a dialog's default: Enter typed in the date must not record a step.
        button.setAutoDefault(False)
        button.clicked.connect(lambda: self.record(status))
        return button

    def _layout(self) -> None:
        label = QLabel("O&n:", self)
        label.setBuddy(self.on)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label)
        row.addWidget(self.on)
        for button in self.buttons.values():
            row.addWidget(button)
        row.addWidget(self.closed)
        row.addStretch()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addLayout(row, 0, 0)
        grid.addWidget(self.on_error, 1, 0)

    def enable_for(self, tracked: Tracked | None) -> None:
        """Show only the steps allowed next; a closed referral says so instead, and with
        no referral chosen there is nothing to show."""
        self.setVisible(tracked is not None)
        allowed = ALLOWED_NEXT[tracked.state.status] if tracked else frozenset()
        for status, button in self.buttons.items():
            button.setVisible(status in allowed)
        self.on.setEnabled(bool(allowed))
        self.closed.setVisible(tracked is not None and not allowed)

    def offered(self) -> set[ReferralStatus]:
        return {status for status, button in self.buttons.items() if not button.isHidden()}

    def record(self, status: ReferralStatus) -> StepNoteDialog | None:
        tracked = self._current()
        if tracked is None or status not in ALLOWED_NEXT[tracked.state.status]:
            return None
        if status in NOTE_QUESTIONS:
            return self._ask_note(tracked, status)
        try:
            on = parse_date(self.on.text(), field="date of the step")
        except InvalidValue as error:
            self._show_problem(str(error))
            return None
        referral = tracked.referral
        self._run(lambda: self._record(referral.person_id, referral.id, status, "", on),
                  on_success=self.changed.emit, on_failure=self._refused)
        return None

    def _refused(self, error: Exception) -> None:
        if isinstance(error, InvalidInput) and "on" in error.problems:
            self._show_problem(error.problems["on"])
        else:
            self.failed.emit(f"Not recorded: {error}")

    def _show_problem(self, words: str) -> None:
        self.on_error.setText(words)
        self.on_error.show()
        self.on.setFocus()

    def _ask_note(self, tracked: Tracked, status: ReferralStatus) -> StepNoteDialog:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = StepNoteDialog(tracked=tracked, status=status, record=self._record,
                                     on_text=self.on.text(), run=self._run, parent=self)
        self.dialog.recorded.connect(self.changed.emit)
        self.dialog.open()  # window-modal: one step at a time
        return self.dialog
