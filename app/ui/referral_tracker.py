"""The team's referrals, the closed loop: every open referral on this laptop, the one whose
answer was due first at the top, so a referral to housing that nobody answered is chased
before the person is released to a sofa. 'NO ANSWER — n days' is written out and red.

Enter (or Open record) opens the person; the partner's answer can be recorded here too,
with the same buttons as on the person's record. Closed referrals are shown on request.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from typing import Protocol

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.referrals import ReferralStatus
from app.services.changes import Changed
from app.services.referrals import Tracked
from app.ui.referral_list import (
    ANSWER,
    CONTACT,
    NOW,
    PERSON,
    SENT,
    SENT_BY,
    SERVICE,
    ReferralList,
)
from app.ui.referral_step import StepButtons
from app.ui.screen_fit import resize_to_fit
from app.ui.tasks import RunDb, run_here

# Every column without scrolling, inside a 1280-wide screen.
WANTED = QSize(1220, 520)
EMPTY = "No open referrals. Referrals are made on a person's record (Referrals, Alt+L)."


class TrackerOps(Protocol):
    """app.ui.operations.WorkOperations: the team's referrals and their steps."""

    def tracker(self, open_only: bool = True) -> list[Tracked]: ...

    def referral_step(self, person_id: str, referral_id: str, status: ReferralStatus,
                      note: str = "", on: date | None = None) -> Changed: ...


class ReferralTracker(QDialog):
    open_person = Signal(str)  # person id: Enter or Open record on a row
    changed = Signal(object)  # Changed: a step was recorded here

    def __init__(self, *, ops: TrackerOps, run: RunDb = run_here, today: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops, self._run = ops, run
        self.setWindowTitle("InsideOut — referrals: the team's, oldest answer due first")
        self.list = ReferralList((ANSWER, PERSON, SERVICE, SENT, NOW, SENT_BY, CONTACT),
                                 accessible_name="Referrals, oldest answer due first",
                                 empty_text=EMPTY, today=today, parent=self)
        self.list.opened.connect(lambda tracked: self.open_person.emit(
            tracked.referral.person_id))
        self.list.currentItemChanged.connect(lambda *_: self._enable())
        self.steps = StepButtons(record=self._ops.referral_step, current=self.list.selected,
                                 run=run, today=today, parent=self)
        self.steps.changed.connect(self._written)
        self.steps.failed.connect(self._say)
        self.show_closed = QCheckBox("Include c&losed referrals (outcome recorded, "
                                     "withdrawn)", self)
        self.show_closed.toggled.connect(lambda _on: self.reload())
        self.message = QLabel(self)
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.open_button = QPushButton("&Open record", self)
        self.open_button.setToolTip("Open the person's record (Enter)")
        self.open_button.clicked.connect(self.open_selected)
        self._layout()
        resize_to_fit(self, WANTED)
        self.reload()

    def _layout(self) -> None:
        close = QPushButton("Close", self)
        close.clicked.connect(self.reject)
        for button in (self.open_button, close):
            button.setAutoDefault(False)  # Enter belongs to the list: it opens the person
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.open_button)
        bottom.addWidget(close)
        hint = QLabel("A referral with no answer 14 days after it was sent (or acknowledged) "
                      "is overdue: phone the partner, then record what they said.", self)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.show_closed)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.steps)
        layout.addLayout(bottom)
        # Tab follows the screen, top to bottom, not the order the widgets were made in.
        chain = [self.show_closed, self.list, self.steps.on, *self.steps.buttons.values(),
                 self.open_button, close]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def reload(self) -> None:
        """Read the team's referrals off the UI thread and show them."""
        open_only = not self.show_closed.isChecked()
        self._run(lambda: self._ops.tracker(open_only), on_success=self.show_referrals,
                  on_failure=lambda error: self._say(f"Referrals not read: {error}"))

    def show_referrals(self, tracked: list[Tracked]) -> None:
        self.list.show_rows(tracked)
        if tracked:
            self.list.setFocus()
        self._enable()

    def _enable(self) -> None:
        chosen = self.list.selected()
        self.steps.enable_for(chosen)
        self.open_button.setEnabled(chosen is not None)

    def open_selected(self) -> None:
        chosen = self.list.selected()
        if chosen is not None:
            self.open_person.emit(chosen.referral.person_id)

    def _say(self, words: str) -> None:
        self.message.setText(words)

    def _written(self, changed: Changed) -> None:
        self.message.clear()
        self.changed.emit(changed)
        self.reload()
