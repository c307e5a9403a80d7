"""Everything about one person: banner, what changed, the assessment, history, consent."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services import assessment, merge, people
from app.services.assessment import CONTACT_SETTINGS, AssessmentView, HistoryEntry
from app.services.session import WorkerSession
from app.services.views import PersonRecord, uk_date
from app.ui.careplan_view import CarePlanTab  # issue 6: the Care plan tab
from app.ui.consent_panel import ConsentPanel
from app.ui.fields import display_value
from app.ui.person_actions import EditPersonDialog, MergeDialog
from app.ui.person_banner import PersonBanner
from app.ui.section_panel import SectionPanel

_SHOWN_CHANGES = 5


class PersonView(QWidget):
    changed = Signal()  # something was saved: the caseload should refresh
    triage_requested = Signal(str)

    def __init__(self, *, session: WorkerSession, person_id: str) -> None:
        super().__init__()
        self.setObjectName("personView")
        self._session = session
        self.person_id = person_id
        schema = session.reference.schema
        self.banner = PersonBanner()
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName("Changes since last contact")
        self.sections = QListWidget()
        self.sections.setAccessibleName("Assessment sections")
        self.sections.setFixedWidth(240)
        self.sections.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.panels: dict[str, SectionPanel] = {}
        self.section_stack = QStackedWidget()
        for section in schema.sections:
            panel = SectionPanel(section, dict(schema.value_sets), self._save_section)
            panel.saved.connect(self._after_save)
            self.panels[section.id] = panel
            self.section_stack.addWidget(panel)
            self.sections.addItem(section.title)
        self.sections.currentRowChanged.connect(self.section_stack.setCurrentIndex)
        self.history = QTreeWidget()
        self.history.setHeaderLabels(["When", "Who", "Field", "From", "To"])
        self.history.setAccessibleName("Field history")
        self.consent = ConsentPanel(session=session, person_id=person_id)
        self.consent.changed.connect(self.reload)
        self.care_plan: CarePlanTab | None = None  # issue 6: built in reload, needs the name
        self._build(self._contact_row())
        self.reload()
        self.sections.setCurrentRow(0)

    def _contact_row(self) -> QHBoxLayout:
        self.contact_setting = QComboBox()
        self.contact_setting.setAccessibleName("Contact setting")
        for setting in CONTACT_SETTINGS:
            self.contact_setting.addItem(setting.capitalize(), setting)
        record = QPushButton("Record contact")
        record.clicked.connect(self._record_contact)
        triage = QPushButton("Custody triage (Ctrl+T)")
        triage.clicked.connect(lambda: self.triage_requested.emit(self.person_id))
        self.edit_button = QPushButton("Edit details…")
        self.edit_button.clicked.connect(self.edit_details)
        self.merge_button = QPushButton("Merge a duplicate…")
        self.merge_button.clicked.connect(self.merge_duplicate)
        self.undo_merge_button = QPushButton("Undo merge")
        self.undo_merge_button.clicked.connect(self.undo_last_merge)
        for button in (self.edit_button, self.merge_button, self.undo_merge_button):
            self.banner.actions.addWidget(button)
        row = QHBoxLayout()
        row.addWidget(QLabel("Seen today in:"))
        row.addWidget(self.contact_setting)
        row.addWidget(record)
        row.addStretch()
        row.addWidget(triage)
        return row

    # ---- details and duplicates --------------------------------------------------------
    def edit_details(self) -> EditPersonDialog:
        dialog = EditPersonDialog(session=self._session, person_id=self.person_id, parent=self)
        dialog.accepted.connect(self._after_save_details)
        dialog.show()
        return dialog

    def merge_duplicate(self) -> MergeDialog:
        dialog = MergeDialog(session=self._session, survivor_id=self.person_id, parent=self)
        dialog.merged.connect(self._after_save_details)
        dialog.show()
        return dialog

    def undo_last_merge(self) -> None:
        merges = merge.list_merges(session=self._session, survivor_id=self.person_id)
        if merges:
            merge.undo_merge(session=self._session, merge_id=merges[-1].merge_id)
            self._after_save_details()

    def _after_save_details(self) -> None:
        self.reload()
        self.changed.emit()

    def _build(self, contact_row: QHBoxLayout) -> None:
        assessment_tab = QWidget()
        split = QHBoxLayout(assessment_tab)
        split.addWidget(self.sections)
        split.addWidget(self.section_stack, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(assessment_tab, "&Assessment")
        self.tabs.addTab(self.history, "&History")
        self.tabs.addTab(self.consent, "C&onsent")
        self.care_plan_index = self.tabs.count()  # issue 6: the Care plan tab goes here
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.notice)
        layout.addLayout(contact_row)
        layout.addWidget(self.tabs, 1)

    # ---- loading ---------------------------------------------------------------------
    def reload(self) -> None:
        self.record: PersonRecord = people.get_person(session=self._session,
                                                      person_id=self.person_id)
        self.view: AssessmentView = assessment.load_assessment(session=self._session,
                                                               person_id=self.person_id)
        self.banner.show_record(self.record, self.view.risk.level, self.view.risk.headline())
        self.notice.setText(self._notice_text())
        for panel in self.panels.values():
            panel.show_view(self.view)
        self._mark_sections()
        self._fill_history()
        self.consent.show_record(self.record)
        self.undo_merge_button.setVisible(bool(self.record.merged_from))
        self._ensure_care_plan_tab()

    def _ensure_care_plan_tab(self) -> None:
        """Issue 6: the Care plan tab, made once the person's name is known."""
        if self.care_plan is None:
            given = self.record.person.name
            self.care_plan = CarePlanTab(session=self._session, person_id=self.person_id,
                                         person_name=f"{given.given} {given.family}")
            self.care_plan.changed.connect(self.changed.emit)
            self.tabs.insertTab(self.care_plan_index, self.care_plan, "Ca&re plan")

    def open_care_plan(self) -> CarePlanTab:
        """Issue 6: show the Care plan tab (Person > Care plan / Print)."""
        assert self.care_plan is not None
        self.tabs.setCurrentWidget(self.care_plan)
        return self.care_plan

    def _notice_text(self) -> str:
        schema = self._session.reference.schema
        lines = []
        if self.view.contacts:
            last = self.view.contacts[0]
            changes = [self._describe(c) for c in self.view.since_last_contact]
            lines.append(f"Last contact: {last.setting}, {uk_date(last.at_utc)}, "
                         f"{last.worker_name}. " + (
                             f"{len(changes)} change(s) since then:" if changes
                             else "Nothing has changed since then."))
            lines += [f"  • {c}" for c in changes[:_SHOWN_CHANGES]]
            if len(changes) > _SHOWN_CHANGES:
                lines.append(f"  … and {len(changes) - _SHOWN_CHANGES} more on the History tab.")
        else:
            lines.append("No contact recorded yet.")
        for folded in merge.list_merges(session=self._session, survivor_id=self.person_id):
            lines.append(f"Includes the record of {folded.merged_name}, merged by "
                         f"{folded.merged_by} ({folded.reason}). 'Undo merge' separates them.")
        stale = [schema.section(s).title for s in self.view.stale]
        if stale:
            lines.append("Needs checking (never done or out of date): " + ", ".join(stale) + ".")
        return "\n".join(lines)

    def _describe(self, change: HistoryEntry) -> str:
        field = self._session.reference.schema.section(change.section).field(change.field)
        sets = self._session.reference.schema.value_sets
        return (f"{field.label}: {display_value(field, change.old, sets)} → "
                f"{display_value(field, change.new, sets)}")

    def _mark_sections(self) -> None:
        for row, section in enumerate(self._session.reference.schema.sections):
            mark = "⚠ " if section.id in self.view.stale else "✓ "
            self.sections.item(row).setText(mark + section.title)

    def _fill_history(self) -> None:
        self.history.clear()
        schema = self._session.reference.schema
        entries = assessment.person_history(session=self._session, person_id=self.person_id)
        for entry in reversed(entries):  # newest first
            field = schema.section(entry.section).field(entry.field)
            QTreeWidgetItem(self.history, [
                uk_date(entry.at_utc), entry.worker_name, field.label,
                display_value(field, entry.old, schema.value_sets),
                display_value(field, entry.new, schema.value_sets)])

    # ---- actions ---------------------------------------------------------------------
    def _save_section(self, section: str, typed: dict[str, str]) -> object:
        return assessment.save_section(session=self._session, person_id=self.person_id,
                                       section=section, typed=typed)

    def _after_save(self, _section: str) -> None:
        self.reload()
        self.changed.emit()

    def _record_contact(self) -> None:
        assessment.record_contact(session=self._session, person_id=self.person_id,
                                  setting=self.contact_setting.currentData())
        self.reload()
        self.changed.emit()

    def open_section(self, section_id: str) -> SectionPanel:
        ids = self._session.reference.schema.section_ids
        self.tabs.setCurrentIndex(0)
        self.sections.setCurrentRow(ids.index(section_id))
        return self.panels[section_id]

    # ---- drafts ----------------------------------------------------------------------
    def draft_state(self) -> dict[str, object]:
        dirty = {sid: p.form.draft_state() for sid, p in self.panels.items()
                 if p.form.is_dirty()}
        return {"person_id": self.person_id, "sections": dirty} if dirty else {}

    def restore_draft(self, state: dict[str, object]) -> None:
        sections = state.get("sections", {})
        assert isinstance(sections, dict)
        for section_id, fields in sections.items():
            self.open_section(section_id).form.restore_draft(fields)
