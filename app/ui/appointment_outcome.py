"""What happened at an appointment: attended, did not attend, or cancelled with a reason.

One row of buttons for the chosen appointment, used on a person's record and in the day
view. Attended and did-not-attend are one key press (Alt+D, Alt+N); a cancellation asks
why, because a cancelled appointment with no reason reads later as a missed one.
Outcomes are append-only: a wrong one is put right by recording the right one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from itertools import pairwise

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.appointments import AppointmentStatus, Outcome
from app.services.appointments import Listed
from app.services.changes import Changed
from app.services.errors import InvalidInput
from app.ui.appointment_words import summary
from app.ui.fields import problem_label
from app.ui.tasks import RunDb, run_here

# (person id, appointment id, outcome, reason) -> what changed: WorkOperations.record_outcome.
RecordOutcome = Callable[[str, str, Outcome, str], Changed]
_HAPPENED = (AppointmentStatus.DUE_TODAY, AppointmentStatus.AWAITING_OUTCOME,
             AppointmentStatus.ATTENDED, AppointmentStatus.DID_NOT_ATTEND)
_OPEN = (AppointmentStatus.BOOKED, AppointmentStatus.DUE_TODAY,
         AppointmentStatus.AWAITING_OUTCOME)


def keep_tab_order(*widgets: QWidget) -> None:
    """Tab in the order the screen reads, not the order the widgets were made."""
    for first, second in pairwise(widgets):
        QWidget.setTabOrder(first, second)


class CancelDialog(QDialog):
    """Why it is cancelled; the dialog stays open, with the reason kept, until stored."""

    recorded = Signal(object)  # Changed

    def __init__(self, *, listed: Listed, record: RecordOutcome, run: RunDb = run_here,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._listed, self._record, self._run = listed, record, run
        self.setWindowTitle(f"Cancel {summary(listed)}")
        self.reason = QLineEdit(self)
        self.reason.setAccessibleName("Why it is cancelled")
        self.reason.setPlaceholderText("e.g. moved prison; clinic closed")
        self.error = problem_label(self)
        self.error.setAccessibleName("Problem with the reason")
        self.reason.textChanged.connect(lambda _text: self.error.hide())
        self._layout()
        self.reason.setFocus()
        self.resize(480, self.sizeHint().height())

    def _layout(self) -> None:
        label = QLabel("&Why is it cancelled?", self)
        label.setBuddy(self.reason)
        form = QFormLayout()
        form.addRow(label, self.reason)
        form.addRow("", self.error)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton("&Cancel the appointment",
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        keep = buttons.addButton("&Keep it booked", QDialogButtonBox.ButtonRole.RejectRole)
        keep.setToolTip("Close without cancelling (Esc)")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        intro = QLabel(f"{summary(self._listed)}. The reason is kept with the record.", self)
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def save(self) -> None:
        booked, reason = self._listed.appointment, self.reason.text()
        self.save_button.setEnabled(False)
        self._run(lambda: self._record(booked.person_id, booked.id, Outcome.CANCELLED, reason),
                  on_success=self._saved, on_failure=self._refused)

    def _saved(self, changed: Changed) -> None:
        self.recorded.emit(changed)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.save_button.setEnabled(True)
        problems: Mapping[str, str] = (error.problems if isinstance(error, InvalidInput)
                                       else {"": f"Not cancelled: {error}"})
        self.error.setText("\n".join(problems.values()))
        self.error.show()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))
        self.reason.setFocus()


class OutcomeButtons(QWidget):
    """Attended, did not attend, cancel… for the appointment `current()` returns."""

    changed = Signal(object)  # Changed: an outcome was stored
    failed = Signal(str)  # why an outcome was not stored, in words

    def __init__(self, *, record: RecordOutcome, current: Callable[[], Listed | None],
                 run: RunDb = run_here, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._record, self._current, self._run = record, current, run
        self.dialog: CancelDialog | None = None
        # Alt letters clear of the main window's (F, P, V, T, H, M, E) and the record's tabs
        # (A, Y, O, R, J).
        self.attended_button = self._button("Atten&ded", "They came (Alt+D)",
                                            lambda: self.record(Outcome.ATTENDED))
        self.missed_button = self._button("Did &not attend", "They did not come (Alt+N)",
                                          lambda: self.record(Outcome.DID_NOT_ATTEND))
        self.cancel_button = self._button("&Cancel appointment…", "Cancel it, saying why",
                                          self.cancel)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for button in (self.attended_button, self.missed_button, self.cancel_button):
            row.addWidget(button)
        self.enable_for(None)

    def _button(self, text: str, tip: str, clicked: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.setToolTip(tip)
        # Never a dialog's default: Enter typed in the day view's date field must not
        # record that someone came.
        button.setAutoDefault(False)
        button.clicked.connect(lambda: clicked())
        return button

    def buttons(self) -> tuple[QPushButton, ...]:
        return self.attended_button, self.missed_button, self.cancel_button

    def enable_for(self, listed: Listed | None) -> None:
        """Whether they came only once the day has come; cancelled only while still open."""
        status = listed.status if listed else None
        self.attended_button.setEnabled(status in _HAPPENED
                                        and status is not AppointmentStatus.ATTENDED)
        self.missed_button.setEnabled(status in _HAPPENED
                                      and status is not AppointmentStatus.DID_NOT_ATTEND)
        self.cancel_button.setEnabled(status in _OPEN)

    def record(self, outcome: Outcome) -> None:
        listed = self._current()
        if listed is None:
            return
        booked = listed.appointment
        self._run(lambda: self._record(booked.person_id, booked.id, outcome, ""),
                  on_success=self.changed.emit,
                  on_failure=lambda error: self.failed.emit(f"Not recorded: {error}"))

    def cancel(self) -> CancelDialog | None:
        listed = self._current()
        if listed is None:
            return None
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = CancelDialog(listed=listed, record=self._record, run=self._run,
                                   parent=self)
        self.dialog.recorded.connect(self.changed.emit)
        self.dialog.open()
        return self.dialog
