"""Tools > Verify a printed plan: is this PDF intact, whose is it, is it still current?"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services import printing
from app.services.printing import Verification
from app.services.session import WorkerSession


class VerifyView(QDialog):
    def __init__(self, *, session: WorkerSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Verify a printed or saved care plan")
        self._session = session
        self.headline = QLabel("Choose the PDF you were given (a saved or e-mailed copy).")
        self.headline.setObjectName("heading")
        self.headline.setWordWrap(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
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
        layout.addWidget(self.details, 1)
        layout.addLayout(row)
        self.resize(640, 320)

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
        result = printing.verify_pdf(data=path.read_bytes(), session=self._session)
        lines = result.lines()
        self.headline.setText(lines[0])
        colour = "#1b6e3a" if result.ok else "#a11d1d"
        self.headline.setStyleSheet(f"color: {colour}; font-size: 16pt; font-weight: bold;")
        self.details.setText("\n".join([f"File: {path.name}", *_revocation(result), *lines[1:]]))
        return result


def _revocation(result: Verification) -> list[str]:
    """Say why the signer is not trusted when the reason is that IT revoked its laptop."""
    if not result.check.revoked_at:
        return []
    return [f"NOT TRUSTED: it was signed after IT revoked the laptop that signed it "
            f"({result.check.revoked_at} UTC). Do not rely on this copy; ask the team lead."]
