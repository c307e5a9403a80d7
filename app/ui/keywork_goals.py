"""The person's care-plan goals as tick boxes, for a key-work session to name the ones it
worked on. Goals are the person's own words and can be long: a box shows the start and its
tooltip the whole; many goals scroll rather than push the dialog off a small screen. With
no care plan there is nothing to tick, and the box says so."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QLabel, QScrollArea, QVBoxLayout, QWidget

NO_PLAN = ("There is no care plan yet, so there are no goals to tick. Write what you "
           "worked on in the notes.")
_SHOWN = 90  # characters of a goal beside its box
_MOST_ROWS_SHOWN = 6  # more goals than this scroll


def _box_text(goal: str) -> str:
    shown = goal if len(goal) <= _SHOWN else goal[:_SHOWN - 1] + "…"
    return shown.replace("&", "&&")  # a goal's '&' is a word, not an Alt letter


class GoalChoice(QWidget):
    toggled = Signal()  # a box was ticked or unticked

    def __init__(self, goals: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.boxes: list[QCheckBox] = []
        self._goals = tuple(goals)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if not self._goals:
            self.no_plan: QLabel | None = QLabel(NO_PLAN, self)
            self.no_plan.setObjectName("hint")
            self.no_plan.setWordWrap(True)
            layout.addWidget(self.no_plan)
            return
        self.no_plan = None
        layout.addWidget(self._scrolled())

    def _scrolled(self) -> QScrollArea:
        inside = QWidget()
        column = QVBoxLayout(inside)
        column.setContentsMargins(2, 2, 2, 2)
        for goal in self._goals:
            box = QCheckBox(_box_text(goal), inside)
            box.setToolTip(goal)
            box.setAccessibleName(f"Goal: {goal}")
            box.toggled.connect(lambda _on: self.toggled.emit())
            column.addWidget(box)
            self.boxes.append(box)
        area = QScrollArea(self)
        area.setWidget(inside)
        area.setWidgetResizable(True)
        # Every goal seen whole, side to side (they are cut at _SHOWN characters); top to
        # bottom up to _MOST_ROWS_SHOWN, then the box scrolls.
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        wanted = inside.sizeHint()
        most = _MOST_ROWS_SHOWN * wanted.height() // len(self._goals)
        area.setFixedHeight(min(wanted.height(), most) + 2 * area.frameWidth())
        area.setMinimumWidth(wanted.width() + area.verticalScrollBar().sizeHint().width()
                             + 2 * area.frameWidth())
        return area

    def chosen(self) -> tuple[str, ...]:
        """The goals ticked, in the plan's order, in the plan's own words."""
        return tuple(goal for goal, box in zip(self._goals, self.boxes, strict=True)
                     if box.isChecked())

    def choose(self, goals: Sequence[str]) -> None:
        """Tick these goals (a correction starts from what the session worked on); a goal
        the plan no longer has cannot be ticked, and the domain checks that."""
        for goal, box in zip(self._goals, self.boxes, strict=True):
            box.setChecked(goal in goals)

    def first_focus(self) -> QWidget:
        """Where Alt+G lands: the first box, or the sentence when there is no plan."""
        return self.boxes[0] if self.boxes else self
