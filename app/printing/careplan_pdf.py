"""The printed care plan: a document a probation officer would take seriously.

Order on paper: who it is for, their goals in their own words, the interventions table,
review date, consent statement, both signatures, and the fingerprint as text and QR.
"""

from __future__ import annotations

from html import escape

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.domain.careplan import Signature, SignerRole, short_fingerprint
from app.domain.printable import PrintableCarePlan
from app.printing.layout import (
    ACCENT,
    BODY,
    CELL,
    CELL_BOLD,
    CONTENT_WIDTH,
    HEADING,
    RULE,
    SHADE,
    SMALL,
    TITLE,
    PageFrame,
    build_pdf,
    label_table,
    local_time,
    text,
)
from app.printing.marks import qr_flowable, signature_drawing

_COLUMNS = (("Intervention", 0.21), ("Responsible agency", 0.17), ("Owner", 0.14),
            ("Target", 0.125), ("Status", 0.10), ("Notes", 0.255))


def build_care_plan_pdf(plan: PrintableCarePlan) -> bytes:
    """The plan as PDF bytes (unsigned: app.services.signing adds the PAdES signature)."""
    signed = plan.status == "signed"
    footer = (f"Care plan · {plan.person.name} · version {plan.version_number}"
              + (f" · fingerprint {short_fingerprint(plan.fingerprint)[:19]}…" if signed
                 else " · DRAFT"))
    frame = PageFrame(plan.header, "Care plan", footer, "" if signed else "DRAFT - NOT SIGNED")
    return build_pdf(_story(plan), frame, title=f"Care plan - {plan.person.name}",
                     subject="InsideOut care plan", keywords=plan.marker(),
                     author=plan.header.service_name)


def _story(plan: PrintableCarePlan) -> list[Flowable]:
    return [*_title(plan), *_goals(plan), *_interventions(plan), *_review(plan),
            CondPageBreak(95 * mm), *_signatures(plan), *_fingerprint(plan)]


def _title(plan: PrintableCarePlan) -> list[Flowable]:
    if plan.status == "signed":
        state = f"Version {plan.version_number} — signed"
    else:
        state = f"Version {plan.version_number} — DRAFT, not signed, not an agreed plan"
    if plan.supersedes_number:
        state += f" (replaces version {plan.supersedes_number})"
    rows = [*plan.person.rows(), ("Plan", state), ("Written", plan.created)]
    return [Paragraph(f"Care plan for {escape(plan.person.name)}", TITLE),
            label_table(rows, (38 * mm, CONTENT_WIDTH - 38 * mm))]


def _goals(plan: PrintableCarePlan) -> list[Flowable]:
    items = [ListItem(text(f"“{goal}”", BODY), leftIndent=14) for goal in plan.goals]
    return [Paragraph("Goals — in their own words", HEADING),
            ListFlowable(items, bulletType="1", bulletFontName="Helvetica-Bold",
                         bulletFontSize=10.5, leftIndent=14)]


def _interventions(plan: PrintableCarePlan) -> list[Flowable]:
    head = [text(name, CELL_BOLD) for name, _ in _COLUMNS]
    rows = [[text(i.label, CELL_BOLD), text(i.agency, CELL), text(i.owner, CELL),
             text(i.target_date or "—", CELL), text(i.status, CELL), text(i.notes, CELL)]
            for i in plan.interventions]
    if not rows:
        rows = [[text("No interventions agreed yet.", CELL), "", "", "", "", ""]]
    table = Table([head, *rows], colWidths=[CONTENT_WIDTH * w for _, w in _COLUMNS],
                  repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, 0), 1, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return [Paragraph("Interventions", HEADING), table]


def _review(plan: PrintableCarePlan) -> list[Flowable]:
    when = plan.review_date or "not set — agree one before signing"
    return [Paragraph("Review", HEADING),
            text(f"This plan will be reviewed by {when}.", BODY),
            Paragraph("Consent", HEADING), text(plan.header.consent_statement, BODY),
            text(_shared_with(plan), BODY)]


def _shared_with(plan: PrintableCarePlan) -> str:
    if not plan.consented_agencies:
        return ("Consent to share recorded today: none. This plan is not shared with any "
                "partner agency.")
    return "Consent to share recorded today with: " + "; ".join(plan.consented_agencies) + "."


def _signature_cell(role: SignerRole, found: Signature | None) -> list[Flowable]:
    title = "Person" if role == SignerRole.PERSON else "Worker"
    cell: list[Flowable] = [text(title, CELL_BOLD), Spacer(1, 1.5 * mm),
                            signature_drawing(found, 80 * mm, 26 * mm), Spacer(1, 1.5 * mm)]
    if found is None:
        return [*cell, text("Name: ______________________   Date: ___________", CELL)]
    cell.append(text(f"Name: {found.signer_name}", CELL))
    if found.reason:
        cell.append(text(f"Reason: {found.reason}", CELL))
    cell.append(text(f"Date and time: {local_time(found.signed_at)}", CELL))
    return cell


def _signatures(plan: PrintableCarePlan) -> list[Flowable]:
    by_role = {s.role: s for s in plan.signatures}
    table = Table([[_signature_cell(SignerRole.PERSON, by_role.get(SignerRole.PERSON)),
                    _signature_cell(SignerRole.WORKER, by_role.get(SignerRole.WORKER))]],
                  colWidths=[CONTENT_WIDTH / 2] * 2)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    return [KeepTogether([Paragraph("Signatures", HEADING), table])]


def _fingerprint(plan: PrintableCarePlan) -> list[Flowable]:
    if plan.status != "signed":
        note = ("This is a draft for discussion. It has no fingerprint until both of you "
                "sign it in InsideOut.")
        return [Spacer(1, 4 * mm), text(note, SMALL)]
    words = (f"<b>Fingerprint (SHA-256 of the signed plan)</b><br/>"
             f"<font name='Courier' size='9.5'>{_grouped(plan.fingerprint)}</font><br/><br/>"
             "To check this copy: in InsideOut choose Tools &gt; Verify a printed plan, "
             "or compare this fingerprint with the one shown on the record. "
             f"Record {escape(plan.person.record_id)}, version {plan.version_number}.")
    table = Table([[qr_flowable(plan.qr_payload(), 32 * mm), Paragraph(words, SMALL)]],
                  colWidths=[36 * mm, CONTENT_WIDTH - 36 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("BOX", (0, 0), (-1, -1), 0.6, RULE)]))
    return [Spacer(1, 5 * mm), KeepTogether([table])]


def _grouped(full: str) -> str:
    """64 hex characters as two lines of eight groups of four: easy to compare by eye."""
    groups = [full[i:i + 4] for i in range(0, len(full), 4)]
    return " ".join(groups[:8]) + "<br/>" + " ".join(groups[8:])
