"""The Care plan tab: edit the draft, sign it, preview and print, and every version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.careplan import CarePlanVersion, short_fingerprint
from app.services import careplan
from app.services.careplan import CarePlanInput, SignatureInput
from app.services.careplan import CarePlanView as PlanState
from app.services.changes import Changed, Part
from app.services.errors import InvalidInput
from app.services.printing import PdfDocument
from app.services.views import uk_date
from app.ui.careplan_form import CarePlanForm
from app.ui.careplan_sign import CarePlanSignDialog
from app.ui.print_preview import PrintOps, PrintPreview, replace_preview
from app.ui.tasks import RunDb, run_here


class CarePlanOps(PrintOps, Protocol):
    @property
    def worker_name(self) -> str: ...

    def care_plan(self, person_id: str) -> PlanState: ...

    def starting_plan(self, person_id: str) -> CarePlanInput: ...

    def save_plan(self, person_id: str, plan: CarePlanInput) -> CarePlanVersion: ...

    def sign_version(self, version_id: str, person: SignatureInput,
                     worker: SignatureInput) -> CarePlanVersion: ...

    def care_plan_pdf(self, version_id: str) -> PdfDocument: ...

    def assessment_pdf(self, person_id: str) -> PdfDocument: ...


def _describe(version: CarePlanVersion) -> str:
    if version.status == "signed":
        return (f"Version {version.number} — signed {uk_date(version.signed_at)} — "
                f"fingerprint {short_fingerprint(version.fingerprint)[:14]}…")
    return f"Version {version.number} — draft, started {uk_date(version.created_at)} by " \
           f"{version.created_by}"


class CarePlanTab(QWidget):
    changed = Signal(object)  # Changed

    def __init__(self, *, ops: CarePlanOps, person_id: str, person_name: str,
                 run: RunDb = run_here) -> None:
        super().__init__()
        self._ops = ops
        self._run = run  # the app's database runner: saving and signing off the UI thread
        self.person_id = person_id
        self._person_name = person_name
        self.state = PlanState(person_id)
        self.preview: PrintPreview | None = None
        self.status = QLabel()
        self.status.setObjectName("notice")
        self.status.setWordWrap(True)
        self.form = CarePlanForm(careplan.catalogue())
        self.history = QListWidget()
        self.history.setAccessibleName("Care plan versions")
        self.history.itemActivated.connect(self._preview_item)
        # Mnemonics are unique in the main window (Alt+P is the Person menu, Alt+R this tab).
        # Shortcuts are in the tooltips and the Person menu: the row must fit 1280 wide.
        self.save_button = QPushButton("&Save draft")
        self.save_button.setToolTip("Save the draft (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.sign_button = QPushButton("Si&gn…")
        self.sign_button.setToolTip("Both sign on screen (Ctrl+G)")
        self.sign_button.clicked.connect(self.sign)
        self.print_button = QPushButton("Preview and pri&nt…")
        self.print_button.setToolTip("Preview, print or save the signed PDF (Ctrl+P)")
        self.print_button.clicked.connect(lambda: self.open_preview())
        summary = QPushButton("Assessment s&ummary…")  # Alt+Y is the History tab
        summary.clicked.connect(self.open_assessment_preview)
        # Window shortcuts of a hidden tab are not live, so Ctrl+S here and a section's
        # Ctrl+S on the Assessment tab never compete.
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        self._layout(summary)
        self.reload()

    def _layout(self, summary: QPushButton) -> None:
        buttons = QHBoxLayout()
        for button in (self.save_button, self.sign_button):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(summary)
        buttons.addWidget(self.print_button)
        # History sits under the form so the interventions table keeps the full width.
        self.history.setMaximumHeight(60)  # two versions; the list scrolls for more
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        # The plan scrolls; the versions and the buttons under it never do.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.form)
        layout.addWidget(scroll, 1)
        layout.addWidget(QLabel("Every version, newest first (double-click to preview):"))
        layout.addWidget(self.history)
        layout.addLayout(buttons)

    def reload(self) -> None:
        self.state = self._ops.care_plan(self.person_id)
        self.history.clear()
        for version in reversed(self.state.versions):  # newest first
            item = QListWidgetItem(_describe(version))
            item.setData(Qt.ItemDataRole.UserRole, version.id)
            self.history.addItem(item)
        current = self.state.current
        if current is not None:
            self.form.show_plan(careplan.plan_input_from(current))
        elif not self.form.is_dirty():
            # A first plan starts from the goals the assessment already holds.
            self.form.show_plan(self._ops.starting_plan(self.person_id), saved=False)
        self.sign_button.setEnabled(current is not None and current.status == "draft")
        self.print_button.setEnabled(current is not None)
        self.status.setText(self._status_text(current))

    def _status_text(self, current: CarePlanVersion | None) -> str:
        if current is None and self.form.value().goals:
            return ("No care plan yet. The goals below come from the assessment (Their goals): "
                    "check them with the person, add interventions, save.")
        if current is None:
            return "No care plan yet. Write the goals in their words, add interventions, save."
        if current.status == "signed":
            return (f"Version {current.number} is signed and frozen. Saving a change starts "
                    f"version {current.number + 1}, which you both sign again.")
        return f"Version {current.number} is a draft: change it freely, then sign it together."

    # ---- actions -------------------------------------------------------------------------
    def save(self) -> None:
        self._save_then(lambda _saved: None)

    def _save_then(self, then: Callable[[CarePlanVersion], None]) -> None:
        """Save what is on screen off the UI thread, show it, then `then(saved)`."""
        plan, person_id = self.form.value(), self.person_id
        self._run(lambda: self._ops.save_plan(person_id, plan),
                  on_success=lambda saved: (self._written(), then(saved)),
                  on_failure=self._not_written)

    def _written(self) -> None:
        self.reload()
        self.changed.emit(Changed.of(self.person_id, Part.CARE_PLAN))

    def _not_written(self, error: Exception) -> None:
        if isinstance(error, InvalidInput):
            self.form.show_problems(error.problems)
        else:
            self.status.setText(str(error))

    def sign_if_allowed(self) -> None:
        """Person > Sign the care plan (Ctrl+G): only what the Sign button allows."""
        if self.sign_button.isEnabled():
            self.sign()

    # ---- drafts: typed plan text survives a lock -------------------------------------------
    def draft_state(self) -> dict[str, object]:
        if not self.form.is_dirty():
            return {}
        return {"person_id": self.person_id, "plan": self.form.draft_state()}

    def restore_draft(self, state: dict[str, object]) -> None:
        plan = state.get("plan", {})
        assert isinstance(plan, dict)
        self.form.restore_draft(plan)

    def sign(self) -> None:
        self._save_then(self._ask_and_sign)  # sign exactly what is on screen

    def _ask_and_sign(self, draft: CarePlanVersion) -> None:
        values = CarePlanSignDialog.ask(number=draft.number, person_name=self._person_name,
                                        worker_name=self._ops.worker_name, parent=self)
        if values is None:
            return
        self._run(lambda: self._ops.sign_version(draft.id, values[0], values[1]),
                  on_success=lambda _signed: self._written(), on_failure=self._not_written)

    def open_preview(self, version_id: str = "") -> PrintPreview | None:
        version_id = version_id or (self.state.current.id if self.state.current else "")
        if not version_id:
            return None
        return self._show(self._ops.care_plan_pdf(version_id))

    def open_assessment_preview(self) -> PrintPreview:
        return self._show(self._ops.assessment_pdf(self.person_id))

    def _show(self, document: PdfDocument) -> PrintPreview:
        self.preview = replace_preview(self.preview, ops=self._ops, document=document,
                                       run=self._run, parent=self)
        return self.preview

    def _preview_item(self, item: QListWidgetItem) -> None:
        self.open_preview(str(item.data(Qt.ItemDataRole.UserRole)))
