"""A worker's day: one day's appointments by time, with whose each is.

Mine by default (booked by me, or with me); a tick shows everyone's on this laptop. The
day moves with Alt+Left / Alt+Right or Page Up / Page Down, or is typed; Today comes
back. Enter or a double-click opens the person; what happened is recorded here too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Protocol

from PySide6.QtCore import QKeyCombination, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.appointments import Outcome, status_on
from app.domain.dates import parse_date
from app.services.appointments import Listed
from app.services.changes import Changed
from app.ui.appointment_list import (
    PERSON,
    TIME,
    WHAT_FOR,
    WHERE,
    WITH,
    AppointmentList,
    chosen_label,
)
from app.ui.appointment_outcome import OutcomeButtons, keep_tab_order
from app.ui.screen_fit import resize_to_fit
from app.ui.tasks import RunDb, run_here

_ALT = Qt.KeyboardModifier.AltModifier


def as_of(listed: Listed, today: date) -> Listed:
    """The status as of today, not as of the day shown: next Thursday's booking is
    'booked', not 'today', and whether they came cannot be recorded for it yet."""
    booked = listed.appointment
    return replace(listed, status=status_on(booked, listed.outcome, today))


class DayOps(Protocol):
    """app.ui.operations.WorkOperations: one day's bookings, and outcomes."""

    def day(self, on: date, mine_only: bool = True) -> list[Listed]: ...

    def record_outcome(self, person_id: str, appointment_id: str, outcome: Outcome,
                       reason: str = "") -> Changed: ...


class DayView(QDialog):
    open_person = Signal(str)  # person id: Enter or double-click on their appointment
    changed = Signal(object)  # Changed: an outcome was stored here

    def __init__(self, *, ops: DayOps, run: RunDb = run_here, today: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops, self._run = ops, run
        self._fixed_today = today  # tests fix the clock; the app reads it (open past midnight)
        self.day = self.today()
        self.setWindowTitle("My day")
        self.heading = QLabel(self)
        self.heading.setObjectName("heading")
        self.list = AppointmentList((TIME, PERSON, WHERE, WITH, WHAT_FOR),
                                    accessible_name="Appointments by time",
                                    empty_text="No appointments on this day.", parent=self)
        self.list.opened.connect(lambda listed: self.open_person.emit(listed.appointment.person_id))
        self.list.currentItemChanged.connect(lambda *_: self._enable_for_selection())
        self.outcomes = OutcomeButtons(record=self._ops.record_outcome,
                                       current=self.list.selected, run=run, parent=self)
        self.outcomes.changed.connect(self._written)
        self.outcomes.failed.connect(lambda words: self.feedback.setText(words))
        self.chosen = chosen_label(self)
        self.feedback = QLabel(self)
        self.feedback.setObjectName("errorMessage")
        self.feedback.setWordWrap(True)
        self._controls()
        self._layout()
        self._shortcuts()
        keep_tab_order(self.date_field, self.previous_button, self.today_button,
                       self.next_button, self.everyone, self.list, self.open_button,
                       *self.outcomes.buttons())
        resize_to_fit(self, QSize(1000, 560))
        self.go_to(self.day)
        self.list.setFocus()  # arrows, Enter and Page Up/Down work as soon as it opens

    def _controls(self) -> None:
        self.date_field = QLineEdit(f"{self.day:%d/%m/%Y}", self)
        self.date_field.setAccessibleName("Day shown, dd/mm/yyyy")
        self.date_field.setMaximumWidth(140)
        self.date_field.returnPressed.connect(self._typed_day)
        self.previous_button = self._button("&Previous day", "Alt+Left or Page Up",
                                            lambda: self.step(-1))
        self.today_button = self._button("&Today", "Back to today", lambda: self.go_to(
            self.today()))
        self.next_button = self._button("Ne&xt day", "Alt+Right or Page Down",
                                        lambda: self.step(1))
        self.everyone = QCheckBox("&Everyone's appointments, not only mine", self)
        self.everyone.toggled.connect(lambda _on: self.refresh())
        self.open_button = self._button("&Open person", "Open the chosen person (Enter)",
                                        self._open_chosen)

    def _button(self, text: str, tip: str, clicked: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.setToolTip(tip)
        button.setAutoDefault(False)  # Enter in the list opens the person, not a button
        button.clicked.connect(lambda: clicked())
        return button

    def _layout(self) -> None:
        label = QLabel("Da&y:", self)
        label.setBuddy(self.date_field)
        moves = QHBoxLayout()
        for widget in (label, self.date_field, self.previous_button, self.today_button,
                       self.next_button):
            moves.addWidget(widget)
        moves.addStretch()
        moves.addWidget(self.everyone)
        actions = QHBoxLayout()
        actions.addWidget(self.open_button)
        actions.addWidget(self.outcomes)
        actions.addStretch()
        layout = QVBoxLayout(self)
        layout.addLayout(moves)
        layout.addWidget(self.heading)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.chosen)
        layout.addWidget(self.feedback)
        layout.addLayout(actions)

    def _shortcuts(self) -> None:
        for keys, days in ((QKeyCombination(_ALT, Qt.Key.Key_Left), -1),
                           (QKeyCombination(_ALT, Qt.Key.Key_Right), 1),
                           (QKeyCombination(Qt.Key.Key_PageUp), -1),
                           (QKeyCombination(Qt.Key.Key_PageDown), 1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(lambda days=days: self.step(days))

    # ---- which day ---------------------------------------------------------------------------
    def today(self) -> date:
        return self._fixed_today or date.today()

    def step(self, days: int) -> None:
        self.go_to(self.day + timedelta(days=days))

    def go_to(self, day: date) -> None:
        self.day = day
        self.date_field.setText(f"{day:%d/%m/%Y}")
        self.refresh()

    def _typed_day(self) -> None:
        try:
            self.go_to(parse_date(self.date_field.text(), field="day"))
        except ValueError as error:
            self.feedback.setText(str(error))

    def refresh(self) -> None:
        on, mine_only = self.day, not self.everyone.isChecked()
        self.feedback.clear()
        self.heading.setText(self._heading(on, mine_only))
        self._run(lambda: self._ops.day(on, mine_only),
                  on_success=lambda listed: self._show(on, listed),
                  on_failure=lambda error: self.feedback.setText(f"Not read: {error}"))

    def _heading(self, on: date, mine_only: bool) -> str:
        whose = "My appointments" if mine_only else "Everyone's appointments"
        when = " — today" if on == self.today() else ""
        return f"{whose} on {on:%A %d/%m/%Y}{when}"

    def _show(self, on: date, listed: list[Listed]) -> None:
        if on != self.day:
            return  # a slower read for a day already left behind
        today = self.today()
        self.list.show_rows([as_of(item, today) for item in listed])
        self._enable_for_selection()

    # ---- acting on one -----------------------------------------------------------------------
    def _enable_for_selection(self) -> None:
        chosen = self.list.selected()
        self.chosen.setText(self.list.selected_words())
        self.outcomes.enable_for(chosen)
        self.open_button.setEnabled(chosen is not None)

    def _open_chosen(self) -> None:
        chosen = self.list.selected()
        if chosen is not None:
            self.open_person.emit(chosen.appointment.person_id)

    def _written(self, changed: Changed) -> None:
        self.changed.emit(changed)
        self.refresh()
