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

from app.domain.assessment import SectionDef
from app.services.assessment import AssessmentView, SectionSaved
from app.services.errors import InvalidInput
from app.services.views import uk_date
from app.ui.assessment_form import AssessmentForm
from app.ui.fields import display_value
from app.ui.tasks import RunDb, run_here

SaveSection = Callable[[str, dict[str, str]], SectionSaved]


def saved_text(changed: int, at: datetime | None = None) -> str:
    """'Saved 14:02 — 3 answers changed', or 'Nothing changed' when the answers stood."""
    clock = f"{(at or datetime.now()):%H:%M}"
    if not changed:
        return f"Nothing changed — section confirmed {clock}"
    return f"Saved {clock} — {changed} answer{'s' if changed != 1 else ''} changed"


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
        confirmation = view.confirmations.get(self.section.id)
        stale = self.section.id in view.stale
        if confirmation is None:
            text = "Not assessed yet."
        else:
            text = f"Last confirmed by {confirmation.by_name} on {uk_date(confirmation.at_utc)}"
            text += " — out of date: check it with them." if stale else "."
        self.confirmed.setText(text)
        self.confirmed.setProperty("stale", stale)
        self._show_also_recorded(view)

    def _show_also_recorded(self, view: AssessmentView) -> None:
        notes = [f"{self.section.field(f).label}: the merged record also says "
                 + ", ".join(display_value(self.section.field(f), v, self._value_sets)
                             for v in values)
                 for (s, f), values in view.also_recorded.items() if s == self.section.id]
        self.also_recorded.setText("\n".join(notes))
        self.also_recorded.setVisible(bool(notes))

    # ---- saving ----------------------------------------------------------------------
    def save(self) -> None:
        if self.busy:
            return  # a second press while the first is saving does nothing
        self.form.clear_problems()
        typed = self.form.typed_by_section().get(self.section.id, {})
        self._set_busy(True)
        self._run(lambda: self._save(self.section.id, typed),
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
        self.saved.emit(self.section.id)  # the view reloads; then say what happened
        self.feedback.show_state(saved_text(len(result.changes)), "saved")

    def _failed(self, error: Exception) -> None:
        self._set_busy(False)
        if isinstance(error, InvalidInput):
            self.form.show_problems(self.section.id, error.problems)
        self.feedback.show_state(not_saved_text(error), "failed")
