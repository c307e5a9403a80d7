"""One assessment section: who confirmed it, the form, and saving with inline errors."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.domain.assessment import SectionDef
from app.services.assessment import AssessmentView
from app.services.errors import InvalidInput
from app.services.views import uk_date
from app.ui.assessment_form import AssessmentForm
from app.ui.fields import display_value

SaveSection = Callable[[str, dict[str, str]], object]


class SectionPanel(QWidget):
    saved = Signal(str)

    def __init__(self, section: SectionDef, value_sets: dict, save: SaveSection) -> None:
        super().__init__()
        self.section = section
        self._value_sets = value_sets
        self._save = save
        title = QLabel(section.title)
        title.setObjectName("heading")
        self.confirmed = QLabel()
        self.confirmed.setObjectName("hint")
        self.also_recorded = QLabel()
        self.also_recorded.setObjectName("notice")
        self.also_recorded.setWordWrap(True)
        self.form = AssessmentForm([(section.id, f) for f in section.fields], value_sets)
        self.save_button = QPushButton(f"Save {section.title.lower()}")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.save_button)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.form)
        layout = QVBoxLayout(self)
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
        notes = [f"{self.section.field(f).label}: the merged record also says "
                 + ", ".join(display_value(self.section.field(f), v, self._value_sets)
                             for v in values)
                 for (s, f), values in view.also_recorded.items() if s == self.section.id]
        self.also_recorded.setText("\n".join(notes))
        self.also_recorded.setVisible(bool(notes))

    def save(self) -> None:
        self.form.clear_problems()
        typed = self.form.typed_by_section().get(self.section.id, {})
        try:
            self._save(self.section.id, typed)
        except InvalidInput as error:
            self.form.show_problems(self.section.id, error.problems)
            return
        self.saved.emit(self.section.id)
