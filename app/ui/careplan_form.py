"""The care plan editor: goals in the person's words, interventions, review date."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.careplan import CarePlanInput, Catalogue, InterventionInput

_COLUMNS = ("Intervention", "Agency", "Owner", "Target date", "Status", "Notes", "")
# Owner, target date, status and Remove keep these widths; intervention, agency and notes
# share what is left, so the table fits beside the caseload on a 1280-wide screen.
_WIDTHS = (170, 120, 90, 92, 96, 100, 74)
_STRETCHED = (0, 1, 5)
_CELLS = 6  # the typed cells of a row: intervention … notes


_FIELDS = ("code", "agency", "owner", "target_date", "status", "notes")


class CarePlanForm(QWidget):
    def __init__(self, catalogue: Catalogue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalogue = catalogue
        self.goals = QPlainTextEdit()
        self.goals.setAccessibleName("Goals, one per line")
        self.goals.setPlaceholderText("One goal per line, in the person's own words.\n"
                                      "e.g. See my daughter on Saturdays again")
        self.goals.setMaximumHeight(96)
        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setAccessibleName("Interventions")
        self.table.setHorizontalHeaderLabels(_COLUMNS)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        # No sideways scrolling: the wide columns share the width. Long intervention names
        # show in full when their list is opened.
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(60)
        for column, width in enumerate(_WIDTHS):
            self.table.setColumnWidth(column, width)
            if column in _STRETCHED:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Header and four rows at least: in a short window the plan scrolls, the table
        # does not shrink to nothing.
        self.table.setMinimumHeight(self.table.horizontalHeader().sizeHint().height() + 4 * 34)
        self._shown = CarePlanInput()
        add = QPushButton("Add intervention")
        add.clicked.connect(lambda: self.add_intervention())
        self.review = QLineEdit()
        self.review.setPlaceholderText("dd/mm/yyyy")
        self.review.setAccessibleName("Review date")
        self.review.setMaximumWidth(140)
        self.errors = QLabel()
        self.errors.setObjectName("error")
        self.errors.setWordWrap(True)
        fields = QFormLayout()
        fields.addRow("&Goals (their words):", self.goals)
        fields.addRow("&Review by:", self.review)
        row = QHBoxLayout()
        row.addWidget(QLabel("Interventions"))
        row.addStretch()
        row.addWidget(add)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(fields)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.errors)

    def _combo(self, items: list[tuple[str, str]], current: str) -> QComboBox:
        combo = QComboBox()
        for code, label in items:
            combo.addItem(label, code)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        return combo

    def add_intervention(self, item: InterventionInput | None = None) -> int:
        known = self._catalogue
        first = known.interventions.items[0]
        item = item or InterventionInput(first.code, str(first.extra.get("agency", "")))
        row = self.table.rowCount()
        self.table.insertRow(row)
        what = self._combo([(i.code, i.label) for i in known.interventions], item.code)
        who = self._combo([(a.code, a.label) for a in known.agencies], item.agency)
        what.currentIndexChanged.connect(lambda _i, w=what, a=who: a.setCurrentIndex(max(
            a.findData(known.interventions.item(w.currentData()).extra.get("agency")), 0)))
        status = self._combo([(s, s.capitalize()) for s in known.statuses], item.status)
        remove = QPushButton("Remove")
        remove.clicked.connect(lambda _c=False, w=what: self._remove(w))
        cells = (what, who, QLineEdit(item.owner), QLineEdit(item.target_date), status,
                 QLineEdit(item.notes), remove)
        for column, widget in enumerate(cells):
            if isinstance(widget, QLineEdit):
                widget.setCursorPosition(0)  # show the start of long notes, not the end
            self.table.setCellWidget(row, column, widget)
        return row

    def _remove(self, marker: QWidget) -> None:
        for row in range(self.table.rowCount()):
            if self.table.cellWidget(row, 0) is marker:
                self.table.removeRow(row)
                return

    def _cell(self, row: int, column: int) -> str:
        widget = self.table.cellWidget(row, column)
        if isinstance(widget, QComboBox):
            return str(widget.currentData())
        assert isinstance(widget, QLineEdit)
        return widget.text()

    def value(self) -> CarePlanInput:
        items = tuple(InterventionInput(*(self._cell(r, c) for c in range(_CELLS)))
                      for r in range(self.table.rowCount()))
        goals = tuple(g.strip() for g in self.goals.toPlainText().splitlines() if g.strip())
        return CarePlanInput(goals, items, self.review.text())

    def show_plan(self, plan: CarePlanInput, *, saved: bool = True) -> None:
        """Show a plan; `saved=False` for one that is not in the store yet (a suggested
        start or a restored draft), so it counts as unsaved typing."""
        self.goals.setPlainText("\n".join(plan.goals))
        self.review.setText(plan.review_date)
        self.table.setRowCount(0)
        for item in plan.interventions:
            self.add_intervention(item)
        self.errors.clear()
        if saved:
            self._shown = self.value()

    def is_dirty(self) -> bool:
        """Typed but not saved: what a lock must keep as a draft."""
        return self.value() != self._shown

    def draft_state(self) -> dict[str, object]:
        plan = self.value()
        return {"goals": list(plan.goals), "review_date": plan.review_date,
                "interventions": [[getattr(item, name) for name in _FIELDS]
                                  for item in plan.interventions]}

    def restore_draft(self, state: dict[str, object]) -> None:
        rows = state.get("interventions", [])
        goals = state.get("goals", [])
        assert isinstance(rows, list) and isinstance(goals, list)
        self.show_plan(CarePlanInput(
            goals=tuple(str(g) for g in goals), review_date=str(state.get("review_date", "")),
            interventions=tuple(InterventionInput(*map(str, row)) for row in rows)), saved=False)

    def show_problems(self, problems: dict[str, str]) -> None:
        lines = []
        for key, message in problems.items():
            parts = key.split(".")
            where = f"Intervention {int(parts[1]) + 1}: " if parts[0] == "interventions" \
                and len(parts) > 1 else ""
            lines.append(where + message)
        self.errors.setText("\n".join(lines))
