"""A box to sign in with a mouse, a pen or a finger, and the choice not to sign.

Strokes are kept as points scaled to 0..1 of the pad, so they print at any size; the
pad keeps a 3:1 shape so the signature looks the same on screen and on paper.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.services.careplan import SignatureInput

ASPECT = 3.0
# A pointer reports many points per pixel moved, and a scribble goes on as long as the
# hand does. Points closer than this add nothing a printed signature shows; past the
# cap (about 100 KB as synced, many times the ink of any signature) the pad stops
# taking ink, so no signature can grow beyond what the server takes in one change.
MIN_STEP_PX = 1.5
MAX_POINTS = 6_000


class SignaturePad(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Signature pad")
        self.setMinimumSize(360, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self._strokes: list[list[QPointF]] = []
        self._points = 0
        self._drawing = False

    def hasHeightForWidth(self) -> bool:  # Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # Qt's name
        return int(width / ASPECT)

    def sizeHint(self) -> object:
        size = super().sizeHint()
        size.setWidth(480)
        size.setHeight(160)
        return size

    # ---- what was drawn ---------------------------------------------------------------
    def is_empty(self) -> bool:
        return not any(len(s) > 1 for s in self._strokes)

    def clear(self) -> None:
        self._strokes.clear()
        self._points = 0
        self.update()
        self.changed.emit()

    def strokes(self) -> tuple[tuple[tuple[float, float], ...], ...]:
        w, h = max(self.width(), 1), max(self.height(), 1)
        return tuple(tuple((min(max(p.x() / w, 0.0), 1.0), min(max(p.y() / h, 0.0), 1.0))
                           for p in stroke) for stroke in self._strokes if len(stroke) > 1)

    def aspect(self) -> float:
        return self.width() / max(self.height(), 1)

    # ---- input: mouse, pen and touch all end up here ----------------------------------
    def _begin(self, point: QPointF) -> None:
        if self._points >= MAX_POINTS:
            return
        self._drawing = True
        self._strokes.append([point])
        self._points += 1

    def _extend(self, point: QPointF) -> None:
        if not (self._drawing and self._strokes) or self._points >= MAX_POINTS:
            return
        stroke = self._strokes[-1]
        if (point - stroke[-1]).manhattanLength() < MIN_STEP_PX:
            return
        stroke.append(point)
        self._points += 1
        self.update()

    def _end(self) -> None:
        if self._drawing:
            self._drawing = False
            self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._extend(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._extend(event.position())
        self._end()

    def tabletEvent(self, event: QTabletEvent) -> None:
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position())
        elif kind == QEvent.Type.TabletMove:
            self._extend(event.position())
        elif kind == QEvent.Type.TabletRelease:
            self._end()
        event.accept()  # accepted: Qt sends no duplicate mouse events for the pen

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QTouchEvent):
            self._touch(event)
            return True
        return super().event(event)

    def _touch(self, event: QTouchEvent) -> None:
        points = event.points()
        if not points:
            return
        position = points[0].position()
        if event.type() == QEvent.Type.TouchBegin:
            self._begin(position)
        elif event.type() == QEvent.Type.TouchUpdate:
            self._extend(position)
        else:
            self._end()
        event.accept()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white" if self.isEnabled() else "#e6eaee"))
        painter.setPen(QPen(QColor("#9fb3c2"), 1, Qt.PenStyle.DashLine))
        baseline = self.height() * 0.78
        painter.drawLine(QPointF(12, baseline), QPointF(self.width() - 12, baseline))
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        if self.is_empty() and not self._drawing:
            painter.setPen(QColor("#7a8a96"))
            painter.drawText(QPointF(14, baseline - 8), "Sign here")
        painter.setPen(QPen(QColor("#10243a"), 2.2, Qt.PenStyle.SolidLine,
                            Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        for stroke in self._strokes:
            path = QPainterPath(stroke[0])
            for point in stroke[1:]:
                path.lineTo(point)
            painter.drawPath(path)


class SignatureCapture(QGroupBox):
    """One party's signature: signed on the pad, declined, or unable — with a reason."""

    KINDS = (("signed", "Signed"), ("declined", "Declined to sign"),
             ("unable", "Unable to sign"))

    def __init__(self, title: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.pad = SignaturePad()
        self.name = QLineEdit(name)
        self.name.setAccessibleName(f"{title} name")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why not? (a few words)")
        self.reason.setAccessibleName(f"{title} reason for not signing")
        self.kind_buttons: dict[str, QRadioButton] = {}
        group = QButtonGroup(self)
        kinds = QHBoxLayout()
        for code, label in self.KINDS:
            button = QRadioButton(label)
            group.addButton(button)
            kinds.addWidget(button)
            button.toggled.connect(self._kind_changed)
            self.kind_buttons[code] = button
        kinds.addStretch()
        clear = QPushButton("Clear")
        clear.clicked.connect(self.pad.clear)
        kinds.addWidget(clear)
        layout = QVBoxLayout(self)
        layout.addLayout(kinds)
        layout.addWidget(self.pad)
        row = QHBoxLayout()
        row.addWidget(QLabel("Name:"))
        row.addWidget(self.name, 1)
        row.addWidget(self.reason, 2)
        layout.addLayout(row)
        self.kind_buttons["signed"].setChecked(True)

    def kind(self) -> str:
        return next(code for code, b in self.kind_buttons.items() if b.isChecked())

    def _kind_changed(self) -> None:
        signing = self.kind() == "signed"
        self.pad.setEnabled(signing)
        self.reason.setVisible(not signing)

    def value(self) -> SignatureInput:
        kind = self.kind()
        return SignatureInput(kind=kind, signer_name=self.name.text(),
                              strokes=self.pad.strokes() if kind == "signed" else (),
                              aspect=self.pad.aspect(), reason=self.reason.text())
