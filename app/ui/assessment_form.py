"""A form over any list of assessment fields: one section, or the triage subset.

The form remembers what it was opened (or last refreshed) with, so a save sends only
what the worker changed, with the values they changed it from (the base), and a record
changed underneath it is brought up to date without losing anything typed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from app.domain.assessment import FieldDef, Value
from app.domain.valuesets import ValueSet
from app.ui.fields import (
    ChangedNote,
    build_editor,
    changed_text,
    connect_changed,
    display_value,
    editor_text,
    set_editor_text,
    value_as_text,
)

FieldRef = tuple[str, FieldDef]  # (section id, field)
Key = tuple[str, str]  # (section id, field id)
Values = Mapping[str, Mapping[str, Value]]


CONFLICT_MARK = ("⚠ Two versions of this answer were saved apart: choose one under Tools > "
                 "Conflicts and sync problems (Ctrl+Shift+C).")
RETIRED_NOTE = "(now on the Journey tab)"

class AssessmentForm(QWidget):
    edited = Signal()
    overwrite_requested = Signal(str, str)  # section, field: write mine over the newer value
    choice_made = Signal()  # a changed-underneath note was settled either way

    def __init__(self, fields: Sequence[FieldRef], value_sets: Mapping[str, ValueSet],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A retired field is no longer asked (the journey's events hold it now), but an
        # answer typed before must not vanish: it is shown read-only while it has a value.
        self._fields = [(s, f) for s, f in fields if not f.retired]
        self._retired = [(s, f) for s, f in fields if f.retired]
        self.retired: dict[Key, QLabel] = {}
        self._value_sets = value_sets
        self.editors: dict[Key, QWidget] = {}
        self.errors: dict[Key, QLabel] = {}
        self.notes: dict[Key, ChangedNote] = {}  # made the first time a field needs one
        self.conflict_marks: dict[Key, QLabel] = {}  # likewise
        self._loaded: dict[Key, str] = {}  # the editor's text when loaded: typed = differs
        self._base: dict[Key, Value] = {}  # the stored value the editor was loaded with
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
            # A message about an answer goes once the answer is changed: an old error
            # beside a fixed field reads as if it were still wrong.
            connect_changed(editor, lambda *_, shown=error: shown.hide())
        for section, field in self._retired:
            self._add_retired(layout, section, field)

    def _add_retired(self, layout: QFormLayout, section: str, field: FieldDef) -> None:
        shown = QLabel(self)
        shown.setObjectName("retiredAnswer")
        shown.setWordWrap(True)
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                      | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        shown.setAccessibleName(f"{field.label} {RETIRED_NOTE}, read only")
        self.retired[(section, field.id)] = shown
        layout.addRow(QLabel(f"{field.label} {RETIRED_NOTE}", self), shown)
        layout.setRowVisible(shown, False)  # until a stored answer is loaded into it

    def first_editor(self) -> QWidget | None:
        return next(iter(self.editors.values()), None)

    def sections(self) -> list[str]:
        return list(dict.fromkeys(section for section, _ in self._fields))

    # ---- loading and refreshing ---------------------------------------------------------
    def load(self, values: Values) -> None:
        """Show `values`, but for fields awaiting the worker's choice: what they typed
        there stays until they choose."""
        waiting = set(self.notes_open())
        for section, field in self._fields:
            if (section, field.id) not in waiting:
                self._set(section, field, values.get(section, {}).get(field.id))
        self._show_retired(values)
        self.clear_problems()

    def _show_retired(self, values: Values) -> None:
        layout = self.layout()
        assert isinstance(layout, QFormLayout)
        for section, field in self._retired:
            value = values.get(section, {}).get(field.id)
            shown = self.retired[(section, field.id)]
            held = value not in (None, "")
            shown.setText(display_value(field, value, self._value_sets) if held else "")
            layout.setRowVisible(shown, held)

    def _set(self, section: str, field: FieldDef, value: Value) -> None:
        editor = self.editors[(section, field.id)]
        set_editor_text(editor, value_as_text(field, value))
        # What the editor really shows: a code it cannot show is not "typed" as blank.
        self._loaded[(section, field.id)] = editor_text(editor)
        self._base[(section, field.id)] = value

    def refresh(self, values: Values) -> list[Key]:
        """The record changed underneath: untouched fields take the new values; typed
        ones keep the typing. Returns the typed fields whose stored value moved, for the
        caller to mark (it knows who changed them)."""
        underneath, waiting = [], set(self.notes_open())
        for section, field in self._fields:
            key = (section, field.id)
            new = values.get(section, {}).get(field.id)
            if key in waiting:
                if not _same(self.notes[key].newer, new):
                    underneath.append(key)  # changed again: the note must say so
            elif not self._is_typed(key):
                self._set(section, field, new)
            elif editor_text(self.editors[key]) == value_as_text(field, new):
                self._set(section, field, new)  # typed what is there now: nothing to choose
            elif not _same(self._base.get(key), new):
                underneath.append(key)
        self._show_retired(values)
        return underneath

    def _is_typed(self, key: Key) -> bool:
        return editor_text(self.editors[key]) != self._loaded.get(key, "")

    # ---- what to save ---------------------------------------------------------------------
    def typed_by_section(self, *, changed_only: bool = False) -> dict[str, dict[str, str]]:
        typed: dict[str, dict[str, str]] = {}
        for (section, field_id), editor in self.editors.items():
            if changed_only and not self._is_typed((section, field_id)):
                continue
            typed.setdefault(section, {})[field_id] = editor_text(editor)
        return typed

    def base_by_section(self) -> dict[str, dict[str, Value]]:
        """The values the typed fields were changed from: the service refuses a field whose
        stored value is no longer this (someone else changed it meanwhile)."""
        base: dict[str, dict[str, Value]] = {}
        for section, fields in self.typed_by_section(changed_only=True).items():
            for field_id in fields:
                base.setdefault(section, {})[field_id] = self._base.get((section, field_id))
        return base

    def is_dirty(self) -> bool:
        return bool(self.typed_by_section(changed_only=True))

    # ---- changed underneath -------------------------------------------------------------
    def mark_changed(self, key: Key, newer: Value, by_name: str, at_utc: str, *,
                     refused: bool) -> None:
        """Say under the field that someone else changed it, keep the typing, and offer
        the choice. `refused`: a save was turned down for it (else a sync brought it)."""
        field = self._field(key)
        yours = editor_text(self.editors[key])
        note = self._note(key)
        note.show_change(field, self._value_sets, newer=newer, yours=yours,
                         text=changed_text(field, self._value_sets, newer=newer, yours=yours,
                                           by_name=by_name, at_utc=at_utc, refused=refused))
        note.show()

    def notes_open(self) -> list[Key]:
        return [key for key, note in self.notes.items() if not note.isHidden()]

    def keep_newer(self, key: Key) -> None:
        """The worker keeps the newer value: their typing for this field goes."""
        self._set(key[0], self._field(key), self.notes[key].newer)
        self.notes[key].hide()
        self.choice_made.emit()

    def settle(self, key: Key, value: Value) -> None:
        """Their own value was written over the newer one: the field is saved, the note goes."""
        if key not in self.notes_open():
            return
        self.notes[key].hide()
        self._set(key[0], self._field(key), value)
        self.choice_made.emit()

    def mark_conflicts(self, keys: Collection[Key]) -> None:
        """A sync conflict open on an answer is marked under it, where the worker looks."""
        for key in self.editors:
            if key in keys:
                self._conflict_mark(key).show()
            elif key in self.conflict_marks:
                self.conflict_marks[key].hide()

    def _conflict_mark(self, key: Key) -> QLabel:
        if key not in self.conflict_marks:
            mark = QLabel(CONFLICT_MARK)
            mark.setObjectName("conflictMark")
            mark.setWordWrap(True)
            layout = self.layout()
            assert isinstance(layout, QFormLayout)
            row, _ = layout.getWidgetPosition(self.errors[key])
            layout.insertRow(row + 1, "", mark)
            self.conflict_marks[key] = mark
        return self.conflict_marks[key]

    def _note(self, key: Key) -> ChangedNote:
        if key not in self.notes:
            note = ChangedNote(self)
            note.keep_newer.clicked.connect(lambda: self.keep_newer(key))
            note.write_mine.clicked.connect(lambda: self.overwrite_requested.emit(*key))
            layout = self.layout()
            assert isinstance(layout, QFormLayout)
            row, _ = layout.getWidgetPosition(self.errors[key])
            layout.insertRow(row + 1, "", note)  # right under the field and its error
            self.notes[key] = note
        return self.notes[key]

    def _field(self, key: Key) -> FieldDef:
        return next(f for s, f in self._fields if (s, f.id) == key)

    def focus_field(self, key: Key) -> None:
        editor = self.editors[key]
        editor.setFocus()
        parent = self.parentWidget()
        while parent is not None and not hasattr(parent, "ensureWidgetVisible"):
            parent = parent.parentWidget()
        if parent is not None:
            parent.ensureWidgetVisible(self._note(key))  # type: ignore[attr-defined]

    # ---- problems -------------------------------------------------------------------------
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


def _same(a: Value, b: Value) -> bool:
    return a == b and type(a) is type(b)
