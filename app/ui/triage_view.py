"""Custody triage: the essentials in a few minutes, keyboard only.

Tab moves through the fields in form order, typing picks from a list, Ctrl+S saves
every section touched in one go, Esc goes back to the full record.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.services import assessment, people
from app.services.errors import InvalidInput
from app.services.session import WorkerSession
from app.ui.assessment_form import AssessmentForm
from app.ui.person_banner import identity_line


class TriageView(QWidget):
    DRAFT_KEY = "triage"
    done = Signal(str)  # person id, after a save or Esc

    def __init__(self, *, session: WorkerSession, person_id: str) -> None:
        super().__init__()
        self.setObjectName("triageView")
        self._session = session
        self.person_id = person_id
        schema = session.reference.schema
        record = people.get_person(session=session, person_id=person_id)
        title = QLabel(f"Custody triage — {record.person.name.display()}")
        title.setObjectName("heading")
        who = QLabel(identity_line(record))
        hint = QLabel("Tab to move, type to choose, Ctrl+S to save, Esc to go back.")
        hint.setObjectName("hint")
        self.form = AssessmentForm([(t.section.id, t.field) for t in schema.triage()],
                                   schema.value_sets)
        self.form.load(assessment.load_assessment(session=session, person_id=person_id).values)
        self.message = QLabel()
        self.message.setObjectName("errorMessage")
        self.save_button = QPushButton("Save triage")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Cancel), self,
                  activated=lambda: self.done.emit(self.person_id))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        layout = QVBoxLayout(self)
        for widget in (title, who, hint, scroll, self.message):
            layout.addWidget(widget)
        layout.addWidget(self.save_button, alignment=Qt.AlignmentFlag.AlignRight)

    def focus_first(self) -> None:
        first = self.form.first_editor()
        if first is not None:
            first.setFocus()

    def save(self) -> None:
        self.form.clear_problems()
        self.message.clear()
        typed = self.form.typed_by_section()
        try:
            assessment.save_sections(session=self._session, person_id=self.person_id,
                                     typed=typed)
        except InvalidInput as error:
            for section in typed:
                self.form.show_problems(section, error.problems)
            self.message.setText("Some answers need fixing; they are marked in red.")
            return
        self.done.emit(self.person_id)

    def draft_state(self) -> dict[str, object]:
        state = self.form.draft_state()
        return {"person_id": self.person_id, "fields": state} if state else {}
