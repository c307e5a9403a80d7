"""Add a person — after looking for them. Likely matches show as you type, with reasons.

Typed content survives a lock as a draft, like every form.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.person import Person
from app.domain.valuesets import ValueSet
from app.services.errors import InvalidInput, PossibleDuplicates
from app.services.views import MatchView, PersonInput, PersonSummary

_TEXT_FIELDS = (("given_name", "&First name"), ("middle_name", "Middle name"),
                ("family_name", "Family &name"), ("date_of_birth", "&Date of birth"),
                ("aliases", "Also known as"), ("pnc_id", "PNC ID"),
                ("prison_number", "Prison number"), ("nhs_number", "NHS number"),
                ("gender", "Gender (their words)"), ("nationality", "Nationality"),
                ("phone", "Phone"), ("address_line1", "Address"), ("town", "Town"),
                ("postcode", "Postcode"))
_CHOICES = (("sex", "Sex", "sex"), ("ethnicity", "Ethnicity", "ethnicity"),
            ("home_district", "Home district", "home_districts"))
_PLACEHOLDERS = {"date_of_birth": "dd/mm/yyyy", "aliases": "nicknames, separated by commas",
                 "pnc_id": "YYYY/NNNNNNNC", "prison_number": "A1234BC",
                 "nhs_number": "943 476 5919"}


_ID_ROLE = Qt.ItemDataRole.UserRole


class NewPersonForm(QWidget):
    DRAFT_KEY = "new-person"
    saved = Signal(object)  # PersonSummary
    open_existing = Signal(str)
    cancelled = Signal()

    def __init__(self, *, value_sets: dict[str, ValueSet],
                 find: Callable[[PersonInput], list[MatchView]],
                 create: Callable[[PersonInput, list[str]], PersonSummary],
                 title: str = "New person — we look for them first",
                 look_for_matches: bool = True) -> None:
        super().__init__()
        self._title, self._look_for_matches = title, look_for_matches
        self.setObjectName("newPersonForm")
        self._find, self._create = find, create
        self.edits: dict[str, QLineEdit | QComboBox] = {}
        self.errors: dict[str, QLabel] = {}
        self.shown_matches: list[MatchView] = []
        self._warned = False  # the worker was told about likely matches and saves anyway
        self._debounce = QTimer(self, singleShot=True, interval=300)
        self._debounce.timeout.connect(self.refresh_matches)
        form = self._build_fields(value_sets)
        self.matches = QListWidget()
        self.matches.setAccessibleName("Possible existing records")
        self.matches.setWordWrap(True)
        self.matches.setObjectName("matchList")
        self.matches.itemActivated.connect(lambda i: self.open_existing.emit(i.data(_ID_ROLE)))
        self.match_heading = QLabel("Existing records that may be this person")
        self.match_heading.setObjectName("heading")
        self.message = QLabel()
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self._layout(form)

    def _build_fields(self, value_sets: dict[str, ValueSet]) -> QFormLayout:
        form = QFormLayout()
        for key, label in _TEXT_FIELDS:
            edit = QLineEdit()
            edit.setPlaceholderText(_PLACEHOLDERS.get(key, ""))
            edit.textChanged.connect(self._debounce.start)
            self._add_row(form, key, label, edit)
        for key, label, value_set in _CHOICES:
            combo = QComboBox()
            combo.addItem("— not recorded —", "")
            for item in value_sets[value_set]:
                combo.addItem(item.label, item.code)
            combo.currentIndexChanged.connect(self._debounce.start)
            self._add_row(form, key, label, combo)
        return form

    def _add_row(self, form: QFormLayout, key: str, label: str,
                 edit: QLineEdit | QComboBox) -> None:
        edit.setAccessibleName(label.replace("&", ""))
        error = QLabel()
        error.setObjectName("fieldError")
        error.setWordWrap(True)
        error.hide()
        self.edits[key], self.errors[key] = edit, error
        form.addRow(label, edit)
        form.addRow("", error)

    def _layout(self, form: QFormLayout) -> None:
        heading = QLabel(self._title)
        heading.setObjectName("heading")
        self.save_button = QPushButton("&Save new person")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self._cancel)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        left = QVBoxLayout()
        left.addWidget(heading)
        left.addLayout(form)
        left.addWidget(self.message)
        left.addLayout(buttons)
        left.addStretch()
        right = QVBoxLayout()
        right.addWidget(self.match_heading)
        right.addWidget(self.matches)
        hint = QLabel("Double-click or press Enter on a record to open it instead.")
        hint.setObjectName("hint")
        right.addWidget(hint)
        row = QHBoxLayout(self)
        row.addLayout(left, 3)
        if self._look_for_matches:
            row.addLayout(right, 2)
        else:
            for widget in (self.match_heading, self.matches, hint):
                widget.hide()

    # ---- reading the form ------------------------------------------------------------
    def _text(self, key: str) -> str:
        edit = self.edits[key]
        return str(edit.currentData() or "") if isinstance(edit, QComboBox) else edit.text()

    def typed(self) -> PersonInput:
        values = {key: self._text(key) for key in self.edits if key != "aliases"}
        aliases = tuple((a.strip(), "nickname") for a in self._text("aliases").split(",")
                        if a.strip())
        return PersonInput(**values, aliases=aliases)

    def has_content(self) -> bool:
        return any(self._text(key).strip() for key in self.edits)

    # ---- matches ---------------------------------------------------------------------
    def refresh_matches(self) -> None:
        self._warned = False  # new details: new matches to look at
        if not self._look_for_matches:
            return
        typed = self.typed()
        found = self._find(typed) if typed.family_name.strip() else []
        self.show_matches(found)

    def show_matches(self, matches: list[MatchView]) -> None:
        self.shown_matches = list(matches)
        self.matches.clear()
        for match in matches:
            person = match.person
            born = f"born {person.date_of_birth[8:10]}/{person.date_of_birth[5:7]}/" \
                   f"{person.date_of_birth[:4]}" if person.date_of_birth else "no date of birth"
            item = QListWidgetItem(f"{match.level.upper()}: {person.display_name}, {born}\n   "
                                   + "; ".join(match.evidence))
            item.setData(_ID_ROLE, person.id)
            self.matches.addItem(item)
        self.match_heading.setText(
            f"{len(matches)} existing record(s) may be this person" if matches
            else "No existing record looks like this person")

    # ---- saving ----------------------------------------------------------------------
    def save(self) -> None:
        for label in self.errors.values():
            label.hide()
        self.message.clear()
        try:
            seen = [m.person.id for m in self.shown_matches] if self._warned else []
            person = self._create(self.typed(), seen)
        except InvalidInput as error:
            for key, text in error.problems.items():
                if key in self.errors:
                    self.errors[key].setText(text)
                    self.errors[key].show()
            return
        except PossibleDuplicates as duplicates:
            self.show_matches(duplicates.matches)
            self._warned = True
            self.message.setText("This may be someone we already know. Check the records on "
                                 "the right; press Save again to create a new record anyway.")
            return
        self.clear()
        self.saved.emit(person)

    def clear(self) -> None:
        for edit in self.edits.values():
            edit.setCurrentIndex(0) if isinstance(edit, QComboBox) else edit.clear()
        self.show_matches([])

    def _cancel(self) -> None:
        self.clear()
        self.cancelled.emit()

    def draft_state(self) -> dict[str, object]:
        return {key: self._text(key) for key in self.edits}

    def load_person(self, person: Person) -> None:
        """Fill the form from a saved record, to edit it."""
        ids, address = person.identifiers, person.address
        self.restore_draft({
            "given_name": person.name.given, "middle_name": person.name.middle,
            "family_name": person.name.family,
            "date_of_birth": f"{person.date_of_birth:%d/%m/%Y}" if person.date_of_birth else "",
            "aliases": ", ".join(a.text for a in person.aliases), "pnc_id": ids.pnc_id,
            "prison_number": ids.prison_number, "nhs_number": ids.nhs_number,
            "gender": person.gender, "nationality": person.nationality,
            "phone": person.contact.phone, "address_line1": address.line1,
            "town": address.town, "postcode": address.postcode, "sex": person.sex,
            "ethnicity": person.ethnicity, "home_district": address.home_district})

    def restore_draft(self, state: dict[str, object]) -> None:
        for key, edit in self.edits.items():
            value = str(state.get(key, ""))
            if isinstance(edit, QComboBox):
                edit.setCurrentIndex(max(edit.findData(value), 0))
            else:
                edit.setText(value)

    def focus_first(self) -> None:
        self.edits["given_name"].setFocus()


