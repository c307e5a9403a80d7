"""A person's key-work sessions, one a row, newest first, in words: the date, the type
('In a cell'), where, how long, the goals worked on and the first line of the notes. The
whole of the notes is read on selection, in the panel's read-only box."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from app.domain.keywork import SESSION_TYPE_LABELS, KeyWorkSession

_ROW = Qt.ItemDataRole.UserRole
COLUMNS = ("Date", "Type", "Where", "Minutes", "Goals worked on", "Notes")
_FIRST_LINE = 80  # characters of the notes in the list; the rest is in the box below


def first_line(notes: str) -> str:
    line = next((part.strip() for part in notes.splitlines() if part.strip()), "")
    return line if len(line) <= _FIRST_LINE else line[:_FIRST_LINE - 1] + "…"


def goals_words(session: KeyWorkSession) -> str:
    return "; ".join(session.goals) if session.goals else "none chosen"


def session_cells(session: KeyWorkSession) -> list[str]:
    return [f"{session.held_on:%a %d/%m/%Y}", SESSION_TYPE_LABELS[session.session_type],
            session.setting.value.capitalize(), str(session.minutes), goals_words(session),
            first_line(session.notes)]


def session_text(session: KeyWorkSession) -> str:
    """Everything about one session, for the read-only box."""
    goals = "\n".join(f"  • {goal}" for goal in session.goals) or "  none chosen"
    by = f" by {session.recorded_by}" if session.recorded_by else ""
    return (f"{SESSION_TYPE_LABELS[session.session_type]}, {session.setting.value}, "
            f"{session.held_on:%d/%m/%Y}, {session.minutes} minutes (recorded{by}).\n"
            f"Goals worked on:\n{goals}\n\nNotes:\n{session.notes or '(none written)'}")


class SessionList(QTreeWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[KeyWorkSession] = []
        self.setHeaderLabels(list(COLUMNS))
        self.setAccessibleName("Key-work sessions, newest first")
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        header = self.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Goals can be long: that column takes what is left, the notes the rest.
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)

    def show_rows(self, sessions: Sequence[KeyWorkSession]) -> None:
        """Replace the rows (already newest first), keeping the chosen session if present."""
        chosen = self.selected()
        self.rows = list(sessions)
        self.clear()
        for session in self.rows:
            item = QTreeWidgetItem(session_cells(session))
            item.setData(0, _ROW, session)
            item.setToolTip(4, goals_words(session))
            self.addTopLevelItem(item)
        if not self.rows:
            empty = _empty_item()
            self.addTopLevelItem(empty)
            empty.setFirstColumnSpanned(True)  # only once in the tree: Qt ignores it before
        fit_first_column(self, empty=not self.rows)
        self.setColumnWidth(4, 240)
        self._select(chosen.id if chosen else None)

    def _select(self, session_id: str | None) -> None:
        for index in range(len(self.rows)):
            if self.rows[index].id == session_id:
                self.setCurrentItem(self.topLevelItem(index))
                return
        if self.rows:
            self.setCurrentItem(self.topLevelItem(0))

    def selected(self) -> KeyWorkSession | None:
        item = self.currentItem()
        session = item.data(0, _ROW) if item is not None else None
        return session if isinstance(session, KeyWorkSession) else None


def fit_first_column(tree: QTreeWidget, *, empty: bool) -> None:
    """The empty list's sentence spans the row: it must not widen the first column (and
    push the others out of sight) as fitting that column to its contents would."""
    header = tree.header()
    if empty:
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, header.sectionSizeHint(0))
    else:
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)


def _empty_item() -> QTreeWidgetItem:
    item = QTreeWidgetItem(["No sessions recorded yet. Record one with Alt+S."])
    item.setFlags(Qt.ItemFlag.NoItemFlags)  # a sentence, not a choosable session
    return item
