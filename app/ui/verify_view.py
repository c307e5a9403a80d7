"""Tools > Verify a printed plan: is this PDF intact, whose is it, is it still current?"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.paper_check import PaperCheck, worker_lines
from app.services.printing import Verification


class VerifyOps(Protocol):
    """app.ui.operations.VerifyOperations: reads only."""

    def verify_pdf(self, data: bytes) -> Verification: ...

    def check_fingerprint(self, typed: str) -> PaperCheck: ...


class VerifyView(QDialog):
    def __init__(self, *, ops: VerifyOps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Verify a printed or saved care plan")
        self._ops = ops
        self.headline = QLabel("Type the fingerprint from the foot of a paper copy, or "
                               "choose the PDF you were given (a saved or e-mailed copy).")
        self.headline.setObjectName("heading")
        self.headline.setWordWrap(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint = QLineEdit()
        self.fingerprint.setPlaceholderText("e.g. 1a2b 3c4d 5e6f 7a8b")
        self.fingerprint.setAccessibleName("Fingerprint printed on the paper copy")
        self.fingerprint.returnPressed.connect(self.check_paper)
        typed_label = QLabel("&Fingerprint on paper:")
        typed_label.setBuddy(self.fingerprint)
        check = QPushButton("Chec&k")
        check.clicked.connect(self.check_paper)
        typed = QHBoxLayout()
        for widget in (typed_label, self.fingerprint, check):
            typed.addWidget(widget)
        choose = QPushButton("&Choose a PDF…")
        choose.clicked.connect(self._choose)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(choose)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addLayout(typed)
        layout.addWidget(self.details, 1)
        layout.addLayout(row)
        self.resize(640, 360)

    @classmethod
    def choose_file(cls, parent: QWidget | None) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(parent, "Choose a PDF to verify", str(Path.home()),
                                              "PDF (*.pdf)")
        return Path(name) if name else None

    def _choose(self) -> None:
        path = self.choose_file(self)
        if path is not None:
            self.check_file(path)

    def check_file(self, path: Path) -> Verification:
        result = self._ops.verify_pdf(path.read_bytes())
        lines = worker_lines(result)
        self._show(lines[0], result.ok,
                   [f"File: {path.name}", *_revocation(result), *lines[1:]])
        return result

    def check_paper(self) -> PaperCheck:
        result = self._ops.check_fingerprint(self.fingerprint.text())
        lines = result.lines()
        ok = bool(result.matches) and all(
            m.current_number == m.version.number for m in result.matches)
        self._show(lines[0], ok, lines[1:])
        return result

    def _show(self, headline: str, ok: bool, details: list[str]) -> None:
        self.headline.setText(headline)
        colour = "#1b6e3a" if ok else "#a11d1d"
        self.headline.setStyleSheet(f"color: {colour}; font-size: 16pt; font-weight: bold;")
        self.details.setText("\n".join(details))


def _revocation(result: Verification) -> list[str]:
    """Say why the signer is not trusted when the reason is that IT revoked its laptop."""
    if not result.check.revoked_at:
        return []
    return [f"NOT TRUSTED: it was signed after IT revoked the laptop that signed it "
            f"({result.check.revoked_at} UTC). Do not rely on this copy; ask the team lead."]
