"""The signing dialog: the person and the worker each sign, decline, or cannot sign."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.services.careplan import SignatureInput
from app.services.errors import InvalidInput
from app.ui.signature_pad import SignatureCapture


class CarePlanSignDialog(QDialog):
    def __init__(self, *, number: int, person_name: str, worker_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Sign care plan version {number}")
        self.person = SignatureCapture("Person", person_name)
        self.worker = SignatureCapture("Worker", worker_name)
        note = QLabel(f"Signing freezes version {number}. Any later change makes a new "
                      "version that you both sign again.")
        note.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("error")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_button = self.buttons.addButton(
            f"Sign and freeze version {number}", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (note, self.person, self.worker, self.message, self.buttons):
            layout.addWidget(widget)
        self.resize(640, 620)

    def values(self) -> tuple[SignatureInput, SignatureInput]:
        return self.person.value(), self.worker.value()

    def _check(self) -> None:
        """Say plainly what is missing before anything is frozen."""
        problems = []
        for title, capture in (("Person", self.person), ("Worker", self.worker)):
            value = capture.value()
            if value.kind == "signed" and capture.pad.is_empty():
                problems.append(f"{title}: sign in the box, or choose declined / unable.")
            elif value.kind != "signed" and not value.reason.strip():
                problems.append(f"{title}: write why they are not signing.")
        if problems:
            self.message.setText("\n".join(problems))
            return
        self.accept()

    def show_error(self, error: InvalidInput) -> None:
        self.message.setText(str(error))

    @classmethod
    def ask(cls, *, number: int, person_name: str, worker_name: str,
            parent: QWidget | None = None) -> tuple[SignatureInput, SignatureInput] | None:
        """Tests monkeypatch this to sign without a modal loop."""
        dialog = cls(number=number, person_name=person_name, worker_name=worker_name,
                     parent=parent)
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None
