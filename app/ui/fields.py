"""One editor per assessment field kind, all speaking text so drafts and services agree.

Choice fields are combo boxes: typing the first letters picks an item, so the whole
assessment can be filled in from the keyboard.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from app.domain.assessment import FieldDef, FieldKind, Value
from app.domain.valuesets import ValueSet

_YES_NO = (("", ""), ("Y", "Yes"), ("N", "No"))


class _Line(QLineEdit):
    def __init__(self, placeholder: str = "") -> None:
        super().__init__()
        self.setPlaceholderText(placeholder)


class _Choice(QComboBox):
    def __init__(self, options: tuple[tuple[str, str], ...]) -> None:
        super().__init__()
        for code, label in options:
            self.addItem(label or "— not answered —", code)

    def code(self) -> str:
        return str(self.currentData() or "")

    def set_code(self, code: str) -> None:
        index = self.findData(code)
        self.setCurrentIndex(max(index, 0))


def build_editor(field: FieldDef, value_sets: Mapping[str, ValueSet]) -> QWidget:
    """The widget for one field; read it with `editor_text`, fill it with `set_editor_text`."""
    if field.kind is FieldKind.CHOICE:
        options = value_sets[field.value_set or ""]
        widget: QWidget = _Choice((("", ""), *((i.code, i.label) for i in options)))
    elif field.kind is FieldKind.BOOL:
        widget = _Choice(_YES_NO)
    elif field.kind is FieldKind.TEXT and field.max_length > 200:
        widget = QPlainTextEdit()
        widget.setTabChangesFocus(True)  # Tab moves on, so the form stays keyboard-only
        widget.setFixedHeight(64)
    elif field.kind is FieldKind.DATE:
        widget = _Line("dd/mm/yyyy")
    elif field.kind is FieldKind.INT:
        widget = _Line(f"{field.min_value} to {field.max_value}")
    else:
        widget = _Line()
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
