"""Custody triage: the essentials in a few minutes, keyboard only.

Tab moves through the fields in form order, typing picks from a list, Ctrl+S saves
every section touched in one go, Esc goes back to the full record. Saving records the
visit as a custody contact.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.domain.assessment import AssessmentSchema, Value
from app.services.assessment import AssessmentView, HistoryEntry, SectionSaved, TriageSaved
from app.services.changes import Changed, Part
from app.services.errors import InvalidInput
from app.services.views import PersonRecord
from app.ui.assessment_form import AssessmentForm
from app.ui.person_banner import identity_line
from app.ui.section_panel import SaveFeedback, not_saved_text, show_stale
from app.ui.tasks import RunDb, run_here


def triage_saved_text(saved: TriageSaved, at: datetime | None = None) -> str:
    changed = saved.change_count
    answers = f"{changed} answer{'s' if changed != 1 else ''} changed" if changed \
        else "no answers changed"
    return f"Triage saved {(at or datetime.now()):%H:%M} — {answers}; custody contact recorded"


Typed = dict[str, dict[str, str]]
Base = dict[str, dict[str, Value]]
Values = dict[str, dict[str, Value]]


class TriageOps(Protocol):
    @property
    def schema(self) -> AssessmentSchema: ...

    def person(self, person_id: str) -> PersonRecord: ...

    def assessment(self, person_id: str) -> AssessmentView: ...

    def changed_by(self, person_id: str, now: dict[tuple[str, str], Value | None]
                   ) -> dict[tuple[str, str], HistoryEntry]: ...

    def save_triage(self, person_id: str, typed: Typed, base: Base) -> TriageSaved: ...

    def save_sections(self, person_id: str, typed: Typed, base: Base) -> list[SectionSaved]: ...


class TriageView(QWidget):
    DRAFT_KEY = "triage"
    done = Signal(str)  # person id, after a save or Esc
    changed = Signal(object)  # Changed: answers written here, the window catches up

    def __init__(self, *, ops: TriageOps, person_id: str,
                 run: RunDb = run_here, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("triageView")
        self._ops = ops
        self._run = run
        self.person_id = person_id
        self.busy = False
        self.last_saved = ""  # what the person view says once the triage is saved
        schema = ops.schema
        record = ops.person(person_id)
        title = QLabel(f"Custody triage — {record.person.name.display()}")
        title.setObjectName("heading")
        title.setWordWrap(True)
        who = QLabel(identity_line(record))
        who.setWordWrap(True)
        hint = QLabel("Tab to move, type to choose, Ctrl+S to save, Esc to go back."
                      + (" UNDER 18 — young people's pathway: their safeguarding questions "
                         "(at the end) must be answered before this saves."
                         if record.young_person else ""))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        # An under-18's triage asks the young person's safeguarding questions too: the
        # service refuses to save it without them.
        self.form = AssessmentForm([(t.section.id, t.field)
                                    for t in schema.triage(young=record.young_person)],
                                   schema.value_sets, scroll.viewport())  # made in place
        scroll.setWidget(self.form)
        self._values = ops.assessment(person_id).values
        self.form.load(self._values)
        self.form.overwrite_requested.connect(self.write_mine)
        self.form.choice_made.connect(self._choice_made)
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
        """Only the answers changed here, with what they were changed from. Every section
        the triage shows is still sent (most with nothing typed): going through the
        triage with the person confirms them, as it always has."""
        if self.busy:
            return  # a second press while saving does nothing
        self.form.clear_problems()
        typed = {section: {} for section in self.form.sections()}
        typed.update(self.form.typed_by_section(changed_only=True))
        base = self.form.base_by_section()
        self._set_busy(True)
        person_id = self.person_id
        self._run(lambda: self._ops.save_triage(person_id, typed, base),
                  on_success=self._saved, on_failure=lambda e: self._failed(e, typed))

    def write_mine(self, section: str, field_id: str) -> None:
        """The deliberate second step: this answer over the newer one. The triage and its
        contact are saved already; this writes the one answer and records no new visit."""
        if self.busy:
            return
        typed = {section: {field_id: self.form.typed_by_section()[section][field_id]}}
        base = {section: {field_id: self.form.notes[(section, field_id)].newer}}
        self._set_busy(True)
        person_id = self.person_id
        self._run(lambda: self._ops.save_sections(person_id, typed, base),
                  on_success=self._written, on_failure=lambda e: self._failed(e, typed))

    def refresh_from_store(self) -> bool:
        """After a sync: untouched answers take the new values, typed ones are kept and
        marked where they changed underneath. False if nothing changed."""
        return self.show_fresh(self.load_fresh())

    def load_fresh(self) -> Values:
        """The read behind refresh_from_store; it touches no widget (see PersonView)."""
        return self._ops.assessment(self.person_id).values

    def show_fresh(self, values: Values) -> bool:
        if values == self._values:
            return False
        self._values = values
        underneath = self.form.refresh(values)
        if underneath:
            newer = {key: values.get(key[0], {}).get(key[1]) for key in underneath}
            setters = self._ops.changed_by(self.person_id, newer)
            for key in underneath:
                setter = setters.get(key)
                self.form.mark_changed(key, newer[key], setter.worker_name if setter else "",
                                       setter.at_utc if setter else "", refused=False)
        return True

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
        changed = Changed.of(self.person_id, Part.RECORD)
        if not saved.stale:
            # The record opens first, read as saved; the window catches up after it is
            # painted (a catch-up read first would make the worker wait for it).
            self.done.emit(self.person_id)
            self.changed.emit(changed)
            return
        self.changed.emit(changed)
        # Saved but for answers changed underneath: stay, and let the worker choose.
        self._reload_kept(saved.stale)
        count = len(saved.stale)
        self.message.show_state(
            f"{self.last_saved}. {count} answer{'s' if count != 1 else ''} NOT saved: "
            "changed by someone else while you had this open — choose below.", "failed")

    def _written(self, saved: list[SectionSaved]) -> None:
        self._set_busy(False)
        self.changed.emit(Changed.of(self.person_id, Part.RECORD))
        for result in saved:
            for change in result.changes:
                self.form.settle((change.section, change.field), change.new)
        stale = tuple(a for result in saved for a in result.stale)
        if stale:
            self._reload_kept(stale)

    def _reload_kept(self, stale: tuple) -> None:
        """The saved answers as stored now; the refused ones keep the typing, marked."""
        show_stale(self.form, stale)
        self._values = self._ops.assessment(self.person_id).values
        self.form.load(self._values)

    def _choice_made(self) -> None:
        """Every choice made: the triage is saved, back to the record as after any save."""
        if not self.form.notes_open() and self.last_saved:
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
