"""Conflicts: both values side by side with who and when; keep one, the other, or combine.
And the sync problems, with their reasons: changes the server would not take, and rows
the server sent that this laptop could not store."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLayout,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.assessment import AssessmentSchema, FieldDef
from app.services.changes import Changed
from app.services.conflicts import ConflictView, NotStoredView, RefusedView
from app.ui.fields import display_value
from app.ui.tasks import RunDb, run_here


class ConflictOps(Protocol):
    """app.ui.operations.ConflictOperations."""

    @property
    def schema(self) -> AssessmentSchema: ...

    def conflicts(self) -> list[ConflictView]: ...

    def refused(self) -> list[RefusedView]: ...

    def not_stored(self) -> list[NotStoredView]: ...

    def resolve(self, conflict_id: str, value: Any) -> Changed: ...

    def store_again(self) -> Changed: ...


def _text(value: object, field: FieldDef | None, schema: AssessmentSchema) -> str:
    """A value as the worker chose it: a value set's label, never its code."""
    if value in (None, ""):
        return "(blank)"
    if field is None:
        return str(value)
    return display_value(field, value, schema.value_sets)  # type: ignore[arg-type]


def _writer(conflict: ConflictView) -> str:
    """"you" for the signed-in worker, on whichever laptop; else their name."""
    return "you" if conflict.other_is_you else conflict.other_worker


class _ConflictCard(QGroupBox):
    decided = Signal(object)  # the value the worker chose

    def __init__(self, schema: AssessmentSchema, conflict: ConflictView) -> None:
        super().__init__(f"{conflict.person_name} — {conflict.label}")
        self.conflict = conflict
        writer = _writer(conflict)
        current, other = (_text(v, conflict.field, schema)
                          for v in (conflict.current, conflict.other))
        by = (f" (written by {conflict.current_writer}, {conflict.current_when})"
              if conflict.current_writer else "")
        self.current_line = QLabel(f"In the record now{by}: {current}")
        self.other_line = QLabel(f"Also written by {writer} on {conflict.other_place}, "
                                 f"{conflict.other_when}: {other}")
        for label in (self.current_line, self.other_line):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)  # typed words, shown as they are
        self.keep = QPushButton("Keep the record's value")
        self.take = QPushButton("Use your value" if conflict.other_is_you
                                else f"Use {writer}'s value")
        self.combine = QPushButton("Combine…")
        self.keep.clicked.connect(lambda: self.decided.emit(conflict.current))
        self.take.clicked.connect(lambda: self.decided.emit(conflict.other))
        self.combine.clicked.connect(self._combine)
        # Combining two choices from a list makes no sense: one of them is kept.
        self.combine.setVisible(conflict.field is None or conflict.field.value_set is None)
        buttons = QHBoxLayout()
        for button in (self.keep, self.take, self.combine):
            buttons.addWidget(button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        for widget in (self.current_line, self.other_line):
            layout.addWidget(widget)
        layout.addLayout(buttons)

    def _combine(self) -> None:
        start = "; ".join(str(v) for v in (self.conflict.current, self.conflict.other)
                          if v not in (None, ""))
        text, ok = QInputDialog.getMultiLineText(self, "Combine both", self.conflict.label, start)
        if ok:
            self.decided.emit(text)


class ConflictsDialog(QDialog):
    """Lists what the server would not take, and every open conflict on this laptop;
    a decision on a conflict syncs to everyone."""

    changed = Signal(object)  # Changed

    def __init__(self, *, ops: ConflictOps, run: RunDb = run_here,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("InsideOut — conflicts and sync problems")
        self._ops = ops
        self._run = run  # the app's database runner: decisions are written off the UI thread
        self._body = QVBoxLayout()
        holder = QWidget()
        holder.setLayout(self._body)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        intro = QLabel("A conflict: two workers changed the same thing differently while "
                       "offline. Nothing was lost: choose what the record should say; your "
                       "choice reaches every laptop at the next sync. Sync problems (what "
                       "the server would not take, and what this laptop could not store) "
                       "are listed first, with their reasons.")
        intro.setWordWrap(True)
        # A way out that a mouse can reach as well as Esc (the title bar may be off-screen).
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.accept)
        closing = QHBoxLayout()
        closing.addStretch()
        closing.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll)
        layout.addLayout(closing)
        self.cards: list[_ConflictCard] = []
        self.refused: list[QLabel] = []
        self.not_stored: list[QLabel] = []
        self.try_again: QPushButton | None = None
        self.refresh()
        self.resize(720, 520)

    def refresh(self) -> None:
        for card in self.cards:
            card.deleteLater()
        self.cards = [_ConflictCard(self._ops.schema, c) for c in self._ops.conflicts()]
        _empty(self._body)  # the old lines, the stretch, any "no conflicts" line
        self.refused = _refused_lines(self._ops.refused())
        for line in self.refused:
            self._body.addWidget(line)
        self.not_stored = _not_stored_lines(self._ops.not_stored())
        for line in self.not_stored:
            self._body.addWidget(line)
        self.try_again = self._try_again_button() if self.not_stored else None
        for card in self.cards:
            card.decided.connect(lambda value, c=card.conflict: self._write(
                lambda: self._ops.resolve(c.id, value)))
            self._body.addWidget(card)
        if not self.cards and not self.refused and not self.not_stored:
            done = QLabel("No conflicts. Everything agrees.")
            done.setObjectName("emptyState")
            self._body.addWidget(done)
        self._body.addStretch()  # cards sit at the top, not spread over the window

    def _try_again_button(self) -> QPushButton:
        button = QPushButton("Try storing them again")
        button.setToolTip("Worth it once IT says the problem is fixed, or when the record "
                          "they belong to has arrived since")
        button.clicked.connect(self._store_again)
        row = QHBoxLayout()
        row.addWidget(button)
        row.addStretch()
        self._body.addLayout(row)
        return button

    def _store_again(self) -> None:
        self._write(self._ops.store_again)

    def _write(self, work: Callable[[], Changed]) -> None:
        self._run(work, on_success=self._decided, on_failure=self._not_written)

    def _decided(self, changed: Changed) -> None:
        self.refresh()
        self.changed.emit(changed)

    def _not_written(self, error: Exception) -> None:
        QMessageBox.warning(self, "Not saved", f"Nothing was changed: {error}")


