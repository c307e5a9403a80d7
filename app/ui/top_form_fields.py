"""The boxes of a TOP form, laid out as the worker asks the questions, and read back.

Every box is keyed by the domain's field name ("use.opiates.week2", "crime.shoplifting",
"rating.quality_of_life"), so the service's problems land beside their boxes. An empty box
is "not answered" and is never read as 0; only digits can be typed. Days of use are four
weekly boxes (the oldest week first) and a total: the weeks when the person can say, or
only the total when they cannot; the total box shows the weeks' sum greyed until typed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.outcomes.top import (
    CRIME_LABELS,
    RATING_LABELS,
    SUBSTANCE_LABELS,
    Crime,
    Days,
    Rating,
    Substance,
    TopForm,
)
from app.ui.fields import YES_NO, choice_editor, connect_changed, editor_text, problem_label

WEEKS = (1, 2, 3, 4)
NOT_ANSWERED = "\u2013"  # a dash greyed in an empty box: not answered, not 0
# (key, label, accessible name) of the single boxes and yes/no questions, in asking order.
_INJECTING = (("days_injected", "Days injected", "Days injected in the past four weeks"),
              ("shared_equipment", "Shared needles or other equipment",
               "Shared needles, syringes or other injecting equipment"))
_CRIME = tuple((f"crime.{c}", CRIME_LABELS[c], f"Days of {CRIME_LABELS[c].lower()}")
               for c in Crime)
_VIOLENCE = (("violence", "Committed assault or violence",
              "Committed assault or violence in the past four weeks"),)
_RATINGS = tuple((f"rating.{r}", RATING_LABELS[r], f"{RATING_LABELS[r]}, 0 poor to 20 good")
                 for r in Rating)
_LIVING = (("work_days", "Days of paid work", "Days of paid work in the past four weeks"),
           ("education_days", "Days at college, school or training",
            "Days at college, school or training in the past four weeks"),
           ("acute_housing_problem", "Acute housing problem",
            "Acute housing problem (homeless, or at risk of it now)"),
           ("eviction_risk", "At risk of eviction", "At risk of eviction"))
YES_NO_KEYS = ("shared_equipment", "violence", "acute_housing_problem", "eviction_risk")
_USE_HINT = ("Week 1 is the oldest. Type all four weeks, or only the total when they "
             "cannot say week by week. An empty box is not answered; 0 means no days.")


def number_box(accessible: str, parent: QWidget, tip: str = "") -> QLineEdit:
    """A short box that takes digits only; empty means not answered."""
    box = QLineEdit(parent)
    box.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,3}"), box))
    box.setPlaceholderText(NOT_ANSWERED)
    box.setAlignment(Qt.AlignmentFlag.AlignCenter)
    box.setFixedWidth(58)
    box.setAccessibleName(accessible)
    box.setToolTip(tip or f"{accessible}. Leave it empty if they did not say.")
    return box


class TopFormFields(QWidget):
    """The measures' boxes in three columns, read down then across: use; injecting and
    crime; health and living. Short enough for a 720-high screen without scrolling."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.labels: dict[str, QLabel] = {}  # the row labels, for Alt letters
        self.order: list[str] = []  # the keys in the order Tab follows
        columns = QHBoxLayout(self)
        columns.setContentsMargins(0, 0, 0, 0)
        for groups in ([self._use_group()],
                       [self._group("Injecting in the past four weeks", _INJECTING),
                        self._group("Crime days in the past four weeks",
                                    (*_CRIME, *_VIOLENCE))],
                       [self._group("Health and wellbeing: 0 is poor, 20 is good", _RATINGS),
                        self._group("Work, education and housing", _LIVING)]):
            column = QVBoxLayout()
            for group in groups:
                column.addWidget(group)
            column.addStretch()
            columns.addLayout(column, 1)
        for key, editor in self.editors.items():
            connect_changed(editor, self.errors[key].hide)  # changed: its problem goes

    # ---- building ----------------------------------------------------------------------------
    def _use_group(self) -> QGroupBox:
        group = QGroupBox("Days used in the past four weeks", self)
        grid = QGridLayout(group)
        grid.setVerticalSpacing(4)
        hint = QLabel(_USE_HINT, group)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        grid.addWidget(hint, 0, 0, 1, 6)
        for column, text in enumerate([f"Week {n}" for n in WEEKS] + ["Total"], start=1):
            head = QLabel(text, group)
            head.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(head, 1, column)
        row = 2
        for substance in Substance:
            self._use_row(grid, row, substance, group)
            row += 2
            if substance is Substance.ALCOHOL:
                self._units_row(grid, row, group)
                row += 2
        grid.setColumnStretch(0, 1)
        return group

    def _use_row(self, grid: QGridLayout, row: int, substance: Substance,
                 group: QWidget) -> None:
        name, key = SUBSTANCE_LABELS[substance], f"use.{substance}"
        boxes = [number_box(f"{name}, week {n}{' (the oldest)' if n == 1 else ''}, days "
                            "used", group) for n in WEEKS]
        total = number_box(f"{name}, total days used in four weeks", group,
                           f"{name}: total days in the four weeks. Type it only when they "
                           "cannot say week by week; otherwise the weeks add up to it.")
        label = QLabel(name, group)
        label.setBuddy(boxes[0])
        grid.addWidget(label, row, 0)
        for column, box in enumerate([*boxes, total], start=1):
            grid.addWidget(box, row, column)
        keys = [f"{key}.week{n}" for n in WEEKS] + [f"{key}.total"]
        for box_key, box in zip(keys, [*boxes, total], strict=True):
            self.editors[box_key] = box
            self.order.append(box_key)
        for box in boxes:
            box.textChanged.connect(lambda _text, k=key: self._show_sum(k))
        self.labels[key] = label
        self._errors_under(grid, row + 1, [key, *keys], group)

    def _units_row(self, grid: QGridLayout, row: int, group: QWidget) -> None:
        box = number_box("Units of alcohol on a typical drinking day", group)
        label = QLabel("Units on a typical drinking day", group)
        label.setWordWrap(True)
        label.setBuddy(box)
        grid.addWidget(label, row, 0, 1, 5)
        grid.addWidget(box, row, 5)
        self.editors["alcohol_units_per_day"] = box
        self.order.append("alcohol_units_per_day")
        self.labels["alcohol_units_per_day"] = label
        self._errors_under(grid, row + 1, ["alcohol_units_per_day"], group)

    def _errors_under(self, grid: QGridLayout, row: int, keys: Iterable[str],
                      group: QWidget) -> None:
        """One hidden line per key under the row: an empty row takes no room."""
        holder = QWidget(group)
        lines = QVBoxLayout(holder)
        lines.setContentsMargins(0, 0, 0, 0)
        lines.setSpacing(0)
        for key in keys:
            error = problem_label(holder)
            error.setAccessibleName(f"Problem with {key}")
            self.errors[key] = error
            lines.addWidget(error)
        grid.addWidget(holder, row, 0, 1, -1)

    def _group(self, title: str, rows: Iterable[tuple[str, str, str]]) -> QGroupBox:
        group = QGroupBox(title, self)
        grid = QGridLayout(group)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(2, 1)  # the boxes line up after the longest label
        for index, (key, text, accessible) in enumerate(rows):
            if key in YES_NO_KEYS:
                editor: QWidget = choice_editor(YES_NO, group)
                editor.setAccessibleName(accessible)
                editor.setMinimumWidth(170)
            else:
                editor = number_box(accessible, group)
            label = QLabel(text, group)
            label.setWordWrap(True)
            label.setBuddy(editor)
            grid.addWidget(label, index * 2, 0)
            grid.addWidget(editor, index * 2, 1)
            self.editors[key], self.labels[key] = editor, label
            self.order.append(key)
            self._errors_under(grid, index * 2 + 1, [key], group)
        return group

    def _show_sum(self, key: str) -> None:
        weeks = [editor_text(self.editors[f"{key}.week{n}"]) for n in WEEKS]
        typed = [int(w) for w in weeks if w]
        total = self.editors[f"{key}.total"]
        assert isinstance(total, QLineEdit)
        total.setPlaceholderText(f"={sum(typed)}" if typed else NOT_ANSWERED)

    # ---- reading and filling ----------------------------------------------------------------
    def chain(self) -> list[QWidget]:
        return [self.editors[key] for key in self.order]

    def measures(self) -> dict[str, Any]:
        """What is typed, as TopForm's measure fields; unanswered boxes stay None/absent.
        Only digits can be typed, so every box reads; the ranges are the domain's."""
        use = {s: days for s in Substance if (days := self._days(s)) is not None}
        return {"use": use, "alcohol_units_per_day": self._number("alcohol_units_per_day"),
                "days_injected": self._number("days_injected"),
                "shared_equipment": self._yes_no("shared_equipment"),
                "crime_days": {c: n for c in Crime
                               if (n := self._number(f"crime.{c}")) is not None},
                "violence": self._yes_no("violence"),
                "ratings": {r: n for r in Rating
                            if (n := self._number(f"rating.{r}")) is not None},
                "work_days": self._number("work_days"),
                "education_days": self._number("education_days"),
                "acute_housing_problem": self._yes_no("acute_housing_problem"),
                "eviction_risk": self._yes_no("eviction_risk")}

    def _days(self, substance: Substance) -> Days | None:
        key = f"use.{substance}"
        weeks = tuple(n for w in WEEKS if (n := self._number(f"{key}.week{w}")) is not None)
        total = self._number(f"{key}.total")
        if not weeks and total is None:
            return None
        # Some weeks but not all: the domain says "give all four weeks, or only the total".
        return Days(weeks=weeks, total_given=total)

    def _number(self, key: str) -> int | None:
        typed = editor_text(self.editors[key]).strip()
        return int(typed) if typed else None

    def _yes_no(self, key: str) -> bool | None:
        code = editor_text(self.editors[key])
        return None if not code else code == "Y"

    def fill(self, form: TopForm) -> None:
        """The boxes as `form` answered them (a correction starts from the form it fixes)."""
        for substance, days in form.use.items():
            key = f"use.{substance}"
            for week, count in zip(WEEKS, days.weeks, strict=False):
                _set(self.editors[f"{key}.week{week}"], count)
            _set(self.editors[f"{key}.total"], days.total_given)
        for crime, count in form.crime_days.items():
            _set(self.editors[f"crime.{crime}"], count)
        for rating, value in form.ratings.items():
            _set(self.editors[f"rating.{rating}"], value)
        for key in ("alcohol_units_per_day", "days_injected", "work_days", "education_days"):
            _set(self.editors[key], getattr(form, key))
        for key in YES_NO_KEYS:
            answer = getattr(form, key)
            combo = self.editors[key]
            assert isinstance(combo, QComboBox)
            combo.setCurrentIndex(0 if answer is None else 1 if answer else 2)


