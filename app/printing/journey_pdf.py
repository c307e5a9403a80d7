"""The Required Assessment notices and the handover summary, in the care plan's style.

A notice is one page the person takes away: what is required, when and where, and the
warning in bold. A handover summary is one page the person can carry out of the gate:
who they are, where they are going, what they are prescribed and when they last had it,
the risks, their goals and their next appointments.
"""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from app.domain.journey.printable import WARNING, PrintableHandover, PrintableRaNotice
from app.printing.layout import (
    ACCENT,
    BODY,
    CELL,
    CONTENT_WIDTH,
    HEADING,
    RULE,
    SHADE,
    SMALL,
    TITLE,
    PageFrame,
    build_pdf,
    label_table,
    text,
)

_LABELS = (42 * mm, CONTENT_WIDTH - 42 * mm)
# The handover is one page the person carries out of the gate: its sections sit closer.
_SECTION = ParagraphStyle("handoverSection", parent=HEADING, spaceBefore=3 * mm,
                          spaceAfter=1 * mm)


def build_ra_notice_pdf(notice: PrintableRaNotice) -> bytes:
    frame = PageFrame(notice.header, "Required Assessment",
                      f"{notice.title} · {notice.person.name} · given {notice.given_on}")
    return build_pdf(_notice_story(notice), frame, title=f"{notice.title} - {notice.person.name}",
                     subject="InsideOut Required Assessment notice", keywords=notice.marker(),
                     author=notice.header.service_name)


def _notice_story(notice: PrintableRaNotice) -> list[Flowable]:
    story: list[Flowable] = [
        Paragraph(notice.title, TITLE),
        label_table([*notice.person.rows(), ("Positive test on", notice.tested_on)], _LABELS),
        Spacer(1, 5 * mm), text(notice.statement)]
    if notice.gives_an_appointment:
        appointment = label_table(
            [("When", notice.appointment), ("Where", notice.place or "to be confirmed"),
             ("Assessor", notice.assessor or "the drug worker on duty")], _LABELS)
        story += [Paragraph("Your appointment", HEADING),
                  KeepTogether([appointment, Spacer(1, 4 * mm), _warning()])]
    story += [Paragraph("Given", HEADING), label_table(
        [("Given on", notice.given_on), ("Given by", notice.given_by)], _LABELS),
        Spacer(1, 3 * mm),
        text("This notice is signed digitally by the service; a printed copy can be checked "
             "with InsideOut's Verify.", SMALL)]
    return story


def _warning() -> Flowable:
    cell = Paragraph(f"<b>Warning.</b> {WARNING}", BODY)
    table = Table([[cell]], colWidths=[CONTENT_WIDTH])
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.4, ACCENT),
                               ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                               ("TOPPADDING", (0, 0), (-1, -1), 6),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return table


def build_handover_pdf(handover: PrintableHandover) -> bytes:
    frame = PageFrame(handover.header, "Handover",
                      f"Handover · {handover.person.name} · {handover.from_team} to "
                      f"{handover.to_team}")
    return build_pdf(_handover_story(handover), frame,
                     title=f"Handover - {handover.person.name}",
                     subject="InsideOut continuity-of-care summary",
                     keywords=handover.marker(), author=handover.header.service_name)


def _handover_story(handover: PrintableHandover) -> list[Flowable]:
    rows = [*handover.person.rows(), ("From", handover.from_team), ("To", handover.to_team),
            ("Why", handover.reason), ("Now", handover.setting)]
    if handover.release:
        rows.append(("Release", handover.release))
    rows.append(("Handed over", handover.made))
    rows += handover.contacts  # who to call, where the reader looks first
    story: list[Flowable] = [Paragraph(f"Handover for {handover.person.name}", TITLE),
                             label_table(rows, _LABELS), *_prescribing(handover)]
    for heading, items, empty in (
            ("Risks", handover.risks, "No risks recorded."),
            ("What changed since the last contact", handover.changes, "Nothing recorded."),
            ("Care plan goals — in their own words", handover.goals, "No signed care plan."),
            ("Next appointments", handover.next_appointments, "None booked: book one.")):
        story += [Paragraph(heading, _SECTION), *_bullets(items, empty)]
    return story


def _prescribing(handover: PrintableHandover) -> list[Flowable]:
    given = handover.prescribing
    if given is None:
        return [Paragraph("Prescribing", _SECTION), text("No current prescription recorded.")]
    table = label_table([("Medicine", given.medicine), ("Daily dose", given.daily_dose),
                         ("Prescriber", given.prescriber), ("Pharmacy", given.pharmacy),
                         ("Last dose", given.last_dose or "not known: check before dosing")],
                        _LABELS)
    return [Paragraph("Prescribing", _SECTION), table,
            text("A missed or doubled dose on the day of release can kill: confirm the last "
                 "dose with the prison before the first community dose.", SMALL)]


def _bullets(items: tuple[str, ...], empty: str) -> list[Flowable]:
    if not items:
        return [text(empty, CELL)]
    table = Table([[text("•", CELL), text(item, CELL)] for item in items],
                  colWidths=[5 * mm, CONTENT_WIDTH - 5 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.2, RULE),
                               ("TOPPADDING", (0, 0), (-1, -1), 1),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return [table]
