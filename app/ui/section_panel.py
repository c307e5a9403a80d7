"""One assessment section: who confirmed it, the form, and saving with inline errors.

Saving shows that it is working (the button greys out, "Saving…"), ignores a second press
meanwhile, and then says what it did beside the button, where the worker is looking.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.domain.assessment import SectionDef, Value
from app.services.assessment import AssessmentView, SectionSaved, StaleAnswer
from app.services.errors import InvalidInput
from app.services.views import uk_date
from app.ui.assessment_form import AssessmentForm
from app.ui.fields import display_value
from app.ui.tasks import RunDb, run_here

# (section, typed answers that changed, the values they were changed from) -> result
SaveSection = Callable[[str, dict[str, str], dict[str, Value]], SectionSaved]


def saved_text(changed: int, at: datetime | None = None) -> str:
    """'Saved 14:02 — 3 answers changed', or 'Nothing changed' when the answers stood."""
    clock = f"{(at or datetime.now()):%H:%M}"
    if not changed:
        return f"Nothing changed — section confirmed {clock}"
    return f"Saved {clock} — {changed} answer{'s' if changed != 1 else ''} changed"


def stale_text(saved: SectionSaved, at: datetime | None = None) -> str:
    """A save that left answers for the worker to choose: say so before anything else."""
    count = len(saved.stale)
    done = f"Saved {(at or datetime.now()):%H:%M} — {len(saved.changes)} changed. " \
        if saved.changes else ""
    return (f"{done}{count} answer{'s' if count != 1 else ''} NOT saved: changed by someone "
            "else while you had this open — choose below.")


def show_stale(form: AssessmentForm, stale: tuple[StaleAnswer, ...]) -> None:
    """Mark each refused answer under its field, the first in view."""
    for answer in stale:
        form.mark_changed((answer.section, answer.field), answer.newer, answer.by_name,
                          answer.at_utc, refused=True)
    if stale:
        form.focus_field((stale[0].section, stale[0].field))


def not_saved_text(error: Exception) -> str:
    if isinstance(error, InvalidInput):
        count = len(error.problems)
        return f"Not saved — {count} answer{'s' if count != 1 else ''} to fix, marked in red"
    return f"Not saved — {error}"


class SaveFeedback(QLabel):
    """The line beside a Save button: working, saved, or why not."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("saveFeedback")
        self.setAccessibleName("Save result")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def show_state(self, text: str, state: str) -> None:
        self.setText(text)
        self.setProperty("state", state)  # busy / saved / failed: the stylesheet colours it
        self.style().unpolish(self)
        self.style().polish(self)


