"""Record a TOP outcome form, or correct one: which form, the day it was completed, and
the measures' boxes (app.ui.top_form_fields).

Typed from the keyboard top to bottom: the form is what is due already, the date is
today, Tab walks the boxes in the order the questions are asked, Enter saves. A box left
empty is "not answered", never 0. The service checks the form off the UI thread; each
problem it names appears under its box, the first box gets the focus (scrolled into view)
and everything typed stays: the dialog closes only once the form is stored. A correction
opens with the old form's answers and saves a new form that supersedes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from itertools import pairwise

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.dates import parse_date
from app.domain.errors import InvalidValue
from app.domain.outcomes.top import FORM_NAMES, FormKind, TopForm
from app.services.changes import Changed
from app.services.errors import InvalidInput
from app.ui.fields import choice_editor, connect_changed, editor_text, problem_label
from app.ui.form_problems import SavesOffThread, save_and_cancel, show_beside
from app.ui.screen_fit import fitted
from app.ui.tasks import RunDb, run_here
from app.ui.top_form_fields import TopFormFields

RecordForm = Callable[[TopForm], Changed]


def initial_mnemonic(label: str, used: set[str]) -> str:
    """An Alt letter at the start of a word no other row has (Alt+O: Opiates), or none:
    an Alt letter inside a word is one nobody guesses."""
    for index, char in enumerate(label):
        if (index == 0 or label[index - 1] == " ") and char.isalpha() \
                and char.lower() not in used:
            used.add(char.lower())
            return f"{label[:index]}&{label[index:]}"
    return label
_KINDS = tuple((kind.value, FORM_NAMES[kind]) for kind in FormKind)


class TopFormDialog(SavesOffThread, QDialog):
    recorded = Signal(object)  # Changed

    def __init__(self, *, record: RecordForm, person_id: str, person_name: str = "",
                 kind: FormKind = FormKind.START, correcting: TopForm | None = None,
                 run: RunDb = run_here, today: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store, self._run = record, run
        self.person_id, self.correcting = person_id, correcting
        who = f" for {person_name}" if person_name else ""
        self.setWindowTitle(f"Correct a TOP form{who}" if correcting else
                            f"Record a TOP form{who}")
        self.kind = choice_editor(_KINDS, self)
        self.kind.setAccessibleName("Which TOP form")
        self.completed_on = QLineEdit(f"{today or date.today():%d/%m/%Y}", self)
        self.completed_on.setPlaceholderText("dd/mm/yyyy")
        self.completed_on.setAccessibleName("Date completed, dd/mm/yyyy")
        self.completed_on.setMaximumWidth(160)
        self.fields = TopFormFields(self)
        self.editors: dict[str, QWidget] = {"kind": self.kind,
                                            "completed_on": self.completed_on,
                                            **self.fields.editors}
        self.errors = {"kind": problem_label(self), "completed_on": problem_label(self),
                       **self.fields.errors}
        self.message = problem_label(self)
        self._start_from(kind, correcting)
        self._layout()
        self.completed_on.setFocus()
        self.completed_on.selectAll()
        self._fit()

    def _start_from(self, kind: FormKind, correcting: TopForm | None) -> None:
        if correcting is not None:
            kind = correcting.kind
            self.completed_on.setText(f"{correcting.completed_on:%d/%m/%Y}")
            self.fields.fill(correcting)
        self.kind.setCurrentIndex(max(self.kind.findData(kind.value), 0))

    def _layout(self) -> None:
        used = {"s"}  # Save
        top = QGridLayout()  # side by side: one row less on a 720-high screen
        for column, (key, text) in enumerate((("kind", "Which form"),
                                              ("completed_on", "Date completed"))):
            label = QLabel(initial_mnemonic(text, used), self)
            label.setBuddy(self.editors[key])
            top.addWidget(label, 0, column * 2)
            top.addWidget(self.editors[key], 0, column * 2 + 1, Qt.AlignmentFlag.AlignLeft)
            top.addWidget(self.errors[key], 1, column * 2, 1, 2)
            connect_changed(self.editors[key], self.errors[key].hide)
        top.setColumnStretch(3, 1)
        for key in self.fields.order:  # Alt letters down the form, while they last
            label = self.fields.labels.get(key.removesuffix(".week1"))
            if label is not None and "&" not in label.text():
                label.setText(initial_mnemonic(label.text(), used))
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.fields)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        buttons, self.save_button = save_and_cancel(self, "&Save form")
        layout = QVBoxLayout(self)
        if self.correcting is not None:
            layout.addWidget(self._correcting_note(self.correcting))
        layout.addLayout(top)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        chain = [self.kind, self.completed_on, *self.fields.chain(), self.save_button]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _correcting_note(self, old: TopForm) -> QLabel:
        note = QLabel(f"Correcting the {FORM_NAMES[old.kind]} of {old.completed_on:%d/%m/%Y}"
                      f"{', recorded by ' + old.recorded_by if old.recorded_by else ''}. "
                      "Saving records this as a new form in its place; the old one is kept.",
                      self)
        note.setObjectName("notice")
        note.setWordWrap(True)
        return note

    def _fit(self) -> None:
        """As big as the boxes need (and no smaller than now: problems only add lines),
        never bigger than the screen: the boxes scroll there."""
        want = self.fields.sizeHint()
        wide = max(want.width(), self.scroll.viewport().width() if self.isVisible() else 0)
        high = max(want.height(), self.fields.heightForWidth(wide))  # a problem wraps
        frame = self.scroll.frameWidth() * 2
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        rest = self.sizeHint().height() - self.scroll.sizeHint().height()
        need = QSize(want.width() + frame + bar + 24, high + frame + rest + 8)
        self.resize(fitted(self, need.expandedTo(self.size() if self.isVisible()
                                                 else QSize(0, 0))))

    # ---- saving ------------------------------------------------------------------------------
    def typed(self) -> TopForm:
        """What is on screen as a form; InvalidInput (by field) if the date cannot be read.
        The ranges and sums are the domain's to check, on Save."""
        try:
            completed_on = parse_date(editor_text(self.completed_on), field="date completed")
        except InvalidValue as error:
            raise InvalidInput({"completed_on": str(error)}) from error
        return TopForm("", self.person_id, FormKind(editor_text(self.kind)), completed_on,
                       supersedes=self.correcting.id if self.correcting else None,
                       **self.fields.measures())

    def _stored(self, changed: Changed) -> None:
        self.recorded.emit(changed)

    def show_problems(self, problems: Mapping[str, str]) -> None:
        """Each under its box (the first in view, with the focus); one about no box here
        above Save. The dialog stays within the screen: the boxes scroll."""
        first = show_beside(self, problems, self.errors, self.message)
        self._fit()
        if first is not None:
            # "use.opiates" is about the weeks as a whole: its first box.
            editor = self.editors.get(first) or self.editors[f"{first}.week1"]
            self.scroll.ensureWidgetVisible(self.errors[first], 0, 60)
            self.scroll.ensureWidgetVisible(editor)
            editor.setFocus()
