"""Editing a person's details, and merging two records of one person (reversibly)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
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

from app.services import merge, people
from app.services.caseload import search_people
from app.services.errors import InvalidInput
from app.services.session import WorkerSession
from app.services.views import PersonInput, PersonSummary
from app.ui.new_person_form import NewPersonForm

_ID = Qt.ItemDataRole.UserRole


class EditPersonDialog(QDialog):
    """Continuity of care: update details that changed since the record was made."""

    def __init__(self, *, session: WorkerSession, person_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("InsideOut — edit personal details")
        self._session, self._person_id = session, person_id
        self._person = people.get_person(session=session, person_id=person_id).person
        self.form = NewPersonForm(value_sets=dict(session.reference.schema.value_sets),
                                  find=lambda _typed: [], create=self._save,
                                  title="Personal details", look_for_matches=False)
        self.form.save_button.setText("&Save changes")
        self.form.load_person(self._person)
        self.form.saved.connect(lambda _summary: self.accept())
        self.form.cancelled.connect(self.reject)
        QVBoxLayout(self).addWidget(self.form)
        self.resize(560, 720)

    def _save(self, typed: PersonInput, _seen: list[str]) -> PersonSummary:
        kinds = {a.text: a.kind for a in self._person.aliases}
        # Fields the form does not show are carried over, never blanked.
        complete = replace(typed, address_line2=self._person.address.line2,
                           email=self._person.contact.email,
                           aliases=tuple((text, kinds.get(text, kind))
                                         for text, kind in typed.aliases))
        people.update_person(session=self._session, person_id=self._person_id,
                             person=complete)
        return PersonSummary(self._person_id, typed.given_name, typed.family_name, None)


class MergeDialog(QDialog):
    """Fold another record of the same person into this one. Both histories are kept."""

    merged = Signal()

    def __init__(self, *, session: WorkerSession, survivor_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("InsideOut — merge two records of one person")
        self._session, self._survivor = session, survivor_id
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find the other record: name, PNC, prison or NHS no.")
        self.search.textChanged.connect(self._find)
        self.results = QListWidget()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("why they are the same person, e.g. same PNC ID")
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        go = QPushButton("&Merge into this record")
        go.clicked.connect(self.merge_selected)
        intro = QLabel("Nothing is deleted: the other record's answers are kept and shown, "
                       "and the merge can be undone from the person's screen.")
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Other record", self.search)
        form.addRow("", self.results)
        form.addRow("Reason", self.reason)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(go)
        layout = QVBoxLayout(self)
        for widget in (intro,):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(560, 460)

    def _find(self, text: str) -> None:
        self.results.clear()
        for person in search_people(session=self._session, text=text):
            if person.id == self._survivor:
                continue
            item = QListWidgetItem(f"{person.display_name}, born "
                                   f"{person.date_of_birth or 'not known'}")
            item.setData(_ID, person.id)
            self.results.addItem(item)

    def merge_selected(self) -> None:
        item = self.results.currentItem()
        if item is None:
            self.message.setText("Choose the other record first.")
            return
        try:
            merge.merge_people(session=self._session, survivor_id=self._survivor,
                               merged_id=item.data(_ID), reason=self.reason.text())
        except InvalidInput as error:
            self.message.setText(str(error))
            return
        self.merged.emit()
        self.accept()
