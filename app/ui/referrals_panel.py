"""A person's referrals on their record: each one newest first, where it is now, when the
partner's answer is due (or how long it has gone unanswered, in red words), and the steps
so far; refer again, record the partner's answer as it comes, and correct the last step
when it was recorded in error (a new step replaces it; the wrong one is kept, marked).

The panel reloads itself after its own writes and says what changed (`changed`), so the
window can refresh what else shows the person's work (tasks, the overdue count).
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.referrals import ReferralService, ReferralStatus
from app.services.changes import Changed
from app.services.referrals import Tracked, could_have_been
from app.ui.referral_dialog import ReferDialog
from app.ui.referral_list import ANSWER, CONTACT_SHORT, NOW, SENT, SERVICE, ReferralList
from app.ui.referral_step import StepButtons
from app.ui.referral_step_dialog import StepCorrectionDialog
from app.ui.referral_words import history_lines
from app.ui.tasks import RunDb, run_here


class ReferralOps(Protocol):
    """app.ui.operations.WorkOperations: a person's referrals, referring, the steps."""

    def referrals(self, person_id: str) -> list[Tracked]: ...

    def refer(self, person_id: str, service: ReferralService, reason: str,
              partner_contact: str = "") -> Changed: ...

    def referral_step(self, person_id: str, referral_id: str, status: ReferralStatus,
                      note: str = "", on: date | None = None,
                      corrects: str | None = None) -> Changed: ...


class ReferralsPanel(QWidget):
    changed = Signal(object)  # Changed: a referral or a step was stored here

    def __init__(self, *, ops: ReferralOps, person_id: str, run: RunDb = run_here,
                 today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops, self._run = ops, run
        self.person_id = person_id
        self.dialog: ReferDialog | StepCorrectionDialog | None = None
        self.list = ReferralList((SERVICE, SENT, NOW, ANSWER, CONTACT_SHORT),
                                 accessible_name="Referrals, newest first",
                                 empty_text="No referrals yet. Refer with Alt+L.",
                                 today=today, parent=self)
        self.steps = StepButtons(record=self._ops.referral_step, current=self.list.selected,
                                 run=run, today=today, parent=self)
        self.steps.changed.connect(self._written)
        self.steps.failed.connect(self._say)
        self.history = self._history_box()
        self.feedback = QLabel(self)
        self.feedback.setObjectName("errorMessage")
        self.feedback.setWordWrap(True)
        self.feedback.hide()
        self.refer_button = QPushButton("Make a referra&l…", self)
        self.refer_button.setToolTip("Refer this person to housing, a GP, mental health and "
                                     "other services (Alt+L)")
        self.refer_button.clicked.connect(self.refer_new)
        # Alt+X: every letter of 'Correct the last step' is taken on the record already.
        self.correct_button = QPushButton("Fi&x the last step…", self)
        self.correct_button.setToolTip(
            "Correct the chosen referral's last step, recorded in error (the wrong step, "
            "the wrong date or note): the correction replaces it, and the wrong step stays "
            "in the referral's history, marked (corrected) (Alt+X)")
        self.correct_button.clicked.connect(self.correct_last)
        self._layout()
        self.list.currentItemChanged.connect(lambda *_: self._show_selected())
        self._show_selected()

    def _history_box(self) -> QPlainTextEdit:
        box = QPlainTextEdit(self)
        box.setReadOnly(True)
        box.setTabChangesFocus(True)
        box.setAccessibleName("Reason and steps of the selected referral")
        box.setMinimumHeight(80)
        return box

    def _layout(self) -> None:
        steps_label = QLabel("Reason and &steps so far:", self)
        steps_label.setBuddy(self.history)
        top = QHBoxLayout()
        top.addWidget(self.refer_button)
        top.addWidget(self.correct_button)
        top.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.list, 3)  # the steps get a share of a tall window too
        layout.addWidget(steps_label)
        layout.addWidget(self.history, 2)
        layout.addWidget(self.feedback)
        layout.addWidget(self.steps)
        # Tab follows the screen, top to bottom, not the order the widgets were made in.
        QWidget.setTabOrder(self.refer_button, self.correct_button)
        QWidget.setTabOrder(self.correct_button, self.list)
        QWidget.setTabOrder(self.list, self.history)
        QWidget.setTabOrder(self.history, self.steps.on)

    # ---- showing -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the person's referrals off the UI thread and show them."""
        person_id = self.person_id
        self._run(lambda: self._ops.referrals(person_id), on_success=self.show_referrals,
                  on_failure=lambda error: self._say(f"Referrals not read: {error}"))

    def show_referrals(self, tracked: list[Tracked]) -> None:
        self.list.show_rows(tracked)
        self._show_selected()

    def _show_selected(self) -> None:
        chosen = self.list.selected()
        self.steps.enable_for(chosen)
        self.correct_button.setEnabled(chosen is not None and chosen.last_step is not None)
        self.history.setPlainText("\n".join(history_lines(chosen)) if chosen else "")

    def _say(self, words: str) -> None:
        self.feedback.setText(words)
        self.feedback.setVisible(bool(words))  # no empty gap above the steps

    def _written(self, changed: Changed) -> None:
        self._say("")
        self.changed.emit(changed)
        self.refresh()

    # ---- referring ---------------------------------------------------------------------------
    def refer_new(self) -> ReferDialog:
        self._replace_dialog()
        self.dialog = ReferDialog(refer=self._refer, run=self._run, parent=self)
        self.dialog.referred.connect(self._written)
        self.dialog.open()  # window-modal: one referral at a time
        return self.dialog

    def _refer(self, service: ReferralService, reason: str, contact: str) -> Changed:
        # Runs on the database lane: it touches the store, never a widget.
        return self._ops.refer(self.person_id, service, reason, contact)

    # ---- correcting --------------------------------------------------------------------------
    def correct_last(self) -> StepCorrectionDialog | None:
        """The chosen referral's last step, to be saved again as it should have been."""
        chosen = self.list.selected()
        wrong = chosen.last_step if chosen is not None else None
        if chosen is None or wrong is None:
            return None
        self._replace_dialog()
        dialog = StepCorrectionDialog(tracked=chosen, wrong=wrong,
                                      choices=could_have_been(chosen),
                                      correct=self._ops.referral_step, run=self._run,
                                      parent=self)
        dialog.recorded.connect(self._written)
        self.dialog = dialog
        dialog.open()  # window-modal: one correction at a time
        return dialog

    def _replace_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
