"""The strip at the top of every screen that shows a person: who, pathway, risk, consent."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout

from app.services.views import PersonRecord

AGENCY_NAMES = {"police": "police", "probation": "probation", "prison": "prison",
                 "treatment_provider": "treatment provider", "housing": "housing",
                 "social_services": "social services",
                 "young_peoples_service": "young people's service"}


def identity_line(record: PersonRecord) -> str:
    person = record.person
    parts = []
    if person.date_of_birth:
        parts.append(f"Born {person.date_of_birth:%d/%m/%Y} (age {record.age})")
    else:
        parts.append("Date of birth not known")
    ids = person.identifiers
    for label, value in (("PNC", ids.pnc_id), ("Prison no.", ids.prison_number),
                         ("NHS", _spaced_nhs(ids.nhs_number))):
        if value:
            parts.append(f"{label} {value}")
    return "  ·  ".join(parts)


def _spaced_nhs(digits: str) -> str:
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if digits else ""


def consent_line(record: PersonRecord) -> str:
    if not record.consenting_agencies:
        return "No consent to share recorded — partners see nothing."
    return "Consent to share with: " + ", ".join(AGENCY_NAMES.get(a, a)
                                                for a in record.consenting_agencies)


class PersonBanner(QFrame):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("personBanner")
        self.name = QLabel()
        self.name.setObjectName("personName")
        self.pathway = QLabel()
        self.pathway.setObjectName("youngPersonBadge")
        self.out_of_area = QLabel("OUT OF AREA — still helped")
        self.out_of_area.setObjectName("outOfAreaBadge")
        self.name.setWordWrap(True)
        self.identity, self.risk, self.consent = QLabel(), QLabel(), QLabel()
        self.risk.setObjectName("riskLine")
        self.risk.setAccessibleName("Risk summary")
        # Long names, risk headlines and consent lists wrap: at 1280x720 the work area is
        # about 820 px wide and nothing may be cut off.
        for label in (self.identity, self.risk, self.consent):
            label.setWordWrap(True)
        badges = QHBoxLayout()
        for widget in (self.pathway, self.out_of_area):
            badges.addWidget(widget)
        badges.addStretch()
        top = QHBoxLayout()
        top.addWidget(self.name, 1)
        self.actions = QHBoxLayout()  # record-level buttons sit top right, by the name
        top.addLayout(self.actions)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 6, 8, 6)
        column.setSpacing(2)
        column.addLayout(top)
        column.addLayout(badges)  # own row: the badge is never squeezed by the buttons
        for widget in (self.identity, self.risk, self.consent):
            column.addWidget(widget)

    def show_record(self, record: PersonRecord, risk_level: str, risk_headline: str) -> None:
        self.name.setText(record.person.name.display())
        self.pathway.setVisible(record.young_person)
        self.pathway.setToolTip("Young people's pathway: under 18")
        self.pathway.setText(f"YOUNG PEOPLE'S PATHWAY — under 18 (age {record.age})")
        self.out_of_area.setVisible(record.person.out_of_area)
        self.identity.setText(identity_line(record))
        self.risk.setText(risk_headline)
        self.risk.setProperty("level", risk_level)
        self.risk.style().unpolish(self.risk)
        self.risk.style().polish(self.risk)
        self.consent.setText(consent_line(record))
