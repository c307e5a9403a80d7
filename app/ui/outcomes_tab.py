"""A person's Outcomes tab: which TOP form is due, the forms that stand, and the progress
charts the worker and the person look at together.

The forms are append-only: a wrong one is corrected by a new form that takes its place
(the list shows the standing forms only). Everything is read on the database lane; the tab
reads again each time it is shown and after a form is recorded here or arrives by sync.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTabBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.outcomes.top import FORM_NAMES, FormKind, TopForm
from app.domain.tasks.inputs import OutcomeFormDue
from app.services.changes import Changed
from app.services.outcomes import Outcomes
from app.ui.progress_chart import ProgressCharts
from app.ui.task_list import RED
from app.ui.tasks import RunDb, run_here
from app.ui.top_form_dialog import TopFormDialog
from app.ui.top_form_fields import answers_lines

_KIND_OF = {name: kind for kind, name in FORM_NAMES.items()}
_LEAD = timedelta(days=14)  # a form may be done this long before it falls due
# The pages under the due line: the three charts, then the forms. Alt letters clear of the
# main window's (F, P, V, T, H, M, E), the record's tabs' (A, Y, O, R, J, W) and the
# buttons' here (C, D).
PAGES = ("&Substance use", "Cr&ime days", "Well&being", "&List of forms")
FORMS_PAGE = 3
NOTHING_DUE = ("No TOP form is due: forms fall due once treatment begins (a triage, a care "
               "plan or an intervention).")


class OutcomeOps(Protocol):
    """app.ui.operations.OutcomeOperations."""

    @property
    def worker_name(self) -> str: ...

    def of_person(self, person_id: str) -> Outcomes: ...

    def record_form(self, form: TopForm) -> Changed: ...


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def due_line(due: OutcomeFormDue, today: date) -> tuple[str, bool]:
    """One form due in words, and whether it is overdue (said in words, and in red)."""
    days, on = (due.due_on - today).days, f"{due.due_on:%d/%m/%Y}"
    opens = due.opens_on or due.due_on - _LEAD
    if days < 0:
        return f"OVERDUE: {due.form} was due {on}, {_days(-days)} ago.", True
    if days == 0:
        return f"{due.form} is due today.", False
    if opens > today:  # one line beside the button: the tooltip says when it opens
        return f"Next: {due.form} due {on} (in {_days(days)}).", False
    return f"{due.form} is due {on} (in {_days(days)}).", False


def due_kind(outcomes: Outcomes, today: date) -> FormKind:
    """The form a new one should be: the first due that can be done now, else the next."""
    ready = [d for d in outcomes.due if (d.opens_on or d.due_on - _LEAD) <= today]
    chosen = (ready or list(outcomes.due))[:1]
    if chosen:
        return _KIND_OF.get(chosen[0].form, FormKind.REVIEW)
    return FormKind.REVIEW if outcomes.forms else FormKind.START


class OutcomesTab(QWidget):
    changed = Signal(object)  # Changed: a form was recorded here

    def __init__(self, *, ops: OutcomeOps, person_id: str, person_name: str = "",
                 run: RunDb = run_here, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops, self._run = ops, run
        self.person_id, self.person_name = person_id, person_name
        self.outcomes: Outcomes | None = None
        self.rows: list[TopForm] = []  # the list's forms, newest first
        self.dialog: TopFormDialog | None = None
        self.due = QLabel(self)
        self.due.setWordWrap(True)
        self.due.setTextFormat(Qt.TextFormat.RichText)
        self.due.setAccessibleName("Which TOP form is due")
        self.feedback = QLabel(self)
        self.feedback.setObjectName("errorMessage")
        self.feedback.setWordWrap(True)
        self.feedback.hide()
        self.forms = _forms_list(self)
        self.forms.currentItemChanged.connect(lambda *_: self._show_answers())
        self.answers = QPlainTextEdit(self)
        self.answers.setReadOnly(True)
        self.answers.setTabChangesFocus(True)
        self.answers.setAccessibleName("The chosen form's answers")
        self.charts = ProgressCharts(self)
        self.pages = QTabBar(self)
        self.pages.setAccessibleName("Charts and forms")
        for title in PAGES:
            self.pages.addTab(title)
        self.pages.setDrawBase(False)
        self._buttons()
        self._layout()
        self.pages.currentChanged.connect(self.show_page)

    def _buttons(self) -> None:
        # Alt letters clear of the main window's (F, P, V, T, H, M, E) and the tabs'
        # (A, Y, O, R, J, W), as the Journey tab's; the menu has Ctrl+Shift+U.
        self.record_button = QPushButton("Re&cord a TOP form…", self)
        self.record_button.setToolTip("Record a TOP outcome form (Ctrl+Shift+U)")
        self.record_button.clicked.connect(self.record_new)
        self.correct_button = QPushButton("Correct selecte&d form…", self)
        self.correct_button.setToolTip("Record the right answers; the form they replace is "
                                       "kept, no longer shown or charted")
        self.correct_button.clicked.connect(self.correct_selected)

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.due, 1)
        top.addWidget(self.record_button, 0, Qt.AlignmentFlag.AlignTop)
        forms = QWidget(self)
        grid = QGridLayout(forms)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.forms, 0, 0)
        grid.addWidget(self.answers, 0, 1)
        grid.addWidget(self.correct_button, 1, 0, Qt.AlignmentFlag.AlignLeft)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.charts)
        self.stack.addWidget(forms)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.feedback)
        layout.addWidget(self.pages)
        layout.addWidget(self.stack, 1)

    def show_page(self, index: int) -> None:
        """A chart (the first three pages) or the list of forms."""
        if self.pages.currentIndex() != index:
            self.pages.setCurrentIndex(index)  # comes back here through currentChanged
            return
        if index == FORMS_PAGE:
            self.stack.setCurrentIndex(1)
        else:
            self.charts.show_chart(index)
            self.stack.setCurrentIndex(0)

    # ---- reading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        person_id = self.person_id
        self._run(lambda: self._ops.of_person(person_id), on_success=self.show_outcomes,
                  on_failure=self._not_read)

    def _not_read(self, error: Exception) -> None:
        self.feedback.setText(f"Not read: {error}")
        self.feedback.show()

    def show_outcomes(self, outcomes: Outcomes, today: date | None = None) -> None:
        self.feedback.hide()
        if outcomes == self.outcomes:
            return  # a sync that changed nothing here: no repaint
        self.outcomes, today = outcomes, today or date.today()
        self._show_due(outcomes, today)
        chosen = self._selected()
        self.rows = list(reversed(outcomes.forms))
        self.forms.clear()
        for form in self.rows:
            texts = [f"{form.completed_on:%d/%m/%Y}", FORM_NAMES[form.kind], form.recorded_by]
            item = QTreeWidgetItem(texts)
            for column, text in enumerate(texts):
                item.setToolTip(column, text)  # whole, where a narrow column cuts it
            self.forms.addTopLevelItem(item)
        if not self.rows:
            self.forms.addTopLevelItem(QTreeWidgetItem(["", "No TOP forms recorded yet."]))
        ids = [f.id for f in self.rows]
        row = ids.index(chosen.id) if chosen is not None and chosen.id in ids else 0
        self.forms.setCurrentItem(self.forms.topLevelItem(row))
        self._show_answers()
        self.charts.show_outcomes(outcomes, today)

    def _show_due(self, outcomes: Outcomes, today: date) -> None:
        lines = [due_line(d, today) for d in outcomes.due]
        if not lines:
            lines = [("No TOP form is due now." if outcomes.episodes else NOTHING_DUE, False)]
        self.due.setText("<br>".join(
            f"<b style='color:{RED}'>{text}</b>" if late else text for text, late in lines))
        self.due.setAccessibleDescription(" ".join(text for text, _ in lines))
        self.due.setToolTip("\n".join(
            f"{d.form}: due {d.due_on:%d/%m/%Y}; it can be done from "
            f"{d.opens_on or d.due_on - _LEAD:%d/%m/%Y}" for d in outcomes.due))

    def due_text(self) -> str:
        """The due line as words (its accessible description)."""
        return self.due.accessibleDescription()

    def _selected(self) -> TopForm | None:
        row = self.forms.indexOfTopLevelItem(self.forms.currentItem())
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _show_answers(self) -> None:
        form = self._selected()
        self.correct_button.setEnabled(form is not None)
        if form is None:
            self.answers.setPlainText("Choose a form above to read its answers." if self.rows
                                      else "")
            return
        head = (f"{FORM_NAMES[form.kind]}, completed {form.completed_on:%d/%m/%Y}"
                + (f", recorded by {form.recorded_by}" if form.recorded_by else ""))
        self.answers.setPlainText("\n".join([head, *answers_lines(form)]))

    # ---- recording ---------------------------------------------------------------------------
    def record_new(self) -> TopFormDialog:
        today = date.today()
        kind = due_kind(self.outcomes, today) if self.outcomes else FormKind.START
        return self._open(TopFormDialog(record=self._ops.record_form, person_id=self.person_id,
                                        person_name=self.person_name, kind=kind,
                                        run=self._run, parent=self))

    def correct_selected(self) -> TopFormDialog | None:
        form = self._selected()
        if form is None:
            return None
        return self._open(TopFormDialog(record=self._ops.record_form, person_id=self.person_id,
                                        person_name=self.person_name, correcting=form,
                                        run=self._run, parent=self))

    def _open(self, dialog: TopFormDialog) -> TopFormDialog:
        dialog.recorded.connect(self._recorded)
        dialog.show()
        dialog.activateWindow()
        self.dialog = dialog
        return dialog

    def _recorded(self, changed: Changed) -> None:
        self.refresh()
        self.changed.emit(changed)


def _forms_list(parent: QWidget) -> QTreeWidget:
    forms = QTreeWidget(parent)
    forms.setHeaderLabels(["Completed", "Form", "Recorded by"])
    forms.setAccessibleName("TOP forms, newest first")
    forms.setRootIsDecorated(False)
    forms.setUniformRowHeights(True)
    forms.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    header = forms.header()
    header.setStretchLastSection(False)  # who recorded it is cut short, never scrolled to
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
    return forms

