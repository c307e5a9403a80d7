"""A person's appointments on their record: every standing booking, soonest first, with
what happened at each; book one, record what happened, rebook a missed one, and print the
card the person keeps.

The panel reloads itself after its own writes and says what changed (`changed`), so the
window can refresh what else shows the person's work (tasks, the overdue count).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.appointments import AppointmentStatus, Outcome
from app.services.appointments import Booking, Listed
from app.services.changes import Changed
from app.services.printing import PdfDocument
from app.ui.appointment_dialog import BookingDialog
from app.ui.appointment_list import (
    DATE,
    TIME,
    WHAT_FOR,
    WHERE,
    WITH,
    AppointmentList,
    chosen_label,
)
from app.ui.appointment_outcome import OutcomeButtons, keep_tab_order
from app.ui.print_preview import PrintOps, PrintPreview, replace_preview
from app.ui.tasks import RunDb, run_here


class AppointmentOps(PrintOps, Protocol):
    """app.ui.operations.WorkOperations: a person's bookings, booking, outcomes, the card."""

    def appointments(self, person_id: str) -> list[Listed]: ...

    def book(self, person_id: str, booking: Booking) -> Changed: ...

    def record_outcome(self, person_id: str, appointment_id: str, outcome: Outcome,
                       reason: str = "") -> Changed: ...

    def appointment_card_pdf(self, person_id: str) -> PdfDocument: ...


class AppointmentsPanel(QWidget):
    changed = Signal(object)  # Changed: a booking or an outcome was stored here

    def __init__(self, *, ops: AppointmentOps, person_id: str, run: RunDb = run_here,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops, self._run = ops, run
        self.person_id = person_id
        self.dialog: BookingDialog | None = None
        self.preview: PrintPreview | None = None
        self.list = AppointmentList((DATE, TIME, WHERE, WITH, WHAT_FOR),
                                    accessible_name="Appointments, soonest first",
                                    empty_text="No appointments booked. Book one with Alt+B.",
                                    parent=self)
        self.outcomes = OutcomeButtons(record=self._ops.record_outcome,
                                       current=self.list.selected, run=run, parent=self)
        self.outcomes.changed.connect(self._written)
        self.outcomes.failed.connect(self._say)
        self.chosen = chosen_label(self)
        self.feedback = QLabel(self)
        self.feedback.setObjectName("errorMessage")
        self.feedback.setWordWrap(True)
        self._buttons()
        self._layout()
        keep_tab_order(self.book_button, self.print_button, self.list,
                       *self.outcomes.buttons(), self.rebook_button, self.change_button)
        self.list.currentItemChanged.connect(lambda *_: self._enable_for_selection())
        self._enable_for_selection()

    def _buttons(self) -> None:
        # Alt letters clear of the main window's, the record's tabs and the outcome buttons.
        self.book_button = QPushButton("&Book appointment…", self)
        self.book_button.setToolTip("Book an appointment for this person (Alt+B)")
        self.book_button.clicked.connect(self.book_new)
        self.rebook_button = QPushButton("Reboo&k…", self)
        self.rebook_button.setToolTip("Book again after a missed appointment (Alt+K)")
        self.rebook_button.clicked.connect(self.rebook_selected)
        self.change_button = QPushButton("Chan&ge booking…", self)
        self.change_button.setToolTip("Change the chosen booking's day, time or place: the "
                                      "new booking replaces it (Alt+G)")
        self.change_button.clicked.connect(self.change_selected)
        self.print_button = QPushButton("Pr&int appointment card…", self)
        self.print_button.setToolTip("Preview and print the card the person keeps: their "
                                     "appointments from today, release day first (Alt+I)")
        self.print_button.clicked.connect(self.print_card)

    def _layout(self) -> None:
        # Booking and the card above the list, what to do with the chosen one below it:
        # two short rows fit a record beside the caseload at 1280 px, one long row did not.
        whole = QHBoxLayout()
        whole.addWidget(self.book_button)
        whole.addStretch()
        whole.addWidget(self.print_button)
        chosen = QHBoxLayout()
        chosen.addWidget(self.outcomes)
        chosen.addWidget(self.rebook_button)
        chosen.addWidget(self.change_button)
        chosen.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(whole)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.chosen)
        layout.addWidget(self.feedback)
        layout.addLayout(chosen)

    # ---- showing -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the person's appointments off the UI thread and show them."""
        person_id = self.person_id
        self._run(lambda: self._ops.appointments(person_id), on_success=self.show_appointments,
                  on_failure=lambda error: self._say(f"Appointments not read: {error}"))

    def show_appointments(self, listed: list[Listed]) -> None:
        self.list.show_rows(listed)
        self._enable_for_selection()

    def _enable_for_selection(self) -> None:
        chosen = self.list.selected()
        self.chosen.setText(self.list.selected_words())
        self.outcomes.enable_for(chosen)
        rebooked = {item.appointment.follows_up for item in self.list.rows}
        self.rebook_button.setEnabled(
            chosen is not None and chosen.status is AppointmentStatus.DID_NOT_ATTEND
            and chosen.appointment.id not in rebooked)
        self.change_button.setEnabled(chosen is not None and chosen.outcome is None)

    def _say(self, words: str) -> None:
        self.feedback.setText(words)

    def _written(self, changed: Changed) -> None:
        self.feedback.clear()
        self.changed.emit(changed)
        self.refresh()

    # ---- booking -----------------------------------------------------------------------------
    def book_new(self) -> BookingDialog:
        return self._open(BookingDialog(book=self._book, run=self._run, parent=self))

    def rebook_selected(self) -> BookingDialog | None:
        chosen = self.list.selected()
        if chosen is None or chosen.status is not AppointmentStatus.DID_NOT_ATTEND:
            self._say("Choose a missed appointment (did not attend) to rebook.")
            return None
        return self._open(BookingDialog(book=self._book, run=self._run,
                                        follows_up=chosen.appointment, parent=self))

    def change_selected(self) -> BookingDialog | None:
        """A booking with no outcome yet, booked again as it should be (it supersedes)."""
        chosen = self.list.selected()
        if chosen is None or chosen.outcome is not None:
            self._say("Choose a booking with no outcome yet to change it.")
            return None
        return self._open(BookingDialog(book=self._book, run=self._run,
                                        changing=chosen.appointment, parent=self))

    def _book(self, booking: Booking) -> Changed:
        # Runs on the database lane: it touches the store, never a widget.
        return self._ops.book(self.person_id, booking)

    def _open(self, dialog: BookingDialog) -> BookingDialog:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.booked.connect(self._written)
        dialog.open()  # window-modal: one booking at a time
        return dialog

    # ---- the card ----------------------------------------------------------------------------
    def print_card(self) -> None:
        person_id = self.person_id
        self._say("Preparing the signed appointment card…")
        self._run(lambda: self._ops.appointment_card_pdf(person_id), on_success=self._preview,
                  on_failure=lambda error: self._say(f"Not printed: {error}"))

    def _preview(self, document: PdfDocument) -> PrintPreview:
        self.feedback.clear()
        self.preview = replace_preview(self.preview, ops=self._ops, document=document,
                                       run=self._run, parent=self)
        return self.preview
