"""Editing a person's details, and merging two records of one person (reversibly)."""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.assessment import AssessmentSchema
from app.domain.person import Person
from app.services.caseload import nobody_found_message
from app.services.changes import Changed
from app.services.errors import InvalidInput
from app.services.views import PersonInput, PersonRecord, PersonSummary, uk_date
from app.ui.new_person_form import NewPersonForm
from app.ui.tasks import RunDb, run_here

_ID = Qt.ItemDataRole.UserRole


class _People(Protocol):
    @property
    def schema(self) -> AssessmentSchema: ...

    def person(self, person_id: str) -> PersonRecord: ...


class DetailsOps(_People, Protocol):
    def update_person(self, person_id: str, person: PersonInput) -> Changed: ...


class MergeOps(_People, Protocol):
    def search(self, text: str) -> list[PersonSummary]: ...

    def merge(self, survivor_id: str, merged_id: str, reason: str) -> Changed: ...


class EditPersonDialog(QDialog):
    """Continuity of care: update details that changed since the record was made."""

    saved = Signal(object)  # Changed

    def __init__(self, *, ops: DetailsOps, person_id: str, run: RunDb = run_here,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("InsideOut — edit personal details")
        self._ops, self._person_id = ops, person_id
        self._person = ops.person(person_id).person
        self._changed = Changed()
        self.form = NewPersonForm(value_sets=dict(ops.schema.value_sets),
                                  find=lambda _typed: [], create=self._save,
                                  title="Personal details", look_for_matches=False, run=run)
        self.form.save_button.setText("&Save changes")
        self.form.load_person(self._person)
        self.form.saved.connect(lambda _summary: (self.saved.emit(self._changed),
                                                  self.accept()))
        self.form.cancelled.connect(self.reject)
        QVBoxLayout(self).addWidget(self.form)
        self.resize(600, 600)  # the fields scroll; Save stays on a 1280x720 screen

    def _save(self, typed: PersonInput, _seen: list[str]) -> PersonSummary:
        kinds = {a.text: a.kind for a in self._person.aliases}
        # Fields the form does not show are carried over, never blanked.
        complete = replace(typed, address_line2=self._person.address.line2,
                           email=self._person.contact.email,
                           aliases=tuple((text, kinds.get(text, kind))
                                         for text, kind in typed.aliases))
        # On the database thread: the form hands the summary back on the UI thread.
        self._changed = self._ops.update_person(self._person_id, complete)
        return PersonSummary(self._person_id, typed.given_name, typed.family_name, None)


class MergeDialog(QDialog):
    """Fold one record of a person into the other. Both histories are kept.

    The worker finds the other record, sees the two side by side and chooses which one
    carries on (by default the one the dialog was opened from)."""

    merged = Signal(object)  # Changed
    merged_into = Signal(str)  # the survivor, when it is not the record we started from

    def __init__(self, *, ops: MergeOps, survivor_id: str, run: RunDb = run_here,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("InsideOut — merge two records of one person")
        self._ops, self._this = ops, survivor_id
        self._run = run  # the app's database runner: the merge is written off the UI thread
        self._other: str | None = None
        self._sexes = {item.code: item.label for item in ops.schema.value_sets["sex"]}
        self._build_search()
        self._build_facts()
        self._build_choice()
        self._layout()
        self._show_facts(0, ops.person(survivor_id).person)
        self.resize(860, 600)  # inside the 1280x688 a 1280x720 screen leaves

    # ---- building ---------------------------------------------------------------------
    def _build_search(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find the other record: name, date of birth, PNC, "
                                       "prison or NHS no.")
        self.search.setAccessibleName("Find the other record")
        self.search.textChanged.connect(self._find)
        self.results = QListWidget()
        self.results.setAccessibleName("Records found")
        self.results.setMaximumHeight(110)
        self.results.currentItemChanged.connect(self._other_chosen)
        self.nobody = QLabel()
        self.nobody.setObjectName("hint")
        self.nobody.setWordWrap(True)
        self.nobody.hide()

    def _build_facts(self) -> None:
        """Two columns of key facts: the record we started from, and the other one."""
        self.facts = QGridLayout()
        self.facts.setHorizontalSpacing(16)
        self._fact_labels: dict[tuple[str, int], QLabel] = {}
        # The column headings are the choice: the record ticked is the one that stays.
        self.keep_this = QRadioButton("Keep &this record")
        self.keep_other = QRadioButton("Keep the &other record")
        self.keep_this.setChecked(True)
        self.keep_other.setEnabled(False)
        self._keep = QButtonGroup(self)
        for column, button in enumerate((self.keep_this, self.keep_other), start=1):
            self._keep.addButton(button)
            self.facts.addWidget(button, 0, column)
        for row, fact in enumerate(_FACTS, start=1):
            self.facts.addWidget(QLabel(fact), row, 0)
            for column in (0, 1):
                label = QLabel("—")
                label.setWordWrap(True)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self._fact_labels[(fact, column)] = label
                self.facts.addWidget(label, row, column + 1)
        self.facts.setColumnStretch(1, 1)
        self.facts.setColumnStretch(2, 1)

    def _build_choice(self) -> None:
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("why they are the same person, e.g. same PNC ID")
        self.reason.setAccessibleName("Reason for the merge")
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        self.merge_button = QPushButton("&Merge the two records")
        self.merge_button.clicked.connect(self.merge_selected)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        for button in (self.merge_button, self.cancel_button):
            button.setAutoDefault(False)  # Enter in the search box must not merge

    def _layout(self) -> None:
        intro = QLabel("Nothing is deleted: the record that goes keeps its answers, shown "
                       "in the one that stays, and the merge can be undone from that "
                       "person's screen.")
        intro.setWordWrap(True)
        find = QLabel("&Find")
        find.setBuddy(self.search)
        reason = QLabel("&Reason")
        reason.setBuddy(self.reason)
        search_row, reason_row, buttons = (QHBoxLayout() for _ in range(3))
        search_row.addWidget(find)
        search_row.addWidget(self.search, 1)
        reason_row.addWidget(reason)
        reason_row.addWidget(self.reason, 1)
        buttons.addStretch()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.merge_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(search_row)
        layout.addWidget(self.results)
        layout.addWidget(self.nobody)
        layout.addLayout(self.facts)
        layout.addStretch()
        layout.addLayout(reason_row)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    # ---- finding the other record -----------------------------------------------------
    def _find(self, text: str) -> None:
        self.results.clear()
        found = [p for p in self._ops.search(text)
                 if p.id != self._this] if text.strip() else []
        for person in found:
            item = QListWidgetItem(f"{person.display_name}, born "
                                   f"{uk_date(person.date_of_birth) or 'not known'}")
            item.setData(_ID, person.id)
            self.results.addItem(item)
        self.nobody.setText(nobody_found_message(text=text).split("\n\n")[0]
                            if text.strip() and not found
                            else "")
        self.nobody.setVisible(bool(self.nobody.text()))

    def _other_chosen(self, item: QListWidgetItem | None) -> None:
        self._other = item.data(_ID) if item is not None else None
        person = self._ops.person(self._other).person if self._other else None
        self._show_facts(1, person)
        self.keep_other.setEnabled(person is not None)
        if person is None:
            self.keep_this.setChecked(True)

    def _show_facts(self, column: int, person: Person | None) -> None:
        values = _facts(person, self._sexes) if person else dict.fromkeys(_FACTS, "—")
        for fact, value in values.items():
            self._fact_labels[(fact, column)].setText(value or "—")

    # ---- merging ------------------------------------------------------------------------
    @property
    def survivor_id(self) -> str:
        return self._other if self.keep_other.isChecked() and self._other else self._this

    def merge_selected(self) -> None:
        if self._other is None:
            self.message.setText("Find and choose the other record first.")
            return
        survivor, reason = self.survivor_id, self.reason.text()
        merged_id = self._other if survivor == self._this else self._this
        self.merge_button.setEnabled(False)  # a second press while it merges does nothing
        self._run(lambda: self._ops.merge(survivor, merged_id, reason),
                  on_success=lambda changed: self._merged(survivor, changed),
                  on_failure=self._refused)

    def _merged(self, survivor: str, changed: Changed) -> None:
        self.merged.emit(changed)
        if survivor != self._this:
            self.merged_into.emit(survivor)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.merge_button.setEnabled(True)
        if not isinstance(error, InvalidInput):
            raise error  # a bug, not the worker's choice: as loud as before
        self.message.setText(str(error))


_FACTS = ("Name", "Date of birth", "Sex", "PNC ID", "NHS number", "Prison number",
          "Also known as", "Address")


def _facts(person: Person, sexes: dict[str, str]) -> dict[str, str]:
    ids, address = person.identifiers, person.address
    sex = sexes.get(person.sex, "")
    return {
        "Name": person.name.display(),
        "Date of birth": uk_date(person.date_of_birth.isoformat())
        if person.date_of_birth else "",
        "Sex": sex, "PNC ID": ids.pnc_id, "NHS number": ids.nhs_number,
        "Prison number": ids.prison_number,
        "Also known as": ", ".join(a.text for a in person.aliases),
        "Address": ", ".join(p for p in (address.line1, address.town, address.postcode) if p),
    }
