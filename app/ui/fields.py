"""One editor per assessment field kind, all speaking text so drafts and services agree.

Choice fields are combo boxes: typing the first letters picks an item, so the whole
assessment can be filled in from the keyboard. Spaces are part of what is typed ("Not
known", "No fixed abode"): in a plain QComboBox a space opens the popup instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime

from PySide6.QtCore import QElapsedTimer, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.assessment import FieldDef, FieldKind, Value
from app.domain.valuesets import ValueSet

YES_NO = (("", ""), ("Y", "Yes"), ("N", "No"))


class _Line(QLineEdit):
    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)


class _Choice(QComboBox):
    """A drop-down chosen by typing the start of an answer, spaces included."""

    def __init__(self, options: tuple[tuple[str, str], ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # One call, not one addItem per option: the assessment has ~1,000 of them.
        self.addItems([label or "— not answered —" for _, label in options])
        for index, (code, _) in enumerate(options):
            self.setItemData(index, code)
        self._typed = ""
        self._since_key = QElapsedTimer()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        if plain and text.isprintable() and text and not self.isEditable():
            self._type_ahead(text)
            event.accept()
            return
        super().keyPressEvent(event)

    def _type_ahead(self, text: str) -> None:
        """Qt's own search, with spaces: within the key interval the letters add up."""
        if not self._since_key.isValid() \
                or self._since_key.elapsed() > QApplication.keyboardInputInterval():
            self._typed = ""
        self._since_key.restart()
        if not self._typed and text == " ":
            return  # a lone space answers nothing; above all it must not open the popup
        # As Qt does: the letters so far, else this letter alone, after the current item
        # (pressing N again steps through "No", "Not known", "Not applicable").
        for wanted, start in ((self._typed + text, 0), (text, self.currentIndex() + 1)):
            index = self._find_prefix(wanted, start)
            if index >= 0:
                self._typed = wanted
                self.setCurrentIndex(index)
                return
        self._typed += text  # keep what was typed: the next letter may still match

    def _find_prefix(self, wanted: str, start: int) -> int:
        wanted, count = wanted.casefold(), self.count()
        return next((i % count for i in range(start, start + count)
                     if self.itemText(i % count).casefold().startswith(wanted)), -1)

    def code(self) -> str:
        return str(self.currentData() or "")

    def set_code(self, code: str) -> None:
        index = self.findData(code)
        self.setCurrentIndex(max(index, 0))


def choice_editor(options: tuple[tuple[str, str], ...], parent: QWidget | None = None
                  ) -> QComboBox:
    """A type-to-choose drop-down of (code, label); read it with `editor_text`."""
    return _Choice(options, parent)


def build_editor(field: FieldDef, value_sets: Mapping[str, ValueSet],
                 parent: QWidget | None = None) -> QWidget:
    """The widget for one field; read it with `editor_text`, fill it with `set_editor_text`.

    Made inside its parent: moving a finished widget into a styled window costs more
    than making it there, and a record has a couple of hundred of them."""
    if field.kind is FieldKind.CHOICE:
        options = value_sets[field.value_set or ""]
        widget: QWidget = _Choice((("", ""), *((i.code, i.label) for i in options)), parent)
    elif field.kind is FieldKind.BOOL:
        widget = _Choice(YES_NO, parent)
    elif field.kind is FieldKind.TEXT and field.max_length > 200:
        widget = QPlainTextEdit(parent)
        widget.setTabChangesFocus(True)  # Tab moves on, so the form stays keyboard-only
        widget.setFixedHeight(64)
    elif field.kind is FieldKind.DATE:
        widget = _Line("dd/mm/yyyy", parent)
    elif field.kind is FieldKind.INT:
        widget = _Line(f"{field.min_value} to {field.max_value}", parent)
    else:
        widget = _Line(parent=parent)
    widget.setAccessibleName(field.label)
    widget.setObjectName(f"field_{field.id}")
    if field.help:
        widget.setToolTip(field.help)
    return widget


def editor_text(widget: QWidget) -> str:
    if isinstance(widget, _Choice):
        return widget.code()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    assert isinstance(widget, QLineEdit)
    return widget.text()


