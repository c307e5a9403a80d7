"""Preview a signed PDF on screen, print it through the system dialog, or save it.

The PDF is held in memory (a QBuffer) and printed by rendering its pages onto the
printer: no copy is written to a temporary folder. Only "Save as PDF…" writes a file,
where the worker chose.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.printing import PdfDocument
from app.ui.screen_fit import resize_to_fit
from app.ui.tasks import RunDb, run_here

PRINT_DPI = 300  # sharp on paper; the printer's own 1200 dpi would need ~500 MB a page


class PrintOps(Protocol):
    """What the preview writes: the audit of a print, and a copy where the worker chose."""

    def record_printed(self, document: PdfDocument, pages: int) -> None: ...

    def save_pdf(self, document: PdfDocument, path: Path) -> Path: ...


def render_to_printer(pdf: QPdfDocument, printer: QPrinter) -> int:
    """Paint every page onto the printer, scaled to the paper. Returns the pages printed."""
    printer.setFullPage(True)  # the PDF carries its own margins
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("The printer could not be started.")
    try:
        for page in range(pdf.pageCount()):
            if page:
                printer.newPage()
            points = pdf.pagePointSize(page)
            image = pdf.render(page, QSize(round(points.width() / 72 * PRINT_DPI),
                                           round(points.height() / 72 * PRINT_DPI)))
            painter.drawImage(QRectF(printer.paperRect(QPrinter.Unit.DevicePixel)), image)
    finally:
        painter.end()
    return pdf.pageCount()


class PrintPreview(QDialog):
    def __init__(self, *, ops: PrintOps, document: PdfDocument, run: RunDb = run_here,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(document.title)
        self._ops = ops
        self._run = run  # the app's database runner: the audit and the file off the UI thread
        self.document = document
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(document.data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf = QPdfDocument(self)
        self.pdf.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setDocument(self.pdf)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.status = QLabel(f"{self.pdf.pageCount()} page(s), digitally signed on this device.")
        self.print_button = QPushButton("&Print…")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_now)
        self.save_button = QPushButton("&Save as PDF…")
        self.save_button.clicked.connect(self.save_now)
        close = QPushButton("Close (Esc)")
        close.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        for button in (self.save_button, self.print_button, close):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        # A page and a half tall where the screen allows; the buttons stay on screen.
        resize_to_fit(self, QSize(820, 900))

    # Dialogs tests replace: the system print dialog and the save-file dialog.
    @classmethod
    def choose_printer(cls, parent: QWidget | None) -> QPrinter | None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, parent)
        return printer if dialog.exec() == QDialog.DialogCode.Accepted else None

    @classmethod
    def choose_save_path(cls, parent: QWidget | None, suggested: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(parent, "Save the signed PDF",
                                              str(Path.home() / suggested), "PDF (*.pdf)")
        return Path(name) if name else None

    def print_now(self) -> int:
        printer = self.choose_printer(self)
        if printer is None:
            return 0
        pages = render_to_printer(self.pdf, printer)
        sent = f"Sent {pages} page(s) to {printer.printerName() or 'the file'}."
        document = self.document
        self._run(lambda: self._ops.record_printed(document, pages),
                  on_success=lambda _none: self.status.setText(sent),
                  on_failure=self._failed)
        return pages

    def save_now(self) -> Path | None:
        path = self.choose_save_path(self, self.document.suggested_name)
        if path is None:
            return None
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        document = self.document
        self._run(lambda: self._ops.save_pdf(document, path),
                  on_success=lambda saved: self.status.setText(f"Saved to {saved}."),
                  on_failure=self._failed)
        return path

    def _failed(self, error: Exception) -> None:
        self.status.setText(f"That did not work: {error}")

    def closeEvent(self, event: object) -> None:
        self.pdf.close()  # drop the rendered pages with the window
        super().closeEvent(event)  # type: ignore[arg-type]


def replace_preview(shown: PrintPreview | None, *, ops: PrintOps, document: PdfDocument,
                    run: RunDb, parent: QWidget) -> PrintPreview:
    """One preview per screen: the one shown before is closed for the new document."""
    if shown is not None:
        shown.close()
        shown.deleteLater()
    preview = PrintPreview(ops=ops, document=document, run=run, parent=parent)
    preview.show()
    return preview