def _empty(layout: QLayout) -> None:
    """Take everything out of `layout`, rows of buttons (nested layouts) included."""
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()
        elif item.layout() is not None:
            _empty(item.layout())
            item.layout().deleteLater()


def _refused_lines(refused: list[RefusedView]) -> list[QLabel]:
    """A heading and a line per change the server would not take: the worker sees what,
    whose and why; the change stays on this laptop."""
    if not refused:
        return []
    heading = QLabel(f"<b>Not accepted by the server ({len(refused)})</b> — kept on this "
                     "laptop, nothing is lost. If the reason is not clear, tell IT.")
    lines = [heading]
    for item in refused:
        line = QLabel(f"{item.person_name} — {item.what}, written {item.written}: "
                      f"{item.reason}")
        line.setTextFormat(Qt.TextFormat.PlainText)  # the server's words, shown as they are
        line.setObjectName("refusedChange")
        lines.append(line)
    for label in lines:
        label.setWordWrap(True)
    return lines


def _not_stored_lines(rows: list[NotStoredView]) -> list[QLabel]:
    """A heading and a line per row the server sent that this laptop could not store:
    whose, what and why, and what happens to it."""
    if not rows:
        return []
    heading = QLabel(f"<b>Received but not stored ({len(rows)})</b> — the server sent "
                     "these but this laptop could not store them. Nothing is lost: they "
                     "are kept here and tried again after the next app update, and the "
                     "rest of sync carries on. If they stay after an update, tell IT.")
    lines = [heading]
    for item in rows:
        line = QLabel(f"{item.person_name} — {item.what}, received {item.received}: "
                      f"{item.reason}")
        line.setTextFormat(Qt.TextFormat.PlainText)  # the row's own words, shown as they are
        line.setObjectName("notStoredRow")
        lines.append(line)
    for label in lines:
        label.setWordWrap(True)
    return lines
