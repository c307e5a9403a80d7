"""Record a journey event, correct one, or say one was entered in error: one dialog.

Its fields come from the kind's definition, so a new kind of event needs no new screen.
A correction opens pre-filled with the wrong event and saves a new event that supersedes
it; the wrong one stays in the history. A problem is shown beside its field and nothing
typed is lost: the dialog stays open until the event is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.dates import parse_date
from app.domain.errors import InvalidValue
from app.domain.journey.events import DetailValue, JourneyEvent
from app.domain.journey.kinds import KINDS, Kind, KindDef
from app.domain.valuesets import ValueSet
from app.services.changes import Changed
from app.services.errors import InvalidInput
from app.services.journey import PLACE_VALUE_SETS, EventInput
from app.ui.event_fields import KindChooser, detail_editor, read_detail, write_detail
from app.ui.fields import problem_label
from app.ui.form_problems import SavesOffThread, save_and_cancel, show_beside
from app.ui.journey_words import event_summary
from app.ui.tasks import RunDb, run_here

Record = Callable[[EventInput], Changed]
# Taken by the fixed rows and the buttons; a detail's label gets another letter.
_RESERVED = set("wdpsc")
_CHOOSABLE = [k for k in KINDS.values() if k.kind is not Kind.ENTERED_IN_ERROR]


def with_mnemonic(label: str, used: set[str]) -> str:
    """The label with an Alt+letter no other row of the dialog has: a word's first letter
    if it can, else any letter; none if all are taken."""
    starts = [i for i, c in enumerate(label) if c.isalpha() and (i == 0 or label[i - 1] == " ")]
    rest = [i for i, c in enumerate(label) if c.isalpha() and i not in starts]
    for i in starts + rest:
        if label[i].lower() not in used:
            used.add(label[i].lower())
            return f"{label[:i]}&{label[i:]}"
    return label


class RecordEventDialog(SavesOffThread, QDialog):
    recorded = Signal(object)  # Changed

    def __init__(self, *, record: Record, value_sets: Mapping[str, ValueSet],
                 run: RunDb = run_here, kind: Kind | None = None,
                 correcting: JourneyEvent | None = None, today: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store, self._run, self._value_sets = record, run, value_sets
        self._correcting = correcting
        self._fixed = kind or (correcting.kind if correcting else None)
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.setWindowTitle(self._title())
        self.chooser = KindChooser(_CHOOSABLE if self._fixed is None else [KINDS[self._fixed]],
                                   self)
        self.chooser.setAccessibleName("What happened")
        self.chooser.currentIndexChanged.connect(lambda _i: self._build_details())
        self.occurred = QLineEdit(f"{today or date.today():%d/%m/%Y}", self)
        self.occurred.setPlaceholderText("dd/mm/yyyy")
        self.occurred.setAccessibleName("Date it happened")
        self.place = QLineEdit()  # made again, in the form, for a kind that has a place
        self.message = problem_label(self)
        self._layout()
        if self._fixed is not None:
            self.chooser.set_kind(self._fixed)
            self.chooser.setEnabled(False)  # a correction is of the same kind
        self._build_details()
        if correcting is not None and self._fixed is correcting.kind:
            self._fill(correcting)
        elif self._fixed is not None:  # the date is today already: start at what to say
            details = [w for n, w in self.editors.items() if n not in ("kind", "occurred_on")]
            if details:
                details[0].setFocus()
        self.resize(560, self.sizeHint().height())

    def _title(self) -> str:
        wrong = self._correcting
        if wrong is not None and self._fixed is Kind.ENTERED_IN_ERROR:
            return f"Entered in error: {event_summary(wrong)}"
        if wrong is not None:
            return f"Correct: {event_summary(wrong)}"
        if self._fixed is Kind.RA_POLICE_TOLD:
            return "Record that the police were told"
        return "Record a journey event"

    def _intro(self) -> str:
        if self._fixed is Kind.ENTERED_IN_ERROR:
            return ("The entry stays in the history, struck through, with the reason you give. "
                    "Nothing derived from it counts any more.")
        if self._correcting is not None:
            return ("Change what was wrong and save. The wrong entry stays in the history, "
                    "struck through; this one replaces it.")
        if self._fixed is Kind.RA_POLICE_TOLD:
            return "Who was told of the failure to attend, how, and when."
        return "Type part of what happened (e.g. 'arr', 'test', 'release'), then Tab."

    def _layout(self) -> None:
        intro = QLabel(self._intro(), self)
        intro.setWordWrap(True)
        # One form, so the kind's own rows line up under the fixed two.
        self.form = QFormLayout()
        self._row("&What happened:", self.chooser, "kind")
        self._row("&Date it happened:", self.occurred, "occurred_on")
        self._fixed_rows = self.form.rowCount()
        buttons, self.save_button = save_and_cancel(self, "&Save event")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addStretch()
        layout.addWidget(buttons)
        if self._fixed is Kind.ENTERED_IN_ERROR:  # withdrawn today; the date is not asked
            self.form.setRowVisible(self.occurred, False)
            self.form.setRowVisible(self.errors["occurred_on"], False)

    def _row(self, text: str, editor: QWidget, name: str) -> None:
        label = QLabel(text, self)
        label.setBuddy(editor)
        error = problem_label(self)
        self.form.addRow(label, editor)
        self.form.addRow("", error)
        # Shown now, not at the layout's next turn of the event loop: a Tab typed straight
        # after choosing the kind must land on the row that kind brought.
        if self.isVisible():
            label.show()
            editor.show()
        self.editors[name], self.errors[name] = editor, error
        for name_ in ("textChanged", "currentIndexChanged", "valueChanged"):
            signal = getattr(editor, name_, None)
            if signal is not None:  # a message goes once its answer is changed
                signal.connect(lambda *_: error.hide())
                break

    # ---- the kind's own rows -----------------------------------------------------------------
    def definition(self) -> KindDef | None:
        kind = self.chooser.kind()
        return KINDS[kind] if kind else None

    def _build_details(self) -> None:
        for name in [n for n in self.editors if n not in ("kind", "occurred_on")]:
            del self.editors[name], self.errors[name]
        while self.form.rowCount() > self._fixed_rows:
            self.form.removeRow(self._fixed_rows)  # deletes the row's widgets too
        definition = self.definition()
        if definition is None:
            return
        used = set(_RESERVED)
        if definition.place_label:
            self.place = QLineEdit(self)
            self.place.setAccessibleName(definition.place_label)
            self._suggest_places(definition.kind)
            self._row(f"&Place — {definition.place_label}:", self.place, "place")
        for detail in definition.details:
            editor = detail_editor(detail, self._value_sets, self)
            suffix = "" if detail.required else " (optional)"
            self._row(with_mnemonic(detail.label, used) + suffix + ":", editor, detail.name)
        self._keep_tab_order()

    def _keep_tab_order(self) -> None:
        """Tab goes down the form, then to Save: rows made for a kind come after the
        buttons in the order widgets were made, which Tab would otherwise follow."""
        chain = [w for w in self.editors.values() if w.isEnabled()] + [self.save_button]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _suggest_places(self, kind: Kind) -> None:
        options = self._value_sets.get(PLACE_VALUE_SETS.get(kind, ""))
        if options is None:
            return
        completer = QCompleter([item.label for item in options], self.place)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)  # "harl" finds Harlow
        self.place.setCompleter(completer)
        self.place.setPlaceholderText("Type to choose, or type any other place")

    def _fill(self, event: JourneyEvent) -> None:
        self.occurred.setText(f"{event.occurred_on:%d/%m/%Y}")
        if "place" in self.editors:
            self.place.setText(event.place)
        for detail in event.definition.details:
            write_detail(detail, self.editors[detail.name], event.details.get(detail.name))

    # ---- saving ------------------------------------------------------------------------------
    def typed(self) -> EventInput:
        """What is on screen as an event; InvalidInput (by field) if it cannot be read."""
        definition = self.definition()
        if definition is None:
            raise InvalidInput({"kind": "Choose what happened: type part of its name."})
        problems: dict[str, str] = {}
        on = self._date(problems)
        details: dict[str, DetailValue] = {}
        for detail in definition.details:
            try:
                details[detail.name] = read_detail(detail, self.editors[detail.name])
            except InvalidValue as error:
                problems[detail.name] = str(error)
        if problems or on is None:
            raise InvalidInput(problems)
        place = self.place.text() if "place" in self.editors else ""
        return EventInput(definition.kind, on, place, details,
                          self._correcting.id if self._correcting else None)

    def _date(self, problems: dict[str, str]) -> date | None:
        if self._fixed is Kind.ENTERED_IN_ERROR:
            return date.today()
        try:
            return parse_date(self.occurred.text(), field="date it happened")
        except InvalidValue as error:
            problems["occurred_on"] = str(error)
            return None

    def _stored(self, changed: Changed) -> None:
        self.recorded.emit(changed)

    def show_problems(self, problems: Mapping[str, str]) -> None:
        """Each beside its field; one about no field on screen goes above the buttons."""
        show_beside(self, problems, self.errors, self.message, shown=self.editors)
        first = next((self.editors[n] for n in problems if n in self.editors), None)
        if first is not None:
            first.setFocus()

