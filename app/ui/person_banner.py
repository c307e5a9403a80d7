"""The strip at the top of every screen that shows a person: who, pathway, risk, consent,
where they are on their journey and what they are prescribed."""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout

from app.domain.journey.treatment import Prescription
from app.services.handover_inbox import HandoverEntry
from app.services.journey import Journey
from app.services.views import PersonRecord
from app.ui.handover_words import banner_words, read_only_words
from app.ui.journey_summary import RISK_STYLE
from app.ui.journey_words import key_date_words, prescribing_words, risk_badge_words, setting_words

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
        # Red and on its own: tolerance falls in prison, and the weeks after release are
        # when people die of an overdose.
        self.overdose = QLabel()
        self.overdose.setObjectName("overdoseBadge")
        self.overdose.setStyleSheet(RISK_STYLE)
        self.overdose.setAccessibleName("Overdose risk after release")
        self.overdose.hide()
        self.journey = QLabel()
        self.journey.setObjectName("journeyLine")
        self.journey.setAccessibleName("Where they are, what comes next, prescribing")
        self.journey.setTextFormat(Qt.TextFormat.RichText)
        self.team = QLabel()  # key worker, and a handover while one waits
        self.team.setObjectName("teamLine")
        self.team.setAccessibleName("Key worker and handover")
        self.team.setTextFormat(Qt.TextFormat.RichText)
        self.name.setWordWrap(True)
        self.identity, self.risk, self.consent = QLabel(), QLabel(), QLabel()
        self.risk.setObjectName("riskLine")
        self.risk.setAccessibleName("Risk summary")
        # Long names, risk headlines and consent lists wrap: at 1280x720 the work area is
        # about 820 px wide and nothing may be cut off.
        for label in (self.identity, self.risk, self.consent, self.journey, self.team):
            label.setWordWrap(True)
        badges = QHBoxLayout()
        for widget in (self.pathway, self.out_of_area):
            badges.addWidget(widget)
        # Beside the badges, not a line of its own: at 1280x720 the record has no line
        # to spare, and an adult's badge row is otherwise empty.
        badges.addWidget(self.team, 1)
        top = QHBoxLayout()
        top.addWidget(self.name, 1)
        self.actions = QHBoxLayout()  # record-level buttons sit top right, by the name
        top.addLayout(self.actions)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 4, 8, 4)
        column.setSpacing(2)
        column.addLayout(top)
        column.addLayout(badges)  # own row: the badge is never squeezed by the buttons
        column.addWidget(self.identity)
        risks = QHBoxLayout()  # the release badge beside the risk line: risks read together
        risks.addWidget(self.risk, 1)
        risks.addWidget(self.overdose)
        column.addLayout(risks)
        for widget in (self.journey, self.consent):
            column.addWidget(widget)

    def show_record(self, record: PersonRecord, risk_level: str, risk_headline: str) -> None:
        self.name.setText(record.person.name.display())
        self.pathway.setVisible(record.young_person)
        self.pathway.setToolTip("Young people's pathway: under 18. The young people's "
                                "service is the lead partner; safeguarding questions "
                                "are required in the custody triage.")
        self.pathway.setText(f"YOUNG PEOPLE'S PATHWAY (age {record.age}) — "
                             "young people's service leads")
        self.out_of_area.setVisible(record.person.out_of_area)
        self.identity.setText(identity_line(record))
        self.risk.setText(risk_headline)
        self.risk.setProperty("level", risk_level)
        self.risk.style().unpolish(self.risk)
        self.risk.style().polish(self.risk)
        self.consent.setText(consent_line(record))

    def show_journey(self, journey: Journey, today: date | None = None) -> None:
        """Setting and next key date on one line; the release badge; prescribing if any."""
        today = today or date.today()
        state = journey.state
        where = (f"{setting_words(state, short=True)}  ·  "
                 f"{key_date_words(state.next_key_date, today, short=True)}")
        given = journey.prescription
        # One label, the prescription on a line of its own: a label per line costs the
        # layout's spacing, and at 1280x720 the record has none to spare.
        self.journey.setText(html.escape(where) + (f"<br>{_prescribing_html(given)}"
                                                   if given else ""))
        self.journey.setAccessibleDescription(
            prescribing_words(given) if given else "No current prescribing recorded")
        badge = risk_badge_words(state)
        self.overdose.setText(badge)
        self.overdose.setVisible(bool(badge))

    def show_team(self, key_worker: str, handover: HandoverEntry | None,
                  today: date | None = None) -> None:
        """'Key worker: Jo Bloggs', and the handover on the same line while it waits: in
        bold, red once it is overdue."""
        held = f"Key worker: {key_worker}" if key_worker else "Key worker: none allocated"
        text = html.escape(held)
        if handover is not None:
            late = handover.handover.is_overdue(today or date.today())
            colour = ' style="color:#a4161a"' if late else ""
            text += f"  ·  <b{colour}>{html.escape(banner_words(handover, today))}</b>"
        away = handover is not None and handover.outbound
        if away:  # handed over by this team: say so where the eye goes first
            text += "  ·  <b>READ-ONLY here</b>"
        self.team.setText(text)
        self.team.setToolTip(read_only_words(handover) if handover and away else "")

    def team_text(self) -> str:
        return QTextDocumentFragment.fromHtml(self.team.text()).toPlainText()

    def journey_text(self) -> str:
        """The journey line as a person reads it (the label holds rich text)."""
        return QTextDocumentFragment.fromHtml(self.journey.text()).toPlainText()


def _prescribing_html(given: Prescription) -> str:
    """'Last dose not known' is what stops a doubled dose on the day of release: in red."""
    text = html.escape(prescribing_words(given))
    warning = "LAST DOSE NOT KNOWN"
    return text.replace(warning, f'<b style="color:#a4161a">{warning}</b>')