def set_editor_text(widget: QWidget, text: str) -> None:
    if isinstance(widget, _Choice):
        widget.set_code(text)
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(text)
    else:
        assert isinstance(widget, QLineEdit)
        widget.setText(text)


def value_as_text(field: FieldDef, value: Value) -> str:
    """A stored value as the editor shows it (ISO dates become dd/mm/yyyy)."""
    if value is None:
        return ""
    if field.kind is FieldKind.BOOL:
        return "Y" if value else "N"
    if field.kind is FieldKind.DATE:
        return f"{date.fromisoformat(str(value)):%d/%m/%Y}"
    return str(value)


def display_value(field: FieldDef, value: Value, value_sets: Mapping[str, ValueSet]) -> str:
    """A stored value as a person reads it in history and 'since last contact'."""
    if value is None:
        return "not answered"
    if field.kind is FieldKind.CHOICE:
        options = value_sets.get(field.value_set or "")
        return options.label_for(str(value)) if options and value in options else str(value)
    return value_as_text(field, value) if field.kind is not FieldKind.BOOL else (
        "Yes" if value else "No")


def connect_changed(widget: QWidget, slot: Callable[[], None]) -> None:
    if isinstance(widget, QComboBox):
        widget.currentIndexChanged.connect(slot)
    elif isinstance(widget, QPlainTextEdit | QLineEdit):
        widget.textChanged.connect(slot)


# ---- changed by someone else while the form was open -------------------------------------
def when_text(at_utc: str, today: date | None = None) -> str:
    """' at 14:02' today, ' on 07/03/2026 at 14:02' before, local time; '' if unknown."""
    if not at_utc:
        return ""
    at = datetime.fromisoformat(at_utc).astimezone()
    day = "" if at.date() == (today or date.today()) else f" on {at:%d/%m/%Y}"
    return f"{day} at {at:%H:%M}"


def changed_text(field: FieldDef, value_sets: Mapping[str, ValueSet], *, newer: Value,
                 yours: str, by_name: str, at_utc: str, refused: bool) -> str:
    """'Changed by Sam Jones at 14:02 to 'Crack cocaine' while you had this open …'."""
    who = by_name or "someone else"
    shown = display_value(field, newer, value_sets)
    head = "Not saved: " if refused else ""
    kept = f"What you typed ({_typed_label(field, yours, value_sets)}) is kept here"
    return (f"{head}Changed by {who}{when_text(at_utc)} to '{shown}' while you had this "
            f"open. {kept}{'' if refused else ', not saved yet'}. Choose which to keep.")


def _typed_label(field: FieldDef, yours: str, value_sets: Mapping[str, ValueSet]) -> str:
    if not yours:
        return "blank"
    if field.kind is FieldKind.CHOICE:
        return f"'{display_value(field, yours, value_sets)}'"
    return f"'{yours}'"


class ChangedNote(QFrame):
    """Under a field someone else changed while the worker had it open: what changed, by
    whom, and the two ways on. Nothing is written until the worker chooses."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changedUnderneath")
        self.setAccessibleName("Changed by someone else")
        self.text = QLabel(self)
        self.text.setObjectName("notice")  # the stylesheet's attention box
        self.text.setWordWrap(True)
        self.keep_newer = QPushButton(self)
        self.write_mine = QPushButton(self)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.keep_newer)
        buttons.addWidget(self.write_mine)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.newer: Value = None

    def show_change(self, field: FieldDef, value_sets: Mapping[str, ValueSet], *,
                    newer: Value, yours: str, text: str) -> None:
        self.newer = newer
        self.text.setText(text)
        self.keep_newer.setText(f"Keep '{_cut(display_value(field, newer, value_sets))}'")
        self.write_mine.setText(f"Save mine ({_cut(_typed_label(field, yours, value_sets))})"
                                " over it")


def _cut(text: str, room: int = 40) -> str:
    """Button labels stay short; the note above has the whole answer."""
    return text if len(text) <= room else text[:room - 1] + "…"


def problem_label(parent: QWidget | None = None) -> QLabel:
    """Where a problem with what was typed is said: hidden until there is one, wrapped,
    and selectable (a worker may copy it to IT)."""
    label = QLabel(parent)
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label
