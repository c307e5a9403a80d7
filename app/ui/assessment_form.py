"""A form over any list of assessment fields: one section, or the triage subset."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from app.domain.assessment import FieldDef, Value
from app.domain.valuesets import ValueSet
from app.ui.fields import build_editor, connect_changed, editor_text, set_editor_text, value_as_text

FieldRef = tuple[str, FieldDef]  # (section id, field)


class AssessmentForm(QWidget):
    edited = Signal()

    def __init__(self, fields: Sequence[FieldRef], value_sets: Mapping[str, ValueSet],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fields = list(fields)
        self.editors: dict[tuple[str, str], QWidget] = {}
        self.errors: dict[tuple[str, str], QLabel] = {}
        self._loaded: dict[tuple[str, str], str] = {}
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # label above field
        for section, field in self._fields:
            key = (section, field.id)
            editor = build_editor(field, value_sets, self)  # made in place: see build_editor
            error = QLabel(self)
            error.setObjectName("fieldError")
            error.setWordWrap(True)
            error.hide()
            # Not wrapped: wrapped labels get clipped by the row (the longest, ~400 px,
            # fits the 820 px work area beside the section list).
            label = QLabel(field.label, self)
            label.setBuddy(editor)
            self.editors[key], self.errors[key] = editor, error
            layout.addRow(label, editor)
            layout.addRow("", error)
            connect_changed(editor, lambda *_: self.edited.emit())

    def first_editor(self) -> QWidget | None:
        return next(iter(self.editors.values()), None)

    def load(self, values: Mapping[str, Mapping[str, Value]]) -> None:
        for section, field in self._fields:
            text = value_as_text(field, values.get(section, {}).get(field.id))
            set_editor_text(self.editors[(section, field.id)], text)
            self._loaded[(section, field.id)] = text
        self.clear_problems()

    def typed_by_section(self, *, changed_only: bool = False) -> dict[str, dict[str, str]]:
        typed: dict[str, dict[str, str]] = {}
        for (section, field_id), editor in self.editors.items():
            text = editor_text(editor)
            if changed_only and text == self._loaded.get((section, field_id), ""):
                continue
            typed.setdefault(section, {})[field_id] = text
        return typed

    def is_dirty(self) -> bool:
        return bool(self.typed_by_section(changed_only=True))

    def show_problems(self, section: str, problems: Mapping[str, str]) -> None:
        first = None
        for field_id, message in problems.items():
            label = self.errors.get((section, field_id))
            if label is not None:
                label.setText(message)
                label.show()
                first = first or self.editors[(section, field_id)]
        if first is not None:
            first.setFocus()  # straight to the first thing to fix

    def clear_problems(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.hide()

    # ---- drafts ----------------------------------------------------------------------
    def draft_state(self) -> dict[str, object]:
        return {f"{s}.{f}": text for s, fields in self.typed_by_section(changed_only=True).items()
                for f, text in fields.items()}

    def restore_draft(self, state: Mapping[str, object]) -> None:
        for key, text in state.items():
            section, _, field_id = key.partition(".")
            editor = self.editors.get((section, field_id))
            if editor is not None:
                set_editor_text(editor, str(text))
