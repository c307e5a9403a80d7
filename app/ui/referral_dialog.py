"""Refer the person to a partner service: which service, why, and who it went to.

Typed from the keyboard top to bottom: the service (type its first letters), the reason
(several lines; Tab moves on), the partner contact, then Enter. A problem is shown beside
its field in the domain's words — above all the refusal to refer to a service that reads
the shared record when the person has not consented to share with it — and what was typed
stays: the dialog closes only once the referral is stored. It is sent today.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.referrals import SERVICE_LABELS, ReferralService
from app.services.changes import Changed
from app.ui.fields import choice_editor, connect_changed, editor_text, problem_label
from app.ui.form_problems import problems_of, save_and_cancel, show_beside
from app.ui.tasks import RunDb, run_here

# (service, reason, partner contact) -> what changed: WorkOperations.refer for one person.
Refer = Callable[[ReferralService, str, str], Changed]
CHOOSE = "— type the first letters of the service —"
_NAMES = {"service": "Service", "reason": "Reason for the referral",
          "partner_contact": "Partner contact"}


class ReferDialog(QDialog):
    referred = Signal(object)  # Changed

    def __init__(self, *, refer: Refer, run: RunDb = run_here,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._refer, self._run = refer, run
        self.setWindowTitle("Refer to a partner service")
        self.service = choice_editor((("", CHOOSE), *((s.value, label) for s, label
                                                      in SERVICE_LABELS.items())), self)
        self.reason = QPlainTextEdit(self)
        self.reason.setTabChangesFocus(True)  # Tab moves on, so it stays keyboard-only
        self.reason.setPlaceholderText("What the partner should know first: why now, what "
                                       "the person wants, any risk")
        self.reason.setFixedHeight(110)
        self.partner_contact = QLineEdit(self)
        self.partner_contact.setPlaceholderText("e.g. Priya Shah, Colchester housing options")
        self.editors: dict[str, QWidget] = {"service": self.service, "reason": self.reason,
                                            "partner_contact": self.partner_contact}
        self.errors = {name: problem_label(self) for name in self.editors}
        self.message = problem_label(self)
        for error in self.errors.values():  # read from the top, beside the field's top
            error.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._layout()
        self.service.setFocus()
        self.resize(560, self.sizeHint().height())

    def _layout(self) -> None:
        form = QFormLayout()
        for name, text in (("service", "&Service:"), ("reason", "&Reason:"),
                           ("partner_contact", "Partner &contact (optional):")):
            self._row(form, name, text)
        buttons, self.save_button = save_and_cancel(self, "Send &referral")
        intro = QLabel("The referral is recorded as sent today. Record the partner's answer "
                       "on the person's Referrals when it comes; no answer in 14 days "
                       "becomes a task.", self)
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch()
        layout.addWidget(buttons)

    def _row(self, form: QFormLayout, name: str, text: str) -> None:
        editor, error = self.editors[name], self.errors[name]
        editor.setAccessibleName(_NAMES[name])
        error.setAccessibleName(f"Problem with the {_NAMES[name].lower()}")
        label = QLabel(text, self)
        label.setBuddy(editor)
        form.addRow(label, editor)
        form.addRow("", error)
        connect_changed(editor, error.hide)  # a problem goes once its answer is changed

    # ---- saving ------------------------------------------------------------------------------
    def save(self) -> None:
        """Stored off the UI thread; the dialog closes once it is, or says why not."""
        self.message.hide()
        code = editor_text(self.service)
        if not code:
            self.show_problems({"service": "Choose the service: type the first letters of "
                                           "its name, e.g. 'ho' for housing."})
            return
        service, reason = ReferralService(code), self.reason.toPlainText()
        contact = self.partner_contact.text()
        self.save_button.setEnabled(False)  # a second Enter while it stores does nothing
        self._run(lambda: self._refer(service, reason, contact), on_success=self._saved,
                  on_failure=self._refused)

    def _saved(self, changed: Changed) -> None:
        self.referred.emit(changed)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.save_button.setEnabled(True)
        self.show_problems(problems_of(error, "Not sent"))

    def show_problems(self, problems: Mapping[str, str]) -> None:
        """Each beside its field; one about no field here (who sent it) above the buttons."""
        show_beside(self, problems, self.errors, self.message)
        first = next((self.editors[n] for n in problems if n in self.editors), None)
        if first is not None:
            first.setFocus()
