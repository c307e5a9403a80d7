"""Drawn marks: a signature from its pen strokes, and the fingerprint's QR code.

Strokes are drawn as vector lines, so a signature prints sharp at any size.
"""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCode
from reportlab.graphics.shapes import Drawing, PolyLine, Rect, String
from reportlab.lib import colors

from app.domain.careplan import Signature, SignatureKind

_INK = colors.HexColor("#10243a")


def signature_drawing(signature: Signature | None, width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    drawing.add(Rect(0, 0, width, height, strokeColor=colors.HexColor("#9fb3c2"),
                     fillColor=colors.white, strokeWidth=0.6))
    if signature is None:
        drawing.add(String(6, height / 2, "Not signed yet", fontName="Helvetica-Oblique",
                           fontSize=10, fillColor=colors.grey))
        return drawing
    if signature.kind != SignatureKind.SIGNED:
        words = "Declined to sign" if signature.kind == SignatureKind.DECLINED \
            else "Unable to sign"
        drawing.add(String(6, height - 16, words, fontName="Helvetica-Bold", fontSize=11,
                           fillColor=_INK))
        return drawing
    _add_strokes(drawing, signature, width, height)
    return drawing


def _add_strokes(drawing: Drawing, signature: Signature, width: float, height: float) -> None:
    # Fit the pad's shape into the box without stretching the handwriting.
    pad = 4.0
    box_w, box_h = width - 2 * pad, height - 2 * pad
    scale_w = min(box_w, box_h * signature.aspect)
    scale_h = scale_w / signature.aspect
    left = pad + (box_w - scale_w) / 2
    bottom = pad + (box_h - scale_h) / 2
    for stroke in signature.strokes:
        if len(stroke) < 2:
            continue
        points: list[float] = []
        for x, y in stroke:  # y grows downwards on screen, upwards on paper
            points += [left + x * scale_w, bottom + (1 - y) * scale_h]
        drawing.add(PolyLine(points, strokeColor=_INK, strokeWidth=1.3, strokeLineCap=1,
                             strokeLineJoin=1))


def qr_flowable(payload: str, size: float) -> QrCode:
    # The flowable draws straight onto the page: the drawing widget would build the code
    # twice and one shape per module, which cost most of the PDF's time budget.
    return QrCode(payload, width=size, height=size, qrLevel="M", qrBorder=2)
