"""The house style every printed document shares: A4, header with logo, numbered footer.

Documents are built in memory and returned as bytes: nothing is written to a temporary
folder, so no plaintext copy of a record is left behind.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from app.domain.printable import ServiceHeader

INK = colors.HexColor("#1d2b36")
ACCENT = colors.HexColor("#1d4e6b")
RULE = colors.HexColor("#9fb3c2")
SHADE = colors.HexColor("#e8eef3")
MARGIN = 18 * mm
HEADER_HEIGHT = 24 * mm
FOOTER_HEIGHT = 14 * mm
PAGE_WIDTH, PAGE_HEIGHT = A4
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN

_base = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=_base["BodyText"], fontName="Helvetica", fontSize=10.5,
                      leading=14, textColor=INK)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=11)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=9.5, leading=12)
CELL_BOLD = ParagraphStyle("cellBold", parent=CELL, fontName="Helvetica-Bold")
TITLE = ParagraphStyle("title", parent=BODY, fontName="Helvetica-Bold", fontSize=18,
                       leading=22, spaceAfter=2 * mm, textColor=ACCENT)
HEADING = ParagraphStyle("heading", parent=BODY, fontName="Helvetica-Bold", fontSize=12.5,
                         leading=16, spaceBefore=5 * mm, spaceAfter=2 * mm, textColor=ACCENT)
RIGHT = ParagraphStyle("right", parent=SMALL, alignment=TA_RIGHT)


def text(value: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of what a person typed: escaped, so '<' or '&' print as themselves."""
    return Paragraph(escape(value).replace("\n", "<br/>"), style)


def local_time(iso: str) -> str:
    """'2026-03-12T14:32:05+00:00' -> '12/03/2026 14:32 GMT' in this machine's time zone."""
    moment = datetime.fromisoformat(iso).astimezone()
    offset = moment.utcoffset()
    hours = offset.total_seconds() / 3600 if offset is not None else 0
    zone = {0: "GMT", 1: "BST"}.get(int(hours), f"UTC{hours:+.0f}")
    return f"{moment:%d/%m/%Y %H:%M} {zone}"


def label_table(rows: Sequence[tuple[str, str]], widths: tuple[float, float]) -> Table:
    """Label / value pairs, labels in bold, in a light box."""
    table = Table([[text(k, CELL_BOLD), text(v, CELL)] for k, v in rows], colWidths=widths)
    table.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
        ("BACKGROUND", (0, 0), (0, -1), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -2), 0.3, RULE),
    ]))
    return table


@dataclass(frozen=True)
class PageFrame:
    """What every page repeats: header, footer line, and an optional watermark."""

    header: ServiceHeader
    document_title: str
    footer_left: str
    watermark: str = ""


def _draw_header(canvas: Canvas, frame: PageFrame) -> None:
    top = PAGE_HEIGHT - MARGIN
    x = MARGIN
    if frame.header.logo_path is not None:
        canvas.drawImage(str(frame.header.logo_path), x, top - 14 * mm, 14 * mm, 14 * mm,
                         mask="auto")
        x += 18 * mm
    canvas.setFillColor(ACCENT)
    canvas.setFont("Helvetica-Bold", 13)
    canvas.drawString(x, top - 5 * mm, frame.header.service_name)
    canvas.setFillColor(INK)
    canvas.setFont("Helvetica", 8.5)
    for n, line in enumerate(frame.header.lines[:2]):
        canvas.drawString(x, top - (9.5 + 4 * n) * mm, line)
    canvas.setFont("Helvetica-Bold", 12)
    canvas.drawRightString(PAGE_WIDTH - MARGIN, top - 5 * mm, frame.document_title)
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.2)
    canvas.line(MARGIN, top - 18 * mm, PAGE_WIDTH - MARGIN, top - 18 * mm)


def _draw_watermark(canvas: Canvas, words: str) -> None:
    canvas.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.12))
    canvas.setFont("Helvetica-Bold", 64)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(40)
    canvas.drawCentredString(0, 0, words)


def _draw_footer(canvas: Canvas, frame: PageFrame, page: int, pages: int) -> None:
    y = MARGIN - 4 * mm
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN, y + 5 * mm, PAGE_WIDTH - MARGIN, y + 5 * mm)
    canvas.setFillColor(INK)
    canvas.setFont("Helvetica", 8)
    canvas.drawString(MARGIN, y, frame.footer_left)
    canvas.setFont("Helvetica-Bold", 9)
    canvas.drawRightString(PAGE_WIDTH - MARGIN, y, f"Page {page} of {pages}")


def _numbered_canvas(frame: PageFrame) -> type[Canvas]:
    """A canvas that holds pages back until the end, so each can say 'page X of Y'."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self._pages: list[dict[str, object]] = []

        def showPage(self) -> None:  # reportlab calls it by this name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.saveState()
                _draw_header(self, frame)
                _draw_footer(self, frame, number, len(self._pages))
                if frame.watermark:
                    _draw_watermark(self, frame.watermark)
                self.restoreState()
                super().showPage()
            super().save()

    return NumberedCanvas


def build_pdf(story: list[Flowable], frame: PageFrame, *, title: str, subject: str,
              keywords: str, author: str) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_HEIGHT - 4 * mm, bottomMargin=MARGIN + FOOTER_HEIGHT - 6 * mm,
        title=title, subject=subject, keywords=keywords, author=author, creator="InsideOut",
        invariant=False)
    doc.build(story, canvasmaker=_numbered_canvas(frame))
    return out.getvalue()

