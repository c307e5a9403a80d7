"""Consent to share, per partner agency: given, withdrawn, by whom and when."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.consent import PartnerAgency
from app.services import people
from app.services.session import WorkerSession
from app.services.views import PersonRecord
from app.ui.person_banner import AGENCY_NAMES


class ConsentPanel(QWidget):
    changed = Signal()

    def __init__(self, *, session: WorkerSession, person_id: str) -> None:
        super().__init__()
        self._session = session
        self._person_id = person_id
        self.status: dict[str, QLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        intro = QLabel("What each partner may see depends on the person's consent. "
                       "Record it as they give it; withdrawal keeps the history.")
        intro.setWordWrap(True)
        grid = QGridLayout()
        for row, agency in enumerate(PartnerAgency):
            name = QLabel(AGENCY_NAMES[agency].capitalize())
            status, button = QLabel(), QPushButton()
            button.setAccessibleName(f"Consent for {AGENCY_NAMES[agency]}")
            button.clicked.connect(lambda _=False, a=str(agency): self._toggle(a))
            self.status[agency], self.buttons[agency] = status, button
            grid.addWidget(name, row, 0)
            grid.addWidget(status, row, 1)
            grid.addWidget(button, row, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addStretch()

    def show_record(self, record: PersonRecord) -> None:
        latest = {c.agency: c for c in record.person.consents}
        for agency, label in self.status.items():
            consent = latest.get(PartnerAgency(agency))
            active = agency in record.consenting_agencies
            if consent is None:
                label.setText("not asked")
            elif active:
                label.setText(f"given {consent.given_on:%d/%m/%Y} ({consent.recorded_by})")
            else:
                label.setText(f"withdrawn {consent.withdrawn_on:%d/%m/%Y} "
                              f"({consent.withdrawal_recorded_by})")
            self.buttons[agency].setText("Withdraw" if active else "Record consent")
            self.buttons[agency].setProperty("active", active)

    def _toggle(self, agency: str) -> None:
        if self.buttons[agency].property("active"):
            people.withdraw_consent(session=self._session, person_id=self._person_id,
                                    agency=agency)
        else:
            people.give_consent(session=self._session, person_id=self._person_id, agency=agency)
        self.changed.emit()
