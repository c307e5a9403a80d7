"""A short form to add a person. Its typed content survives a lock as a draft."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import InvalidInput
from app.services.views import PersonSummary

AddPerson = Callable[..., PersonSummary]
_FIELDS = (("given_name", "&First name"), ("family_name", "Family &name"),
           ("date_of_birth", "&Date of birth"))


class NewPersonForm(QWidget):
    DRAFT_KEY = "new-person"
    saved = Signal(object)
    cancelled = Signal()

    def __init__(self, *, add_person: AddPerson) -> None:
        super().__init__()
        self.setObjectName("newPersonForm")
        self._add_person = add_person
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        heading = QLabel("New person")
        heading.setObjectName("heading")
        form = QFormLayout()
        for key, label in _FIELDS:
            edit, error = QLineEdit(), QLabel()
            edit.setAccessibleName(label.replace("&", ""))
            error.setObjectName("fieldError")
            self.edits[key], self.errors[key] = edit, error
            form.addRow(label, edit)
            form.addRow("", error)
        self.edits["date_of_birth"].setPlaceholderText("dd/mm/yyyy")
        self.save_button = QPushButton("&Save")
        self.save_button.setDefault(True)
        cancel = QPushButton("Cancel")
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self._cancel)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch()

    def has_content(self) -> bool:
        return any(edit.text().strip() for edit in self.edits.values())

    def draft_state(self) -> dict[str, object]:
        return {key: edit.text() for key, edit in self.edits.items()}

    def restore_draft(self, state: dict[str, object]) -> None:
        for key, edit in self.edits.items():
            edit.setText(str(state.get(key, "")))

    def clear(self) -> None:
        for key, edit in self.edits.items():
            edit.clear()
            self.errors[key].clear()

    def save(self) -> None:
        for label in self.errors.values():
            label.clear()
        values = {key: edit.text() for key, edit in self.edits.items()}
        dob = _iso_date(values["date_of_birth"])
        if dob is None:
            self.errors["date_of_birth"].setText("Type the date as dd/mm/yyyy, e.g. 07/03/1989.")
            return
        try:
            person = self._add_person(given_name=values["given_name"],
                                      family_name=values["family_name"], date_of_birth=dob or None)
        except InvalidInput as exc:
            for key, message in exc.problems.items():
                self.errors[key].setText(message)
            return
        self.clear()
        self.saved.emit(person)

    def _cancel(self) -> None:
        self.clear()
        self.cancelled.emit()


def _iso_date(text: str) -> str | None:
    """'' for no date, an ISO date, or None if the text is not a real dd/mm/yyyy date."""
    from datetime import date

    text = text.strip()
    if not text:
        return ""
    parts = text.replace("-", "/").replace(".", "/").split("/")
    try:
        day, month, year = (int(p) for p in parts)
        if year < 1900 or year > date.today().year:
            return None
        return date(year, month, day).isoformat()
    except ValueError:
        return None
