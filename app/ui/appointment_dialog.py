"""Book an appointment for a person, or rebook one they missed.

Typed from the keyboard top to bottom: the date (dd/mm/yyyy), the time (HH:MM), where,
with whom, what for, then Enter. A problem is shown beside its field, in the domain's
words, and what was typed stays: the dialog closes only once the booking is stored.
A rebooking starts from the missed appointment's place, person and purpose, and names it,
so the task to follow it up goes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.appointments import Appointment
from app.domain.dates import parse_date
from app.domain.errors import InvalidValue
from app.services.appointments import Booking
from app.services.changes import Changed
from app.services.errors import InvalidInput
from app.ui.appointment_words import day_and_date, parse_time, time_text
from app.ui.fields import problem_label
from app.ui.form_problems import SavesOffThread, save_and_cancel, show_beside
from app.ui.tasks import RunDb, run_here

Book = Callable[[Booking], Changed]
# (field, label with its Alt letter, placeholder): the order Tab follows.
_FIELDS = (("on", "&Date:", "dd/mm/yyyy"),
           ("at", "&Time:", "HH:MM, e.g. 14:30"),
           ("where", "W&here:", "e.g. Harlow hub, 1 Market St"),
           ("with_whom", "&With whom:", "e.g. Sam Reid, or Dr Patel at the GP"),
           ("what_for", "What it is &for:", "e.g. first script after release"))
_NAMES = {"on": "Date, dd/mm/yyyy", "at": "Time, HH:MM", "where": "Where",
          "with_whom": "With whom", "what_for": "What it is for"}


class BookingDialog(SavesOffThread, QDialog):
    NOT_DONE = "Not booked"
    booked = Signal(object)  # Changed

    def __init__(self, *, book: Book, run: RunDb = run_here,
                 follows_up: Appointment | None = None, changing: Appointment | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store, self._run, self._follows_up = book, run, follows_up
        # A change is a new booking that supersedes the old one: never an edit, so every
        # laptop keeps both and the card prints the new one.
        self._changing = changing
        self.editors: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self.setWindowTitle("Change a booking" if changing else
                            "Rebook a missed appointment" if follows_up
                            else "Book an appointment")
        self.message = problem_label(self)
        self._layout()
        if follows_up is not None:
            self._start_from(follows_up)
        if changing is not None:
            self._start_from(changing)
            self.editors["on"].setText(f"{changing.on:%d/%m/%Y}")
            self.editors["at"].setText(time_text(changing.at) if changing.at else "")
        self.editors["on"].setFocus()
        self.resize(520, self.sizeHint().height())

    def _layout(self) -> None:
        form = QFormLayout()
        for name, text, placeholder in _FIELDS:
            self._row(form, name, text, placeholder)
        buttons, self.save_button = save_and_cancel(self, "&Book")
        layout = QVBoxLayout(self)
        layout.addWidget(self._intro())
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch()
        layout.addWidget(buttons)

    def _intro(self) -> QLabel:
        missed, changing = self._follows_up, self._changing
        words = (f"This replaces the booking on {day_and_date(changing.on)} at "
                 f"{time_text(changing.at)}; the old one stays in the record's history. "
                 "Print a new card if they have the old one." if changing is not None else
                 "Where, with whom and what for are printed on the person's appointment "
                 "card." if missed is None else
                 f"They missed {day_and_date(missed.on)} at {time_text(missed.at)}. "
                 "Choose the new day and time; this booking follows that one up.")
        intro = QLabel(words, self)
        intro.setWordWrap(True)
        return intro

    def _row(self, form: QFormLayout, name: str, text: str, placeholder: str) -> None:
        editor = QLineEdit(self)
        editor.setPlaceholderText(placeholder)
        editor.setAccessibleName(_NAMES[name])
        editor.setObjectName(f"booking_{name}")
        label = QLabel(text, self)
        label.setBuddy(editor)
        error = problem_label(self)
        error.setAccessibleName(f"Problem with {_NAMES[name].split(',')[0].lower()}")
        editor.textChanged.connect(lambda _text: error.hide())  # gone once it is changed
        form.addRow(label, editor)
        form.addRow("", error)
        self.editors[name], self.errors[name] = editor, error

    def _start_from(self, missed: Appointment) -> None:
        for name in ("where", "with_whom", "what_for"):
            self.editors[name].setText(getattr(missed, name))

    # ---- saving ------------------------------------------------------------------------------
    def typed(self) -> Booking:
        """What is on screen as a booking; InvalidInput (by field) if it cannot be read."""
        problems: dict[str, str] = {}
        on = self._read(problems, "on", lambda text: parse_date(text, field="date"))
        at = self._read(problems, "at", parse_time)
        if problems or not isinstance(on, date):
            raise InvalidInput(problems)
        text = {name: self.editors[name].text() for name in ("where", "with_whom", "what_for")}
        missed, changing = self._follows_up, self._changing
        follows_up = missed.id if missed else changing.follows_up if changing else None
        return Booking(on, at if isinstance(at, time) else None, text["where"],
                       text["with_whom"], text["what_for"], follows_up=follows_up,
                       supersedes=changing.id if changing else None)

    def _read(self, problems: dict[str, str], name: str,
              read: Callable[[str], date | time | None]) -> date | time | None:
        try:
            return read(self.editors[name].text())
        except (InvalidValue, ValueError) as error:
            problems[name] = str(error)
            return None

    def _stored(self, changed: Changed) -> None:
        self.booked.emit(changed)

    def show_problems(self, problems: Mapping[str, str]) -> None:
        """Each beside its field; one about no field on screen goes above the buttons."""
        show_beside(self, problems, self.errors, self.message)
        first = next((self.editors[n] for n in problems if n in self.editors), None)
        if first is not None:
            first.setFocus()
