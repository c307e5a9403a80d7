"""The Journey tab: where the person is now, what must be done, and every event, newest
first. Events are recorded, corrected or withdrawn here (never edited), and a Required
Assessment notice is printed from its event."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.journey.kinds import Kind
from app.domain.valuesets import ValueSet
from app.services.changes import Changed
from app.services.journey import EventInput, Journey
from app.services.printing import PdfDocument
from app.ui.event_dialog import RecordEventDialog
from app.ui.journey_summary import JourneySummary
from app.ui.journey_timeline import JourneyTimeline, TimelineRow, timeline_rows
from app.ui.print_preview import PrintOps, PrintPreview, replace_preview
from app.ui.tasks import RunDb, run_here


class JourneyOps(PrintOps, Protocol):
    """app.ui.operations.RecordOperations: the journey's reads, its one write, its notice."""

    def journey(self, person_id: str) -> Journey: ...

    def record_event(self, person_id: str, typed: EventInput) -> Changed: ...

    def ra_notice_pdf(self, event_id: str) -> PdfDocument: ...

    def handover_pdf(self, person_id: str) -> PdfDocument: ...


class JourneyTab(QWidget):
    changed = Signal(object)  # Changed: an event was stored here

    def __init__(self, *, ops: JourneyOps, person_id: str,
                 value_sets: Mapping[str, ValueSet], run: RunDb = run_here,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops, self._run, self._value_sets = ops, run, value_sets
        self.person_id = person_id
        self.dialog: RecordEventDialog | None = None
        self.preview: PrintPreview | None = None
        self.summary = JourneySummary(value_sets, self)
        self.summary.police_told_requested.connect(self.record_police_told)
        self.timeline = JourneyTimeline(self)
        self.timeline.currentItemChanged.connect(lambda *_: self._enable_for_selection())
        self.feedback = QLabel(self)
        self.feedback.setObjectName("errorMessage")
        self.feedback.setWordWrap(True)
        self._buttons()
        self._layout()

    def _buttons(self) -> None:
        # Mnemonics clear of the main window's (F, P, V, T, H, M, E) and the tabs' (A, Y,
        # O, R, J); the shortcuts are in the tooltips and the Person menu.
        self.record_button = QPushButton("Re&cord event…", self)
        self.record_button.setToolTip("Record something that happened (Ctrl+R)")
        self.record_button.clicked.connect(self.record_new)
        self.correct_button = QPushButton("Correct selecte&d…", self)
        self.correct_button.setToolTip("Record the right version; the wrong one is struck "
                                       "through and kept")
        self.correct_button.clicked.connect(self.correct_selected)
        self.error_button = QPushButton("Mar&k entered in error…", self)
        self.error_button.setToolTip("Withdraw an event recorded by mistake, saying why")
        self.error_button.clicked.connect(self.withdraw_selected)
        self.print_button = QPushButton("Print &notice…", self)
        self.print_button.setToolTip("Preview and print the selected Required Assessment "
                                     "notice, signed")
        self.print_button.clicked.connect(self.print_selected)

    def _layout(self) -> None:
        row = QHBoxLayout()
        for button in (self.record_button, self.correct_button, self.error_button):
            row.addWidget(button)
        row.addStretch()
        row.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.timeline, 1)
        layout.addWidget(self.feedback)
        layout.addLayout(row)

    def show_journey(self, journey: Journey) -> None:
        self.journey = journey
        self.summary.show_journey(journey)
        self.timeline.show_rows(timeline_rows(journey, self._value_sets))
        self._enable_for_selection()

    def _enable_for_selection(self) -> None:
        row = self.timeline.selected()
        standing = row is not None and row.standing
        self.correct_button.setEnabled(standing)
        self.error_button.setEnabled(standing)
        self.print_button.setEnabled(standing and row is not None
                                     and row.event.kind is Kind.RA_NOTICE)

    # ---- recording ---------------------------------------------------------------------------
    def record_new(self) -> RecordEventDialog:
        return self._open(RecordEventDialog(record=self._record, value_sets=self._value_sets,
                                            run=self._run, parent=self))

    def record_police_told(self) -> RecordEventDialog:
        return self._open(RecordEventDialog(record=self._record, value_sets=self._value_sets,
                                            run=self._run, kind=Kind.RA_POLICE_TOLD,
                                            parent=self))

    def correct_selected(self) -> RecordEventDialog | None:
        row = self._standing_selection()
        if row is None:
            return None
        return self._open(RecordEventDialog(record=self._record, value_sets=self._value_sets,
                                            run=self._run, correcting=row.event, parent=self))

    def withdraw_selected(self) -> RecordEventDialog | None:
        row = self._standing_selection()
        if row is None:
            return None
        return self._open(RecordEventDialog(record=self._record, value_sets=self._value_sets,
                                            run=self._run, kind=Kind.ENTERED_IN_ERROR,
                                            correcting=row.event, parent=self))

    def _standing_selection(self) -> TimelineRow | None:
        row = self.timeline.selected()
        if row is None or not row.standing:
            self.feedback.setText("Choose an event in the timeline first (one not struck "
                                  "through).")
            return None
        return row

    def _record(self, typed: EventInput) -> Changed:
        # Runs on the database lane: it touches the store, never a widget.
        return self._ops.record_event(self.person_id, typed)

    def _open(self, dialog: RecordEventDialog) -> RecordEventDialog:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = dialog
        self.feedback.clear()
        dialog.recorded.connect(self.changed.emit)
        dialog.open()  # window-modal: one event at a time
        return dialog

    # ---- printing ----------------------------------------------------------------------------
    def print_selected(self) -> None:
        row = self._standing_selection()
        if row is None or row.event.kind is not Kind.RA_NOTICE:
            return
        event_id = row.event.id
        self.feedback.setText("Preparing the signed notice…")
        self._run(lambda: self._ops.ra_notice_pdf(event_id), on_success=self._preview,
                  on_failure=lambda error: self.feedback.setText(f"Not printed: {error}"))

    def print_handover(self) -> None:
        """The signed handover summary, previewed like a notice (Person menu)."""
        person_id = self.person_id
        self.feedback.setText("Preparing the signed handover summary…")
        self._run(lambda: self._ops.handover_pdf(person_id), on_success=self._preview,
                  on_failure=lambda error: self.feedback.setText(f"Not printed: {error}"))

    def _preview(self, document: PdfDocument) -> PrintPreview:
        self.feedback.clear()
        self.preview = replace_preview(self.preview, ops=self._ops, document=document,
                                       run=self._run, parent=self)
        return self.preview