def _set(editor: QWidget, value: int | None) -> None:
    assert isinstance(editor, QLineEdit)
    editor.setText("" if value is None else str(value))


# ---- a stored form in words ---------------------------------------------------------------------
def _yes_no_words(answer: bool | None) -> str:
    return "not answered" if answer is None else "yes" if answer else "no"


def _days_words(days: Days) -> str:
    total = days.total
    words = f"{total} day{'s' if total != 1 else ''}"
    return f"{words} (weeks {', '.join(str(w) for w in days.weeks)})" if days.weeks else words


def _counted(value: int | None, unit: str = "days") -> str:
    return "not answered" if value is None else f"{value} {unit}"


def answers_lines(form: TopForm) -> list[str]:
    """A form's answers as a worker reads them back; what was not answered says so."""
    used = [f"  {SUBSTANCE_LABELS[s]}: {_days_words(form.use[s])}"
            for s in Substance if s in form.use]
    silent = [SUBSTANCE_LABELS[s] for s in Substance if s not in form.use]
    lines = ["Days used in the past four weeks:", *(used or ["  none answered"])]
    if silent:
        lines.append(f"  Not answered: {', '.join(silent)}")
    lines += [f"Alcohol units on a drinking day: {_counted(form.alcohol_units_per_day, 'units')}",
              f"Days injected: {_counted(form.days_injected)}; shared equipment: "
              f"{_yes_no_words(form.shared_equipment)}",
              "Crime days: " + ("; ".join(f"{CRIME_LABELS[c].lower()} {form.crime_days[c]}"
                                          for c in Crime if c in form.crime_days)
                                or "not answered"),
              f"Assault or violence: {_yes_no_words(form.violence)}"]
    lines += [f"{RATING_LABELS[r]}: " + (f"{form.ratings[r]} out of 20" if r in form.ratings
                                         else "not answered") for r in Rating]
    lines += [f"Paid work: {_counted(form.work_days)}; college, school or training: "
              f"{_counted(form.education_days)}",
              f"Acute housing problem: {_yes_no_words(form.acute_housing_problem)}; "
              f"risk of eviction: {_yes_no_words(form.eviction_risk)}"]
    return lines
