"""Add a person — after looking for them. Matches show as you type, with reasons.

A strong match (the service's LIKELY: an identifier, an alias, or the same date of birth
with a near name) stops the save: the worker opens that record, or creates anyway and
says why, and the reason is kept in the audit trail. Weaker matches are shown only.

The fields scroll; the buttons and the decision never do, so they stay on screen in the
820x560 work area a 1280x720 screen leaves. Typed content survives a lock as a draft.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.person import Person
from app.domain.valuesets import ValueSet
from app.services.errors import InvalidInput, PossibleDuplicates
from app.services.views import MatchView, PersonInput, PersonSummary, uk_date
from app.ui.tasks import RunDb, run_here

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
# The app stylesheet styles ::item with a border; Qt then paints a selected item's
# background from the sheet (none given) and its text in the palette's highlighted-text
# white: white on white, the "blank" selected match. Both colours said here.
_MATCH_LIST_STYLE = ("QListWidget#matchList::item:selected { background: #cfe3f0; "
                     "color: #1b2630; }")
STOPPED = ("This may be someone we already know: {name}. Open that record, or say why this "
           "is a different person and create a new record anyway.")

CreatePerson = Callable[..., PersonSummary]  # (typed, seen_ids) or (typed, seen_ids, reason)


class NewPersonForm(QWidget):
    DRAFT_KEY = "new-person"
    saved = Signal(object)  # PersonSummary
    open_existing = Signal(str)
    cancelled = Signal()

    def __init__(self, *, value_sets: dict[str, ValueSet],
                 find: Callable[[PersonInput], list[MatchView]],
                 create: CreatePerson,
                 title: str = "New person — we look for them first",
                 look_for_matches: bool = True, run: RunDb = run_here) -> None:
        super().__init__()
        self._run = run  # the app's database runner: the record is written off the UI thread
        self.busy = False  # a second press while the record is written does nothing
        self._title, self._look_for_matches = title, look_for_matches
        self.setObjectName("newPersonForm")
        self._find, self._create = find, create
        self.edits: dict[str, QLineEdit | QComboBox] = {}
        self.errors: dict[str, QLabel] = {}
        self.shown_matches: list[MatchView] = []
        self.stopped_on: list[MatchView] = []  # strong matches the last save stopped for
        self._debounce = QTimer(self, singleShot=True, interval=300)
        self._debounce.timeout.connect(self.refresh_matches)
        self._build_matches()
        self._build_decision()
        self._layout(self._build_fields(value_sets))

    # ---- building ---------------------------------------------------------------------
    def _build_fields(self, value_sets: dict[str, ValueSet]) -> QFormLayout:
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for key, label in _TEXT_FIELDS:
            edit = QLineEdit()
            edit.setPlaceholderText(_PLACEHOLDERS.get(key, ""))
            edit.textChanged.connect(lambda _text, k=key: self._edited(k))
            self._add_row(form, key, label, edit)
        for key, label, value_set in _CHOICES:
            combo = QComboBox()
            # Long choices ("Any other mixed or multiple ethnic background") must not set
            # the form's width: the list that drops down is as wide as it needs.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14)
            combo.addItem("— not recorded —", "")
            for item in value_sets[value_set]:
                combo.addItem(item.label, item.code)
            combo.currentIndexChanged.connect(lambda _index, k=key: self._edited(k))
            self._add_row(form, key, label, combo)
        return form

    def _add_row(self, form: QFormLayout, key: str, label: str,
                 edit: QLineEdit | QComboBox) -> None:
        edit.setAccessibleName(label.replace("&", ""))
        error = _wrapping_label("fieldError")
        error.hide()
        # The message sits under its field in one cell, so it takes the field's width
        # and as many lines as it needs (a row of its own was clipped to two).
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(edit)
        column.addWidget(error)
        self.edits[key], self.errors[key] = edit, error
        form.addRow(label, cell)
        form.labelForField(cell).setBuddy(edit)

    def _build_matches(self) -> None:
        self.matches = QListWidget()
        self.matches.setAccessibleName("Possible existing records")
        self.matches.setWordWrap(True)
        self.matches.setObjectName("matchList")
        self.matches.setStyleSheet(_MATCH_LIST_STYLE)
        self.matches.itemActivated.connect(lambda i: self.open_existing.emit(i.data(_ID_ROLE)))
        self.match_heading = _wrapping_label("heading")
        self.match_heading.setText("Existing records that may be this person")
        self.match_hint = _wrapping_label("hint")
        self.match_hint.setText("Enter or double-click opens a record instead.")

    def _build_decision(self) -> None:
        """Shown when a save stopped for a strong match: open it, or create with a reason."""
        self.message = _wrapping_label("errorMessage")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("why this is a different person")
        self.reason.setAccessibleName("Reason to create a new record anyway")
        self.reason.textChanged.connect(lambda _text: self.reason_error.hide())
        self.reason_error = _wrapping_label("fieldError")
        self.reason_error.hide()
        self.open_button = QPushButton("&Open that record")
        self.open_button.clicked.connect(self.open_stopped_match)
        self.create_anyway_button = QPushButton("Create &anyway")
        self.create_anyway_button.clicked.connect(self.create_anyway)
        reason_label = QLabel("&Reason")
        reason_label.setBuddy(self.reason)
        row = QHBoxLayout()
        row.addWidget(reason_label)
        row.addWidget(self.reason, 1)
        row.addWidget(self.open_button)
        row.addWidget(self.create_anyway_button)
        self.decision = QFrame()
        self.decision.setObjectName("duplicateDecision")
        self.decision.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(self.decision)
        box.addWidget(self.message)
        box.addLayout(row)
        box.addWidget(self.reason_error)
        self.decision.hide()

    def _layout(self, form: QFormLayout) -> None:
        heading = _wrapping_label("heading")
        heading.setText(self._title)
        fields = QWidget()
        fields.setObjectName("newPersonFields")
        fields.setLayout(form)
        self.scroll = QScrollArea()
        self.scroll.setWidget(fields)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        right = QVBoxLayout()
        for widget in (self.match_heading, self.matches, self.match_hint):
            right.addWidget(widget)
        body = QHBoxLayout()
        body.addWidget(self.scroll, 3)
        if self._look_for_matches:
            body.addLayout(right, 2)
        else:
            for widget in (self.match_heading, self.matches, self.match_hint):
                widget.hide()
        outer = QVBoxLayout(self)
        outer.addWidget(heading)
        outer.addLayout(body, 1)
        outer.addWidget(self.decision)
        outer.addLayout(self._buttons())

    def _buttons(self) -> QHBoxLayout:
        self.save_button = QPushButton("&Save new person")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self._cancel)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        return buttons

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

    def _edited(self, key: str) -> None:
        # The worker is fixing this field: its old message no longer describes it (Save
        # checks again), and new details may mean other matches, so the decision goes.
        self.errors[key].hide()
        self.errors[key].clear()
        self._leave_decision()
        self._debounce.start()

    # ---- matches ---------------------------------------------------------------------
    def refresh_matches(self) -> None:
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
            born = f"born {uk_date(person.date_of_birth)}" if person.date_of_birth \
                else "no date of birth"
            item = QListWidgetItem(f"{match.level.upper()}: {person.display_name}, {born}\n   "
                                   + "; ".join(match.evidence))
            item.setData(_ID_ROLE, person.id)
            item.setToolTip("\n".join(match.evidence))
            self.matches.addItem(item)
        strong = sum(m.level == "likely" for m in matches)
        self.match_heading.setText(
            "No existing record looks like this person" if not matches
            else f"{len(matches)} record(s) may be this person"
            + (f", {strong} likely" if strong else ""))
        self.match_heading.setToolTip("Saving stops for a likely match until you open it "
                                      "or give a reason" if strong else "")

    # ---- saving ----------------------------------------------------------------------
    def save(self) -> None:
        if self.stopped_on:
            self.reason.setFocus()  # the decision is open: Save does not skip it
            return
        self._submit(self._create, self.typed(), [])

    def create_anyway(self) -> None:
        """Create despite the strong matches shown; the service records the reason."""
        seen = [m.person.id for m in self.stopped_on]
        reason = self.reason.text()
        self._submit(lambda typed, ids: self._create(typed, ids, reason), self.typed(), seen)

    def open_stopped_match(self) -> None:
        item = self.matches.currentItem()
        stopped_ids = [m.person.id for m in self.stopped_on]
        chosen = item.data(_ID_ROLE) if item is not None else None
        self.open_existing.emit(chosen if chosen in stopped_ids else stopped_ids[0])

    def _submit(self, create: CreatePerson, typed: PersonInput, seen: list[str]) -> None:
        if self.busy:
            return
        for label in self.errors.values():
            label.hide()
        self.busy = True
        self._run(lambda: create(typed, seen), on_success=self._created,
                  on_failure=self._not_created)

    def _created(self, person: PersonSummary) -> None:
        self.busy = False
        self.clear()
        self.saved.emit(person)

    def _not_created(self, error: Exception) -> None:
        self.busy = False
        if isinstance(error, InvalidInput):
            self._show_problems(error.problems)
        elif isinstance(error, PossibleDuplicates):
            self._stop_for(error.matches)
        else:
            raise error  # a bug, not the worker's input: as loud as before

    def _show_problems(self, problems: dict[str, str]) -> None:
        for key, text in problems.items():
            label = self.reason_error if key == "reason" else self.errors.get(key)
            if label is not None:
                label.setText(text)
                label.show()
        first = next((self.edits[k] for k in self.edits if k in problems), None)
        if first is not None:
            self.scroll.ensureWidgetVisible(first)
            first.setFocus()
        elif "reason" in problems:
            self.reason.setFocus()

    def _stop_for(self, strong: list[MatchView]) -> None:
        shown = {m.person.id for m in strong}
        self.show_matches(strong + [m for m in self.shown_matches if m.person.id not in shown])
        self.stopped_on = list(strong)
        names = "; ".join(f"{m.person.display_name}, born {uk_date(m.person.date_of_birth)}"
                          if m.person.date_of_birth else m.person.display_name for m in strong)
        self.message.setText(STOPPED.format(name=names))
        self.open_button.setText("&Open that record" if len(strong) == 1
                                 else "&Open the selected record")
        self.matches.setCurrentRow(0)
        self.decision.show()
        self.save_button.setEnabled(False)
        self.reason.setFocus()

    def _leave_decision(self) -> None:
        if not self.stopped_on:
            return
        self.stopped_on = []
        self.decision.hide()
        self.reason.clear()
        self.reason_error.hide()
        self.save_button.setEnabled(True)

    def clear(self) -> None:
        for edit in self.edits.values():
            edit.setCurrentIndex(0) if isinstance(edit, QComboBox) else edit.clear()
        self._leave_decision()
        self.show_matches([])

    def _cancel(self) -> None:
        self.clear()
        self.cancelled.emit()

    # ---- drafts and editing ----------------------------------------------------------
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


def _wrapping_label(name: str) -> QLabel:
    """A label that wraps to its width and grows downwards, never clipping a message."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
