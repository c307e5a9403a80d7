"""How every form dialog shows what is wrong: each problem beside its field, one about no
field on screen above the buttons, the dialog grown so no line is cut off.

One place, so the event, booking, referral and key-work dialogs say it the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QWidget

from app.services.errors import InvalidInput


def show_beside(dialog: QWidget, problems: Mapping[str, str], errors: Mapping[str, QLabel],
                message: QLabel, *, shown: Mapping[str, QWidget] | None = None) -> str | None:
    """Put each problem under its field (`errors` by field name), the rest in `message`;
    return the first field named, for the dialog to give it the focus. `shown`: the
    editors, when some may be hidden (a hidden field's problem goes above the buttons)."""
    elsewhere = []
    for name, text in problems.items():
        visible = shown is None or (name in shown and shown[name].isVisibleTo(dialog))
        if name in errors and visible:
            errors[name].setText(text)
            errors[name].show()
        else:
            elsewhere.append(text)
    message.setText("\n".join(elsewhere))
    message.setVisible(bool(elsewhere))
    # Taller for the problem lines (sizeHint counts wrapped lines): none cut off.
    dialog.resize(dialog.width(), max(dialog.height(), dialog.sizeHint().height()))
    return next((name for name in problems if name in errors), None)


def problems_of(error: Exception, not_done: str) -> dict[str, str]:
    """What a refused write says: its problems by field, or one line ('Not saved: …')."""
    return error.problems if isinstance(error, InvalidInput) else {"": f"{not_done}: {error}"}


def save_and_cancel(dialog: QDialog, save_text: str) -> tuple[QDialogButtonBox, QPushButton]:
    """A form dialog's buttons: Cancel, and its Save (the default, Enter presses it)
    wired to `dialog.save`."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, dialog)
    save = buttons.addButton(save_text, QDialogButtonBox.ButtonRole.AcceptRole)
    save.setDefault(True)
    buttons.accepted.connect(dialog.save)  # type: ignore[attr-defined]
    buttons.rejected.connect(dialog.reject)
    return buttons, save


class SavesOffThread:
    """A form dialog's Save: read what was typed (problems beside their fields), store it
    off the UI thread, close once stored or say why not. Mixed into a QDialog that has
    `typed()`, `show_problems()`, `save_button`, `message`, `_run`, `_store` (the write,
    returning Changed) and `_stored(changed)` (its own signal)."""

    NOT_DONE = "Not saved"

    def save(self) -> None:
        self.message.hide()  # type: ignore[attr-defined]
        try:
            typed = self.typed()  # type: ignore[attr-defined]
        except InvalidInput as error:
            self.show_problems(error.problems)  # type: ignore[attr-defined]
            return
        self.save_button.setEnabled(False)  # type: ignore[attr-defined]  # one press stores once
        self._run(lambda: self._store(typed),  # type: ignore[attr-defined]
                  on_success=self._saved, on_failure=self._refused)

    def _saved(self, changed: object) -> None:
        self._stored(changed)  # type: ignore[attr-defined]
        self.accept()  # type: ignore[attr-defined]

    def _refused(self, error: Exception) -> None:
        self.save_button.setEnabled(True)  # type: ignore[attr-defined]
        self.show_problems(problems_of(error, self.NOT_DONE))  # type: ignore[attr-defined]