class SectionPanel(QWidget):
    saved = Signal(str)

    def __init__(self, section: SectionDef, value_sets: dict, save: SaveSection,
                 run: RunDb = run_here, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        self._value_sets = value_sets
        self._save = save
        self._run = run
        self.busy = False
        title = QLabel(section.title)
        title.setObjectName("heading")
        self.confirmed = QLabel()
        self.confirmed.setObjectName("hint")
        self.confirmed.setWordWrap(True)
        self.also_recorded = QLabel()
        self.also_recorded.setObjectName("notice")
        self.also_recorded.setWordWrap(True)
        self.also_recorded.hide()
        # Top down, each widget made inside its parent: half the cost of building the form
        # first and moving it into the scroll area and the panel.
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.form = AssessmentForm([(section.id, f) for f in section.fields], value_sets,
                                   scroll.viewport())
        scroll.setWidget(self.form)
        self.scroll = scroll
        self.form.overwrite_requested.connect(self.write_mine)
        self._layout(title, scroll)

    def _layout(self, title: QLabel, scroll: QScrollArea) -> None:
        # Alt+S here, Ctrl+S anywhere in the section; the button sits outside the scroll
        # area, so it never scrolls out of reach on a small screen.
        self.save_button = QPushButton(f"&Save {self.section.title.lower()}")
        self.save_button.setToolTip("Save this section (Ctrl+S)")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        self.feedback = SaveFeedback()
        buttons = QHBoxLayout()
        buttons.addWidget(self.feedback, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (title, self.confirmed, self.also_recorded):
            layout.addWidget(widget)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

    def show_view(self, view: AssessmentView) -> None:
        self.form.load(view.values)
        self._show_confirmation(view)
        self._show_also_recorded(view)

    def _show_confirmation(self, view: AssessmentView) -> None:
        confirmation = view.confirmations.get(self.section.id)
        stale = self.section.id in view.stale
        if confirmation is None:
            text = "Not assessed yet."
        else:
            text = f"Last confirmed by {confirmation.by_name} on {uk_date(confirmation.at_utc)}"
            text += " — out of date: check it with them." if stale else "."
        self.confirmed.setText(text)
        self.confirmed.setProperty("stale", stale)

    def _show_also_recorded(self, view: AssessmentView) -> None:
        notes = [f"{self.section.field(f).label}: the merged record also says "
                 + ", ".join(display_value(self.section.field(f), v, self._value_sets)
                             for v in values)
                 for (s, f), values in view.also_recorded.items() if s == self.section.id]
        self.also_recorded.setText("\n".join(notes))
        self.also_recorded.setVisible(bool(notes))

    # ---- saving ----------------------------------------------------------------------
    def save(self) -> None:
        """Only what the worker changed, with what it was changed from: an answer left as
        it was shown is not written back over a newer one that arrived meanwhile."""
        if self.busy:
            return  # a second press while the first is saving does nothing
        self.form.clear_problems()
        typed = self.form.typed_by_section(changed_only=True).get(self.section.id, {})
        base = self.form.base_by_section().get(self.section.id, {})
        self._start_save(typed, base)

    def write_mine(self, section: str, field_id: str) -> None:
        """The worker's deliberate second step: their answer over the newer one. Based on
        the newer value they were shown, so a third change meanwhile is caught again."""
        if self.busy:
            return
        key = (section, field_id)
        typed = self.form.typed_by_section().get(section, {})
        self._start_save({field_id: typed[field_id]}, {field_id: self.form.notes[key].newer})

    def _start_save(self, typed: dict[str, str], base: dict[str, Value]) -> None:
        self._set_busy(True)
        self._run(lambda: self._save(self.section.id, typed, base),
                  on_success=self._saved, on_failure=self._failed)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.save_button.setEnabled(not busy)
        if busy:
            self.feedback.show_state("Saving…", "busy")
            # Painted now: when the save runs on this thread no paint event would get in.
            self.feedback.repaint()
            self.save_button.repaint()

    def _saved(self, result: SectionSaved) -> None:
        self._set_busy(False)
        self._settle_written(result)
        show_stale(self.form, result.stale)  # before the reload, which keeps these fields
        self.saved.emit(self.section.id)  # the view reloads; then say what happened
        if result.stale:
            self.feedback.show_state(stale_text(result), "failed")
        else:
            self.feedback.show_state(saved_text(len(result.changes)), "saved")

    def _settle_written(self, result: SectionSaved) -> None:
        """A field that had a note and is now written (the worker's own value over the
        newer one) needs no choice any more."""
        for change in result.changes:
            self.form.settle((change.section, change.field), change.new)

    def refresh(self, view: AssessmentView) -> list[tuple[str, str]]:
        """After a sync: the form brought up to date, typing kept; returns the typed
        fields changed underneath, for the caller to mark with who changed them."""
        underneath = self.form.refresh(view.values)
        self._show_confirmation(view)
        self._show_also_recorded(view)
        return underneath

    def _failed(self, error: Exception) -> None:
        self._set_busy(False)
        if isinstance(error, InvalidInput):
            self.form.show_problems(self.section.id, error.problems)
        self.feedback.show_state(not_saved_text(error), "failed")
