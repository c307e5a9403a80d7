"""The appointment card a person keeps: one A6 page, their appointments from today on.

A6 (a postcard, 105 x 148 mm) because it goes where the person keeps things: a pocket,
a wallet, the property bag handed back at the prison gate. A4 gets folded, lost and
binned. Text stays at 9 pt or more, times in bold; the release day's appointments come
first and are shaded, because that is the day the overdose risk starts and the day
appointments are most often missed. The whole page is shrunk as a last resort, so the
card is always one page; the number listed is capped well before that.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from html import escape

from reportlab.lib.pagesizes import A6
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepInFrame,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.domain.printable import ServiceHeader, marker_text
from app.printing.layout import ACCENT, BODY, RULE, SHADE

MOST_ON_A_CARD = 6  # more than this and the card is a list nobody reads: ask the worker
_MARGIN = 5 * mm
_FRAME_PADDING = 6  # points each side: reportlab's frame default, inside the margin
_WIDTH, _HEIGHT = A6
_CONTENT = _WIDTH - 2 * _MARGIN - 2 * _FRAME_PADDING
_WHEN = 27 * mm
_NAME = ParagraphStyle("cardName", parent=BODY, fontName="Helvetica-Bold", fontSize=13,
                       leading=16, textColor=ACCENT, spaceAfter=1 * mm)
_CARD = ParagraphStyle("cardText", parent=BODY, fontSize=9.5, leading=11.5)
_SMALL = ParagraphStyle("cardSmall", parent=_CARD, fontSize=8, leading=10)
_CALL = ParagraphStyle("cardCall", parent=_CARD, fontName="Helvetica-Bold")


@dataclass(frozen=True)
class CardAppointment:
    day: str  # 'Thursday'
    on: str  # '05/03/2026'
    at: str  # '10:00'
    where: str
    with_whom: str
    what_for: str
    release_day: bool = False


@dataclass(frozen=True)
class PrintableCard:
    """What the card shows, resolved to text by the service."""

    header: ServiceHeader
    person_name: str  # 'SMITH, Darren'
    person_id: str
    printed_on: str  # dd/mm/yyyy
    printed_by: str
    appointments: tuple[CardAppointment, ...]
    phone: str = ""  # the service's, if its header gives one

    def marker(self) -> str:
        return marker_text("appointment-card", self.person_id, self.printed_on, 0,
                           str(len(self.appointments)))


def build_appointment_card_pdf(card: PrintableCard) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A6, leftMargin=_MARGIN, rightMargin=_MARGIN, topMargin=_MARGIN + 3 * mm,
        bottomMargin=_MARGIN, title=f"Appointment card - {card.person_name}",
        subject="InsideOut appointment card", keywords=card.marker(),
        author=card.header.service_name, creator="InsideOut", invariant=False)
    story = _story(card)
    height = _HEIGHT - 2 * _MARGIN - 3 * mm - 2 * _FRAME_PADDING
    doc.build([KeepInFrame(_CONTENT, height, story, mode="shrink")],
              onFirstPage=_accent_bar, onLaterPages=_accent_bar)
    return out.getvalue()


def _accent_bar(canvas: Canvas, _doc: object) -> None:
    """The care plan's colour across the top: the card is recognisably ours."""
    canvas.saveState()
    canvas.setFillColor(ACCENT)
    canvas.rect(0, _HEIGHT - 4 * mm, _WIDTH, 4 * mm, stroke=0, fill=1)
    canvas.restoreState()


def _story(card: PrintableCard) -> list[Flowable]:
    shown = card.appointments[:MOST_ON_A_CARD]
    story: list[Flowable] = [
        _para(card.header.service_name, _SMALL),
        _para(f"Appointments for {card.person_name}", _NAME)]
    if shown:
        story.append(_table(shown))
    else:
        story.append(_para("No appointments booked from today. Ask your worker.", _CARD))
    left_off = len(card.appointments) - len(shown)
    if left_off:
        story.append(_para(f"And {left_off} more after these: ask your worker.", _CARD))
    story += [Spacer(1, 2 * mm), _para(_call_line(card.phone), _CALL), Spacer(1, 2 * mm),
              _para(f"Printed {card.printed_on} by {card.printed_by}. Signed digitally by "
                    "the service.", _SMALL)]
    return story


def _call_line(phone: str) -> str:
    if phone:
        return f"Can't make it? Ring {phone} before the appointment."
    return "Can't make it? Tell your worker before the appointment."


def _table(appointments: tuple[CardAppointment, ...]) -> Table:
    rows = [[_when(a), _what(a)] for a in appointments]
    table = Table(rows, colWidths=[_WHEN, _CONTENT - _WHEN])
    style = [("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
             ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
             ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
    style += [("BACKGROUND", (0, n), (-1, n), SHADE)
              for n, a in enumerate(appointments) if a.release_day]
    table.setStyle(TableStyle(style))
    return table


def _when(a: CardAppointment) -> Paragraph:
    lines = [escape(a.day), escape(a.on), f"<b>{escape(a.at)}</b>"]
    if a.release_day:
        lines.insert(0, "<b>RELEASE DAY</b>")
    return Paragraph("<br/>".join(lines), _CARD)


def _what(a: CardAppointment) -> Paragraph:
    lines = [f"<b>{escape(a.where)}</b>"]
    if a.with_whom:
        lines.append(f"with {escape(a.with_whom)}")
    if a.what_for:
        lines.append(escape(a.what_for))
    return Paragraph("<br/>".join(lines), _CARD)


def _para(words: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(words), style)
