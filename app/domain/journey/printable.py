"""What the Required Assessment notices and the handover summary print, resolved to text.

The wording of each notice follows the Drugs Act 2005, Part 3 as DOMAIN.md reads it: the
time and place are given in writing with the warning that failing without good cause to
attend, or to remain, is an offence. It is our own plain English, not a copy of any form.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.printable import PersonIdentifiers, ServiceHeader, marker_text

WARNING = (
    "If you fail, without good cause, to attend this assessment or to remain for all of "
    "it, you commit an offence. You could be sent to prison for up to 51 weeks or fined "
    "(level 4). If you cannot attend, contact the assessor before the appointment.")

_NOTICES = {
    "RA1": ("Notice of initial assessment",
            "You are required to attend an initial assessment of your drug use, at the time "
            "and place below, and to remain for the whole of it."),
    "RA2": ("Change of appointment",
            "The time or place of your assessment has changed. You are now required to "
            "attend at the time and place below, and to remain for the whole of it."),
    "RA3": ("Record of attendance",
            "You attended your assessment and remained for the whole of it. Keep this "
            "notice as a record."),
    "RA4": ("Confirmation of follow-up assessment",
            "You are required to attend a follow-up assessment at the time and place below, "
            "and to remain for the whole of it."),
    "RA5": ("Follow-up requirement ceases",
            "You are no longer required to attend a follow-up assessment. Nothing further "
            "is required of you under this Required Assessment."),
}
_APPOINTMENT_NOTICES = {"RA1", "RA2", "RA4"}


@dataclass(frozen=True)
class PrintableRaNotice:
    header: ServiceHeader
    person: PersonIdentifiers
    notice: str  # RA1 .. RA5
    event_id: str
    given_on: str  # dd/mm/yyyy
    given_by: str  # the worker's name
    tested_on: str  # the positive test the requirement follows, dd/mm/yyyy
    appointment: str = ""  # 'Thursday 05/03/2026 at 10:00'
    place: str = ""
    assessor: str = ""

    @property
    def title(self) -> str:
        return f"{self.notice}: {_NOTICES[self.notice][0]}"

    @property
    def statement(self) -> str:
        return _NOTICES[self.notice][1]

    @property
    def gives_an_appointment(self) -> bool:
        return self.notice in _APPOINTMENT_NOTICES

    def marker(self) -> str:
        return marker_text("ra-notice", self.person.record_id, self.event_id, 0, self.notice)


@dataclass(frozen=True)
class PrintedPrescribing:
    medicine: str  # 'Methadone oral solution 1 mg/ml'
    daily_dose: str  # '60 mg'
    prescriber: str
    pharmacy: str
    last_dose: str  # dd/mm/yyyy, or '' if not known


@dataclass(frozen=True)
class PrintableHandover:
    header: ServiceHeader
    person: PersonIdentifiers
    handover_id: str
    from_team: str
    to_team: str
    reason: str  # 'Release from prison'
    made: str  # 'dd/mm/yyyy by Jo Bloggs'
    setting: str  # 'Prison (HMP Chelmsford) since 03/03/2026'
    release: str = ""  # 'Released 17/04/2026 to 12 High St; met by Sam'
    prescribing: PrintedPrescribing | None = None
    risks: tuple[str, ...] = ()
    changes: tuple[str, ...] = ()  # what changed since the last contact
    goals: tuple[str, ...] = ()  # the current care plan's goals, in their own words
    next_appointments: tuple[str, ...] = ()
    contacts: tuple[tuple[str, str], ...] = ()  # ('Key worker', 'Jo Bloggs, 01245 000000')

    def marker(self) -> str:
        return marker_text("handover", self.person.record_id, self.handover_id, 0, "")
