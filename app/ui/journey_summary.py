"""The top of the Journey tab: where the person is, what comes next, and what must be done.

An open "tell the police" step is a red box above everything else, with the button that
records it: missing a Required Assessment is an offence the assessor must report, and a
line among others is how a step like that gets missed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.journey.required_assessment import RaStage
from app.domain.valuesets import ValueSet
from app.services.journey import Journey
from app.ui.journey_words import (
    episodes_words,
    key_date_words,
    police_words,
    ra_words,
    release_words,
    setting_words,
)

# Local to these widgets: the app's stylesheet knows nothing of them.
POLICE_STYLE = ("QFrame#policeBox { background: #a4161a; border-radius: 6px; }"
                "QFrame#policeBox QLabel { color: #ffffff; font-weight: 700; }")
RISK_STYLE = ("QLabel { background: #a4161a; color: #ffffff; font-weight: 700; "
              "padding: 3px 8px; border-radius: 4px; }")
# Inside the tab the banner's red badge is right above: red words, no second bar.
RISK_TEXT = "QLabel { color: #a4161a; font-weight: 700; }"


class PoliceBox(QFrame):
    """Open 'tell the police' steps, and the one button that closes them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("policeBox")
        self.setStyleSheet(POLICE_STYLE)
        self.setAccessibleName("Tell the police")
        self.steps = QLabel()
        self.steps.setWordWrap(True)
        # Alt+L: Alt+W is the record's Work tab, on screen beside it.
        self.button = QPushButton("Record that the po&lice were told…")
        self.button.setAccessibleName("Record that the police were told")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(self.steps, 1)
        row.addWidget(self.button)

    def show_steps(self, steps: str) -> None:
        self.steps.setText(f"TELL THE POLICE: {steps}")
        self.setVisible(bool(steps))


class JourneySummary(QWidget):
    police_told_requested = Signal()

    def __init__(self, value_sets: Mapping[str, ValueSet],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value_sets = value_sets
        self.police = PoliceBox(self)
        self.police.button.clicked.connect(self.police_told_requested.emit)
        # A line each, no headings: the timeline below needs the height.
        self.now, self.release, self.ra, self.treatment = (QLabel(self) for _ in range(4))
        self.now.setStyleSheet("font-weight: 700;")
        for label, name in ((self.now, "Where they are now and the next key date"),
                            (self.release, "Release"), (self.ra, "Required Assessment"),
                            (self.treatment, "Treatment episodes")):
            label.setWordWrap(True)
            label.setAccessibleName(name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        for widget in (self.police, self.now, self.release, self.ra, self.treatment):
            layout.addWidget(widget)

    def show_journey(self, journey: Journey, today: date | None = None) -> None:
        today = today or date.today()
        state, ra = journey.state, journey.required_assessment
        self.police.show_steps(police_words(ra))
        self.now.setText(f"{setting_words(state)}  ·  "
                         f"{key_date_words(state.next_key_date, today, short=True)}")
        self.release.setText(release_words(state))
        self.release.setVisible(state.days_since_release is not None)
        self.release.setStyleSheet(RISK_TEXT if state.recently_released else "")
        self.ra.setText(ra_words(ra))
        self.ra.setVisible(ra.stage is not RaStage.NONE)
        self.treatment.setText(episodes_words(journey.episodes, self._value_sets))
        self.treatment.setVisible(bool(journey.episodes))
