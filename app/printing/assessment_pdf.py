"""The assessment summary: the shared assessment as last confirmed, in the care plan's style."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from app.domain.printable import PrintableAssessment, marker_text
from app.printing.layout import (
    BODY,
    CONTENT_WIDTH,
    HEADING,
    SMALL,
    TITLE,
    PageFrame,
    build_pdf,
    label_table,
    text,
)

_LABEL_WIDTH = 62 * mm


def build_assessment_pdf(summary: PrintableAssessment) -> bytes:
    footer = (f"Assessment summary · {summary.person.name} · printed {summary.printed_on} "
              f"by {summary.printed_by}")
    frame = PageFrame(summary.header, "Assessment summary", footer)
    keywords = marker_text("assessment", summary.person.record_id, "", 0, "")
    return build_pdf(_story(summary), frame, title=f"Assessment - {summary.person.name}",
                     subject="InsideOut assessment summary", keywords=keywords,
                     author=summary.header.service_name)


def _story(summary: PrintableAssessment) -> list[Flowable]:
    story: list[Flowable] = [
        Paragraph("Assessment summary", TITLE),
        label_table([*summary.person.rows(), ("Risk", summary.risk_headline)],
                    (38 * mm, CONTENT_WIDTH - 38 * mm)),
        Spacer(1, 3 * mm), text(summary.header.assessment_statement, SMALL)]
    for section in summary.sections:
        heading = [Paragraph(section.title, HEADING), text(section.confirmed, SMALL),
                   Spacer(1, 1.5 * mm)]
        if not section.rows:
            story.append(KeepTogether([*heading, text("Nothing recorded.", BODY)]))
            continue
        table = label_table(section.rows, (_LABEL_WIDTH, CONTENT_WIDTH - _LABEL_WIDTH))
        story += [KeepTogether([*heading, table])] if len(section.rows) < 12 \
            else [*heading, table]
    return story
