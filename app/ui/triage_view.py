"""Custody triage: the essentials in a few minutes, keyboard only.

Tab moves through the fields in form order, typing picks from a list, Ctrl+S saves
every section touched in one go, Esc goes back to the full record. Saving records the
visit as a custody contact.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.services import assessment, people
from app.services.assessment import TriageSaved
from app.services.errors import InvalidInput
from app.services.session import WorkerSession
from app.ui.assessment_form import AssessmentForm
from app.ui.person_banner import identity_line
from app.ui.section_panel import SaveFeedback, not_saved_text
from app.ui.tasks import RunDb, run_here


def triage_saved_text(saved: TriageSaved, at: datetime | None = None) -> str:
    changed = saved.change_count
    answers = f"{changed} answer{'s' if changed != 1 else ''} changed" if changed \
        else "no answers changed"
    return f"Triage saved {(at or datetime.now()):%H:%M} — {answers}; custody contact recorded"


class TriageView(QWidget):
    DRAFT_KEY = "triage"
    done = Signal(str)  # person id, after a save or Esc

    def __init__(self, *, session: WorkerSession, person_id: str,
                 run: RunDb = run_here, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("triageView")
        self._session = session
        self._run = run
        self.person_id = person_id
        self.busy = False
        self.last_saved = ""  # what the person view says once the triage is saved
        schema = session.reference.schema
        record = people.get_person(session=session, person_id=person_id)
        title = QLabel(f"Custody triage — {record.person.name.display()}")
        title.setObjectName("heading")
        title.setWordWrap(True)
        who = QLabel(identity_line(record))
        who.setWordWrap(True)
        hint = QLabel("Tab to move, type to choose, Ctrl+S to save, Esc to go back.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        self.form = AssessmentForm([(t.section.id, t.field) for t in schema.triage()],
                                   schema.value_sets, scroll.viewport())  # made in place
        scroll.setWidget(self.form)
        self.form.load(assessment.load_assessment(session=session, person_id=person_id).values)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Cancel), self,
                  activated=lambda: self.done.emit(self.person_id))
        layout = QVBoxLayout(self)
        for widget in (title, who, hint):
            layout.addWidget(widget)
        layout.addWidget(scroll, 1)
        layout.addLayout(self._save_row())

    def _save_row(self) -> QHBoxLayout:
        # Outside the scroll area: reachable however long the form.
        self.save_button = QPushButton("&Save triage")
        self.save_button.setToolTip("Save the triage and record a custody contact (Ctrl+S)")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.message = SaveFeedback()  # "Saving…", or what needs fixing
        self.message.setObjectName("errorMessage")
        row = QHBoxLayout()
        row.addWidget(self.message, 1)
        row.addWidget(self.save_button)
        return row

    def focus_first(self) -> None:
        first = self.form.first_editor()
        if first is not None:
            first.setFocus()

    def save(self) -> None:
        if self.busy:
            return  # a second press while saving does nothing
        self.form.clear_problems()
        typed = self.form.typed_by_section()
        self._set_busy(True)
        self._run(lambda: assessment.save_triage(session=self._session,
                                                 person_id=self.person_id, typed=typed),
                  on_success=self._saved, on_failure=lambda e: self._failed(e, typed))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.save_button.setEnabled(not busy)
        if busy:
            self.message.show_state("Saving…", "busy")
            self.message.repaint()  # painted now, even if the save runs on this thread
            self.save_button.repaint()
        else:
            self.message.show_state("", "")

    def _saved(self, saved: TriageSaved) -> None:
        self._set_busy(False)
        self.last_saved = triage_saved_text(saved)
        self.done.emit(self.person_id)

    def _failed(self, error: Exception, typed: dict[str, dict[str, str]]) -> None:
        self._set_busy(False)
        if isinstance(error, InvalidInput):
            for section in typed:
                self.form.show_problems(section, error.problems)
        self.message.show_state(not_saved_text(error), "failed")

    def draft_state(self) -> dict[str, object]:
        state = self.form.draft_state()
        return {"person_id": self.person_id, "fields": state} if state else {}
