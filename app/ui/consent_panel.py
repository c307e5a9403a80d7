"""Consent to share, per partner agency: recorded on purpose, withdrawn on purpose.

Recording is a dialog (which agencies, verbal or written, a review date, and that it was
explained); withdrawing is a separate button on the agency's own row, confirmed first.
The two never sit in the same place, so a second click cannot undo the first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.consent import ConsentRecord, PartnerAgency
from app.services import consent
from app.services.changes import Changed
from app.services.consent import ConsentInput
from app.services.errors import InvalidInput
from app.services.views import PersonRecord
from app.ui.person_banner import AGENCY_NAMES
from app.ui.tasks import RunDb, run_here

_HOW = {"verbal": "verbal", "written": "written", "": "how not recorded"}


def describe(record: ConsentRecord | None, active: bool, today: date) -> str:
    """One agency's line: given when, how, by whom, and its review date."""
    if record is None:
        return "not asked"
    if not active:
        return (f"withdrawn {record.withdrawn_on:%d/%m/%Y} ({record.withdrawal_recorded_by})"
                if record.withdrawn_on else "not active")
    text = f"given {record.given_on:%d/%m/%Y}, {_HOW.get(record.how, record.how)} " \
           f"({record.recorded_by})"
    if record.review_on:
        due = " — REVIEW DUE: ask them again" if record.review_due_on(today) else ""
        text += f"; review by {record.review_on:%d/%m/%Y}{due}"
    return text


class ConsentOps(Protocol):
    def record_consent(self, person_id: str, typed: ConsentInput) -> Changed: ...

    def withdraw_consent(self, person_id: str, agency: str) -> Changed: ...


class ConsentPanel(QWidget):
    changed = Signal(object)  # Changed

    def __init__(self, *, ops: ConsentOps, person_id: str, run: RunDb = run_here) -> None:
        super().__init__()
        self._ops = ops
        self._run = run  # the app's database runner: the write never runs on the UI thread
        self._person_id = person_id
        self._active: set[str] = set()
        self.status: dict[str, QLabel] = {}
        self.withdraw_buttons: dict[str, QPushButton] = {}
        intro = QLabel("What each partner may see depends on the person's consent. Record it "
                       "as they give it; withdrawal keeps the history.")
        intro.setWordWrap(True)
        self.record_button = QPushButton("Record consent…")
        self.record_button.clicked.connect(self.open_record_dialog)
        top = QHBoxLayout()
        top.addWidget(intro, 1)
        top.addWidget(self.record_button)
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        for row, agency in enumerate(PartnerAgency):
            status = QLabel()
            status.setWordWrap(True)
            withdraw = QPushButton("Withdraw…")
            withdraw.setAccessibleName(f"Withdraw consent for {AGENCY_NAMES[agency]}")
            withdraw.clicked.connect(lambda _=False, a=str(agency): self.withdraw(a))
            self.status[agency], self.withdraw_buttons[agency] = status, withdraw
            grid.addWidget(QLabel(AGENCY_NAMES[agency].capitalize()), row, 0)
            grid.addWidget(status, row, 1)
            grid.addWidget(withdraw, row, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid)
        layout.addStretch()

    def show_record(self, record: PersonRecord, today: date | None = None) -> None:
        today = today or date.today()
        latest = {c.agency: c for c in record.person.consents}
        self._active = set(record.consenting_agencies)
        for agency, label in self.status.items():
            active = agency in self._active
            label.setText(describe(latest.get(PartnerAgency(agency)), active, today))
            # Hidden, not disabled, where there is nothing to withdraw: no button to misread.
            self.withdraw_buttons[agency].setVisible(active)

    def open_record_dialog(self) -> ConsentDialog:
        dialog = ConsentDialog(already=self._active, run=self._run, parent=self,
                               record=lambda typed: self._ops.record_consent(
                                   self._person_id, typed))
        dialog.recorded.connect(self.changed.emit)
        dialog.show()
        return dialog

    def withdraw(self, agency: str) -> bool:
        name = AGENCY_NAMES[agency]
        if not self.confirm_withdrawal(name):
            return False
        self._run(lambda: self._ops.withdraw_consent(self._person_id, agency),
                  on_success=self.changed.emit, on_failure=self._withdrawal_failed)
        return True

    def _withdrawal_failed(self, error: Exception) -> None:
        QMessageBox.warning(self, "Consent not withdrawn", f"Nothing was changed: {error}")

    def confirm_withdrawal(self, name: str) -> bool:
        """Tests replace this: the question a worker answers before withdrawing."""
        answer = QMessageBox.question(
            self, "Withdraw consent?",
            f"Withdraw their consent to share with {name}?\n\n{name.capitalize()} will no "
            "longer see this record from the next sync. The withdrawal is recorded with your "
            "name and today's date; consent can be given again later.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes


class ConsentDialog(QDialog):
    """Which agencies, verbal or written, a review date, and that it was explained."""

    recorded = Signal(object)  # Changed

    def __init__(self, *, already: set[str], record: Callable[[ConsentInput], Changed],
                 run: RunDb = run_here, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Record consent to share")
        self._record = record
        self._run = run
        self.agencies: dict[str, QCheckBox] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Which agencies do they agree to share their record with?"))
        for agency in PartnerAgency:
            box = QCheckBox(AGENCY_NAMES[agency].capitalize())
            if agency in already:
                box.setText(box.text() + " — already given")
                box.setEnabled(False)
            self.agencies[agency] = box
            layout.addWidget(box)
        self.verbal = QRadioButton("&Verbal (said to you; you are noting it)")
        self.written = QRadioButton("&Written (they signed a consent form)")
        for button in (self.verbal, self.written):
            layout.addWidget(button)
        self.review = QLineEdit(f"{consent.default_review():%d/%m/%Y}")
        self.review.setAccessibleName("Review consent by")
        review_row = QHBoxLayout()
        review_label = QLabel("&Review with them by:")
        review_label.setBuddy(self.review)
        review_row.addWidget(review_label)
        review_row.addWidget(self.review)
        layout.addLayout(review_row)
        self.explained = QCheckBox("I have &explained what is shared, with whom and why, and "
                                   "that they can withdraw at any time")
        layout.addWidget(self.explained)
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.addButton("Record &consent",
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def typed(self) -> ConsentInput:
        chosen = tuple(a for a, box in self.agencies.items() if box.isEnabled()
                       and box.isChecked())
        how = "verbal" if self.verbal.isChecked() else "written" \
            if self.written.isChecked() else ""
        return ConsentInput(chosen, how, self.review.text(), self.explained.isChecked())

    def save(self) -> None:
        """Recorded off the UI thread; the dialog closes once it is, or says why not."""
        typed = self.typed()
        self.save_button.setEnabled(False)  # a second press while it records does nothing
        self._run(lambda: self._record(typed), on_success=self._saved, on_failure=self._refused)

    def _saved(self, changed: Changed) -> None:
        self.recorded.emit(changed)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.save_button.setEnabled(True)
        self.message.setText("\n".join(error.problems.values())
                             if isinstance(error, InvalidInput) else f"Not recorded: {error}")
