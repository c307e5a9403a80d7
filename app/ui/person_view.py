"""Everything about one person: banner, what changed, the assessment, history, consent.

Opening a record builds only what is shown: the section panel on screen (the others are
built the first time they are opened), and the care plan and the journey once their tabs
are chosen (the journey itself is read at once: the banner shows where the person is). Building
all ten panels (225 editors, ~1,000 drop-down items) took most of a second.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.assessment import Value
from app.domain.journey.kinds import Setting
from app.services.assessment import (
    CONTACT_SETTINGS,
    AssessmentView,
    HistoryEntry,
    SectionSaved,
)
from app.services.changes import Changed, Part
from app.services.handover_inbox import HandoverEntry
from app.services.journey import Journey
from app.services.merge import MergeView
from app.services.views import PersonRecord, uk_date
from app.ui.careplan_view import CarePlanOps, CarePlanTab
from app.ui.consent_panel import ConsentOps, ConsentPanel
from app.ui.fields import display_value
from app.ui.handover_dialog import HandoverDialog, HandoverOps
from app.ui.handover_words import read_only_words
from app.ui.journey_tab import JourneyOps, JourneyTab
from app.ui.key_worker_dialog import KeyWorkerDialog, KeyWorkerOps
from app.ui.outcomes_tab import OutcomeOps, OutcomesTab
from app.ui.person_actions import DetailsOps, EditPersonDialog, MergeDialog, MergeOps
from app.ui.person_banner import PersonBanner
from app.ui.section_panel import SaveFeedback, SectionPanel
from app.ui.tasks import RunDb, run_here
from app.ui.work_tab import WorkTab

_NOTICE_LINES = 3  # the notice never grows past this, so the form below never moves


class PersonOps(ConsentOps, DetailsOps, MergeOps, CarePlanOps, JourneyOps, HandoverOps,
                KeyWorkerOps, Protocol):
    """What one person's screen reads and writes (app.ui.operations.RecordOperations)."""

    @property
    def is_team_lead(self) -> bool: ...

    def open_handover(self, person_id: str) -> HandoverEntry | None: ...

    def key_worker_name(self, person_id: str) -> str: ...

    def take_on(self, person_id: str) -> Changed: ...

    def assessment(self, person_id: str) -> AssessmentView: ...

    def fields_in_conflict(self, person_id: str) -> set[tuple[str, str]]: ...

    def changed_by(self, person_id: str, now: dict[tuple[str, str], Value | None]
                   ) -> dict[tuple[str, str], HistoryEntry]: ...

    def history(self, person_id: str) -> list[HistoryEntry]: ...

    def merges(self, person_id: str) -> list[MergeView]: ...

    def save_section(self, person_id: str, section: str, typed: dict[str, str],
                     base: dict[str, Value]) -> SectionSaved: ...

    def record_contact(self, person_id: str, setting: str) -> Changed: ...

    def undo_last_merge(self, person_id: str) -> Changed: ...


@dataclass(frozen=True)
class Fresh:
    """The record as stored now, read off the UI thread after a sync."""

    record: PersonRecord
    view: AssessmentView
    conflicts: set[tuple[str, str]]
    journey: Journey
    key_worker: str = ""
    handover: HandoverEntry | None = None


class LazyPanels(Mapping[str, SectionPanel]):
    """Section panels by id; a panel is built the first time it is asked for.

    Reading a panel builds it, so code that only wants the panels already made (reload,
    drafts) reads `built`; iterating yields every section id without building any.
    """

    def __init__(self, section_ids: tuple[str, ...],
                 build: Callable[[str], SectionPanel]) -> None:
        self._ids = section_ids
        self._build = build
        self.built: dict[str, SectionPanel] = {}

    def __getitem__(self, section_id: str) -> SectionPanel:
        if section_id not in self.built:
            if section_id not in self._ids:
                raise KeyError(section_id)
            self.built[section_id] = self._build(section_id)
        return self.built[section_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


class NoticeBox(QLabel):
    """'What changed since last contact', at most a few lines, each cut to the width.

    A fixed height: the box growing after a save pushed the form down under the pointer.
    The full text is the tooltip and the History tab.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("notice")
        self.setAccessibleName("Changes since last contact")
        self.setWordWrap(False)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._lines: list[str] = []
        self._fit_height()

    def _fit_height(self) -> None:
        """Exactly _NOTICE_LINES lines, in the font the stylesheet gives (known at polish)."""
        frame = self.height() - self.contentsRect().height() if self.isVisible() else 0
        margins = max(frame, 8 * 2 + 2)  # the stylesheet's padding and border
        self.setFixedHeight(self.fontMetrics().lineSpacing() * _NOTICE_LINES + margins + 2)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_height()

    def show_lines(self, lines: list[str]) -> None:
        self._lines = lines[:_NOTICE_LINES]
        self.setToolTip("\n".join(lines))
        self._elide()

    def full_text(self) -> str:
        return "\n".join(self._lines)

    def minimumSizeHint(self) -> QSize:  # elided, so any width fits
        hint = super().minimumSizeHint()
        hint.setWidth(0)
        return hint

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        hint.setWidth(0)
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(self.contentsRect().width() - 16, 40)
        metrics = self.fontMetrics()
        self.setText("\n".join(metrics.elidedText(line, Qt.TextElideMode.ElideRight, width)
                                for line in self._lines))


class PersonView(QWidget):
    changed = Signal(object)  # Changed: something was saved here, the window catches up
    open_requested = Signal(str)  # show another person's record (a merge kept the other)
    triage_requested = Signal(str)

    def __init__(self, *, ops: PersonOps, person_id: str,
                 run: RunDb = run_here, run_net: RunDb = run_here,
                 work_ops: object | None = None, outcome_ops: OutcomeOps | None = None,
                 parent: QWidget | None = None) -> None:
        """`work_ops`: app.ui.operations.WorkOperations, for the Work tab; `outcome_ops`:
        OutcomeOperations, for the Outcomes tab (none: no tab)."""
        super().__init__(parent)  # made inside the work area it is cheaper than moved there
        self.setObjectName("personView")
        self._ops = ops
        self._run = run  # the app's database runner; saves wait on it, the screen does not
        self._run_net = run_net  # the team list may wait on the server
        self.key_worker = ""
        self.read_only = ""  # why the record cannot be changed here, or ''
        self.handover: HandoverEntry | None = None
        self.handover_dialog: HandoverDialog | None = None
        self.key_worker_dialog: KeyWorkerDialog | None = None
        self.person_id = person_id
        schema = ops.schema
        # The young person's safeguarding section only on an under-18's record.
        self.record: PersonRecord = ops.person(person_id)
        self._sections = schema.sections_for(young=self.record.young_person)
        self._section_ids = tuple(section.id for section in self._sections)
        self.banner = PersonBanner()
        self.notice = NoticeBox()
        self.sections = QListWidget()
        self.sections.setAccessibleName("Assessment sections")
        self.sections.setFixedWidth(210)
        self.sections.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sections.setWordWrap(True)  # "Physical and mental health" whole, on two lines
        self.sections.addItems([section.title for section in self._sections])
        self.panels = LazyPanels(self._section_ids, self._build_panel)
        self.section_stack = QStackedWidget()
        self.sections.currentRowChanged.connect(self._show_section)
        self.history = _history_tree()
        self.consent = ConsentPanel(ops=ops, person_id=person_id, run=run)
        self.consent.changed.connect(self._after_write)
        self.care_plan: CarePlanTab | None = None  # built when its tab is chosen
        self.journey_tab: JourneyTab | None = None  # likewise
        self._work_ops = work_ops
        self.work_tab: WorkTab | None = None  # likewise
        self._outcome_ops = outcome_ops
        self.outcomes_tab: OutcomesTab | None = None  # likewise
        self._conflicts: set[tuple[str, str]] = set()  # (section, field) in a sync conflict
        self._build(self._contact_row())
        self.reload()
        self.sections.setCurrentRow(0)

    def _build_panel(self, section_id: str) -> SectionPanel:
        schema = self._ops.schema
        panel = SectionPanel(schema.section(section_id), dict(schema.value_sets),
                             self._save_section, self._run, parent=self.section_stack)
        panel.saved.connect(self._after_save)
        panel.show_view(self.view)
        panel.form.mark_conflicts(self._conflicts)
        self.section_stack.addWidget(panel)
        return panel

    def _show_section(self, row: int) -> None:
        if row >= 0:
            section_id = self._section_ids[row]
            self.section_stack.setCurrentWidget(self.panels[section_id])

    def _contact_row(self) -> QHBoxLayout:
        self.contact_setting = QComboBox()
        self.contact_setting.setAccessibleName("Contact setting")
        for setting in CONTACT_SETTINGS:
            self.contact_setting.addItem(setting.capitalize(), setting)
        self.record_contact_button = record = QPushButton("Record contact")
        record.clicked.connect(self._record_contact)
        self.contact_feedback = SaveFeedback()  # "Contact recorded 14:02", or a triage saved
        self.triage_button = triage = QPushButton("Custody triage (Ctrl+T)")
        triage.clicked.connect(lambda: self.triage_requested.emit(self.person_id))
        self.edit_button = QPushButton("Edit details…")
        self.edit_button.clicked.connect(self.edit_details)
        self.merge_button = QPushButton("Merge a duplicate…")
        self.merge_button.clicked.connect(self.merge_duplicate)
        self.undo_merge_button = QPushButton("Undo merge")
        self.undo_merge_button.clicked.connect(self.undo_last_merge)
        self.hand_over_button = QPushButton("Hand over…")
        self.hand_over_button.setToolTip("Hand the person over to another team (Ctrl+Shift+H)")
        self.hand_over_button.clicked.connect(self.hand_over)
        for button in (self.edit_button, self.merge_button, self.undo_merge_button,
                       self.hand_over_button):
            self.banner.actions.addWidget(button)
        row = QHBoxLayout()
        row.addWidget(QLabel("Seen today in:"))
        row.addWidget(self.contact_setting)
        row.addWidget(record)
        row.addWidget(self.contact_feedback, 1)
        row.addWidget(triage)
        return row

    # ---- details and duplicates --------------------------------------------------------
    def edit_details(self) -> EditPersonDialog:
        dialog = EditPersonDialog(ops=self._ops, person_id=self.person_id, run=self._run,
                                  parent=self)
        dialog.saved.connect(self._after_write)
        dialog.show()
        return dialog

    def merge_duplicate(self) -> MergeDialog:
        dialog = MergeDialog(ops=self._ops, survivor_id=self.person_id, run=self._run,
                             parent=self)
        dialog.merged.connect(self._after_write)
        dialog.merged_into.connect(self.open_requested.emit)
        dialog.show()
        return dialog

    def hand_over(self) -> HandoverDialog:
        """Person > Hand over to another team (Ctrl+Shift+H)."""
        dialog = HandoverDialog(ops=self._ops, person_id=self.person_id,
                                person_name=self.record.person.name.display(), run=self._run,
                                run_net=self._run_net, parent=self)
        dialog.handed_over.connect(self._after_write)
        dialog.show()
        self.handover_dialog = dialog  # for the window's shortcut, and tests
        return dialog

    def print_handover(self) -> None:
        """Person > Print handover summary: built and signed on the database lane, then
        previewed (the Journey tab owns the preview, as for its notices)."""
        self.open_journey().print_handover()

    def change_key_worker(self) -> KeyWorkerDialog | None:
        """Person > Change key worker: a team lead's; nothing for anyone else."""
        if not self._ops.is_team_lead:
            return None
        dialog = KeyWorkerDialog(ops=self._ops, person_id=self.person_id,
                                 person_name=self.record.person.name.display(),
                                 now=self.key_worker, run=self._run, parent=self)
        dialog.allocated.connect(self._after_write)
        dialog.show()
        self.key_worker_dialog = dialog
        return dialog

    def can_take_on(self) -> bool:
        """'Take on as my person': a worker, for someone nobody holds."""
        return not self._ops.is_team_lead and not self.key_worker

    def take_on(self) -> None:
        if not self.can_take_on():
            return
        person_id = self.person_id
        self._run(lambda: self._ops.take_on(person_id), on_success=self._taken_on,
                  on_failure=self._not_written)

    def _taken_on(self, changed: Changed) -> None:
        self._after_write(changed)
        self.show_saved("Taken on: they are one of My people now")

    def _show_team(self, key_worker: str, handover: HandoverEntry | None) -> None:
        self.key_worker, self.handover = key_worker, handover
        self.banner.show_team(key_worker, handover)
        self.hand_over_button.setEnabled(handover is None)
        self.hand_over_button.setToolTip(
            "Hand the person over to another team (Ctrl+Shift+H)" if handover is None
            else "Already in handover: it must be accepted before another")
        self._show_read_only(handover if handover is not None and handover.outbound else None)

    def _show_read_only(self, away: HandoverEntry | None) -> None:
        """Handed over by this team: the buttons that change the record go grey and say
        why (the store refuses any write that gets through, with the same words)."""
        self.read_only = read_only_words(away) if away else ""
        for button, tip in ((self.record_contact_button, ""), (self.triage_button, ""),
                            (self.edit_button, ""), (self.merge_button, ""),
                            (self.undo_merge_button, "")):
            button.setEnabled(away is None)
            button.setToolTip(self.read_only or tip)

    def undo_last_merge(self) -> None:
        person_id = self.person_id
        self._run(lambda: self._ops.undo_last_merge(person_id), on_success=self._after_write,
                  on_failure=self._not_written)

    def _after_write(self, changed: Changed) -> None:
        """A write from this screen (details, merge, consent) is done: show it, then tell
        the window, which catches the rest up from `changed`."""
        if not changed:
            return
        self.reload()
        self.changed.emit(changed)

    def _not_written(self, error: Exception) -> None:
        self.contact_feedback.show_state(f"Not saved — {error}", "failed")

    def _build(self, contact_row: QHBoxLayout) -> None:
        assessment_tab = QWidget()
        split = QHBoxLayout(assessment_tab)
        split.addWidget(self.sections)
        split.addWidget(self.section_stack, 1)
        split.setContentsMargins(0, 4, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.addTab(assessment_tab, "&Assessment")
        # Alt+Y, not Alt+H: the main window's Help menu has Alt+H.
        self.tabs.addTab(self.history, "Histor&y")
        self.tabs.addTab(self.consent, "C&onsent")
        self.care_plan_index = self.tabs.count()  # the Care plan tab goes here
        self._care_plan_page = QWidget()
        QVBoxLayout(self._care_plan_page).setContentsMargins(0, 0, 0, 0)
        self.tabs.insertTab(self.care_plan_index, self._care_plan_page, "Ca&re plan")
        self.journey_index = self.tabs.count()
        self._journey_page = QWidget()
        QVBoxLayout(self._journey_page).setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(self._journey_page, "&Journey")
        self.work_index = self.tabs.count()
        self._work_page = QWidget()
        QVBoxLayout(self._work_page).setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(self._work_page, "&Work")
        self.tabs.setTabVisible(self.work_index, self._work_ops is not None)
        # No Alt letter is left for it (O, U, T, C, M, E and S are taken): Ctrl+U.
        self.outcomes_index = self.tabs.addTab(QWidget(), "Outcomes")
        self.tabs.setTabToolTip(self.outcomes_index, "TOP forms and progress charts (Ctrl+U)")
        self.tabs.setTabVisible(self.outcomes_index, self._outcome_ops is not None)
        self.tabs.currentChanged.connect(self._tab_shown)
        self._sized_by(self.tabs.currentIndex())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        layout.addWidget(self.notice)
        layout.addLayout(contact_row)
        layout.addWidget(self.tabs, 1)

    # ---- loading ---------------------------------------------------------------------
    def reload(self) -> None:
        self.record: PersonRecord = self._ops.person(self.person_id)
        self.view: AssessmentView = self._ops.assessment(self.person_id)
        self.banner.show_record(self.record, self.view.risk.level, self.view.risk.headline())
        self.show_journey(self._ops.journey(self.person_id))
        self._show_team(self._ops.key_worker_name(self.person_id),
                        self._ops.open_handover(self.person_id))
        self.notice.show_lines(self._notice_lines())
        self._conflicts = self._ops.fields_in_conflict(self.person_id)
        self._refill_panels(saved=None)
        for panel in self.panels.built.values():
            panel.form.mark_conflicts(self._conflicts)
        self._mark_sections()
        self._fill_history()
        self.consent.show_record(self.record)
        self.undo_merge_button.setVisible(bool(self.record.merged_from))
        if self.care_plan is not None:
            self.care_plan.reload()

    def _refill_panels(self, saved: str | None) -> None:
        """Built panels only; one with unsaved typing keeps it (saving another section
        must not wipe what the worker has typed here) and is marked where it is stale."""
        typing = []
        for section_id, panel in self.panels.built.items():
            if section_id == saved or not panel.form.is_dirty():
                panel.show_view(self.view)
            else:
                typing.append(panel)
        self._refresh_panels(typing)

    # ---- changed underneath (a sync, a conflict resolved) --------------------------------
    def refresh_from_store(self) -> bool:
        """Bring the open record up to date after a sync, where it changed: nothing is
        rebuilt (tab, section and scroll position stay), untouched answers take the new
        values, typed ones are kept and marked. False, and nothing done, if unchanged."""
        return self.show_fresh(self.load_fresh())

    def load_fresh(self) -> Fresh:
        """The reads behind refresh_from_store: they touch no widget, so the window runs
        them on the database lane after a sync and shows the result with show_fresh."""
        return Fresh(self._ops.person(self.person_id), self._ops.assessment(self.person_id),
                     self._ops.fields_in_conflict(self.person_id),
                     self._ops.journey(self.person_id),
                     self._ops.key_worker_name(self.person_id),
                     self._ops.open_handover(self.person_id))

    def show_fresh(self, fresh: Fresh) -> bool:
        record, view, found = fresh.record, fresh.view, fresh.conflicts
        if self.outcomes_tab is not None and self.tabs.currentIndex() == self.outcomes_index:
            self.outcomes_tab.refresh()  # read on the lane; repainted only if it changed
        moved = fresh.journey != self.journey
        if moved:  # an event recorded elsewhere, or received
            self.show_journey(fresh.journey)
        if (fresh.key_worker, fresh.handover) != (self.key_worker, self.handover):
            self._show_team(fresh.key_worker, fresh.handover)  # allocated, handed, accepted
            moved = True
        if found != self._conflicts:  # a conflict arrived or was resolved elsewhere
            self._conflicts = found
            self._mark_sections()
            for panel in self.panels.built.values():
                panel.form.mark_conflicts(found)
        if record == self.record and view == self.view:
            return moved  # the every-minute case: no repaint at all
        if record != self.record:
            self.record = record
            self.consent.show_record(record)
            self.undo_merge_button.setVisible(bool(record.merged_from))
        self.view = view
        self.banner.show_record(self.record, view.risk.level, view.risk.headline())
        self.notice.show_lines(self._notice_lines())
        self._mark_sections()
        self._keep_scroll(self.history, self._fill_history)
        self._refresh_panels(list(self.panels.built.values()))
        return True

    def _refresh_panels(self, panels: list[SectionPanel]) -> None:
        underneath = {key: panel for panel in panels for key in panel.refresh(self.view)}
        if not underneath:
            return
        newer = {key: self.view.values.get(key[0], {}).get(key[1]) for key in underneath}
        setters = self._ops.changed_by(self.person_id, newer)
        for key, panel in underneath.items():
            setter = setters.get(key)
            panel.form.mark_changed(key, newer[key], setter.worker_name if setter else "",
                                    setter.at_utc if setter else "", refused=False)

    @staticmethod
    def _keep_scroll(tree: QTreeWidget, refill: Callable[[], None]) -> None:
        at = tree.verticalScrollBar().value()
        refill()
        tree.verticalScrollBar().setValue(at)

    def _sized_by(self, index: int) -> None:
        """Only the tab on screen sets how tall the record must be: a hidden tab's minimum
        (the Journey tab with the police box) pushed the Assessment's Save off 1280x720."""
        for page in range(self.tabs.count()):
            policy = QSizePolicy.Policy.Preferred if page == index \
                else QSizePolicy.Policy.Ignored
            self.tabs.widget(page).setSizePolicy(policy, policy)

    def _tab_shown(self, index: int) -> None:
        self._sized_by(index)
        # The notice is about assessment answers; on the Journey tab its three lines are
        # the timeline's, which at 1280x720 otherwise shows a single event (on the
        # Outcomes tab, the chart's).
        self.notice.setVisible(index not in (self.journey_index, self.outcomes_index))
        if index == self.care_plan_index:
            self._ensure_care_plan_tab()
        elif index == self.journey_index:
            self._ensure_journey_tab()
        elif index == self.work_index:
            self._ensure_work_tab()
        elif index == self.outcomes_index \
                and (outcomes := self._ensure_outcomes_tab()) is not None:
            outcomes.refresh()  # read again each time it is shown: a form, an arrest…

    # ---- the journey -----------------------------------------------------------------------
    def show_journey(self, journey: Journey) -> None:
        """The banner's line and, once built, the Journey tab."""
        self.journey = journey
        self.banner.show_journey(journey)
        if self.journey_tab is not None:
            self.journey_tab.show_journey(journey)

    def _ensure_journey_tab(self) -> JourneyTab:
        if self.journey_tab is None:
            self.journey_tab = JourneyTab(ops=self._ops, person_id=self.person_id,
                                          value_sets=self._ops.schema.value_sets,
                                          run=self._run, parent=self._journey_page)
            self.journey_tab.changed.connect(self._journey_written)
            page = self._journey_page.layout()
            assert page is not None
            page.addWidget(self.journey_tab)
            self.journey_tab.show()  # now, not at the layout's next turn: Ctrl+J then Tab
            self.journey_tab.show_journey(self.journey)
        return self.journey_tab

    def _ensure_work_tab(self) -> WorkTab | None:
        if self.work_tab is None and self._work_ops is not None:
            setting = self.journey.state.setting
            self.work_tab = WorkTab(ops=self._work_ops, person_id=self.person_id,
                                    run=self._run, parent=self._work_page,
                                    setting=None if setting is Setting.UNKNOWN else setting)
            self.work_tab.changed.connect(self._journey_written)  # a booking may come next
            page = self._work_page.layout()
            assert page is not None
            page.addWidget(self.work_tab)
            self.work_tab.show()
        return self.work_tab

    def open_work(self, page: int = 0) -> WorkTab | None:
        """Show the Work tab (Person > Work, Ctrl+B): what is due, appointments, referrals
        and key work."""
        self.tabs.setCurrentIndex(self.work_index)
        tab = self._ensure_work_tab()
        if tab is not None:
            tab.open_page(page)
        return tab

    def _ensure_outcomes_tab(self) -> OutcomesTab | None:
        if self.outcomes_tab is None and self._outcome_ops is not None:
            self.outcomes_tab = OutcomesTab(ops=self._outcome_ops, person_id=self.person_id,
                                            person_name=self.record.person.name.display(),
                                            run=self._run)
            self.outcomes_tab.changed.connect(self.changed.emit)
            page = QVBoxLayout(self.tabs.widget(self.outcomes_index))
            page.setContentsMargins(0, 0, 0, 0)
            page.addWidget(self.outcomes_tab)
            self.outcomes_tab.show()
        return self.outcomes_tab

    def open_outcomes(self) -> OutcomesTab | None:
        """Show the Outcomes tab (Person > Outcomes, Ctrl+U): TOP forms and progress."""
        self.tabs.setCurrentIndex(self.outcomes_index)
        return self._ensure_outcomes_tab()

    def open_journey(self) -> JourneyTab:
        """Show the Journey tab (Person > Journey, Ctrl+J)."""
        self.tabs.setCurrentIndex(self.journey_index)
        return self._ensure_journey_tab()

    def _journey_written(self, changed: Changed) -> None:
        """An event (or, from the Work tab, a booking) was stored: the banner and the
        timeline show it, then the window catches the rest up."""
        self.show_journey(self._ops.journey(self.person_id))
        self.changed.emit(changed)

    def _ensure_care_plan_tab(self) -> CarePlanTab:
        """The Care plan tab, made the first time it is shown."""
        if self.care_plan is None:
            given = self.record.person.name
            self.care_plan = CarePlanTab(ops=self._ops, person_id=self.person_id,
                                         person_name=f"{given.given} {given.family}",
                                         run=self._run)
            self.care_plan.changed.connect(self.changed.emit)
            page = self._care_plan_page.layout()
            assert page is not None
            page.addWidget(self.care_plan)
        return self.care_plan

    def open_care_plan(self) -> CarePlanTab:
        """Show the Care plan tab (Person > Care plan / Print)."""
        self.tabs.setCurrentIndex(self.care_plan_index)
        return self._ensure_care_plan_tab()

    def _notice_lines(self) -> list[str]:
        extra = [line for line in (self._merged_line(), self._stale_line()) if line]
        if not self.view.contacts:
            return ["No contact recorded yet.", *extra]
        last = self.view.contacts[0]
        changes = [self._describe(c) for c in self.view.since_last_contact]
        count = len(changes)
        head = (f"Last contact: {last.setting}, {uk_date(last.at_utc)}, {last.worker_name}. "
                + (f"{count} change{'s' if count != 1 else ''} since then:" if changes
                   else "Nothing has changed since then."))
        return [head, *_capped(changes, _NOTICE_LINES - 1 - len(extra)), *extra]

    def _merged_line(self) -> str:
        merges = self._ops.merges(self.person_id)
        return "; ".join(f"Includes the record of {m.merged_name}, merged by {m.merged_by} "
                         f"({m.reason})" for m in merges) + (
            ". 'Undo merge' separates them." if merges else "")

    def _stale_line(self) -> str:
        # Short: the ⚠ marks in the section list name them; the line must not be cut off.
        count = len(self.view.stale)
        return (f"Needs checking (never done or out of date): {count} section"
                f"{'s' if count != 1 else ''}, marked ⚠.") if count else ""

    def _describe(self, change: HistoryEntry) -> str:
        field = self._ops.schema.section(change.section).field(change.field)
        sets = self._ops.schema.value_sets
        return (f"{field.label}: {display_value(field, change.old, sets)} → "
                f"{display_value(field, change.new, sets)}")

    def _mark_sections(self) -> None:
        in_conflict = {section for section, _field in self._conflicts}
        for row, section in enumerate(self._sections):
            mark = "⚠ " if section.id in self.view.stale else "✓ "
            conflict = " — conflict" if section.id in in_conflict else ""
            self.sections.item(row).setText(mark + section.title + conflict)

    def _fill_history(self) -> None:
        self.history.clear()
        schema = self._ops.schema
        entries = self._ops.history(self.person_id)
        items = []
        for entry in reversed(entries):  # newest first
            field = schema.section(entry.section).field(entry.field)
            texts = [uk_date(entry.at_utc), entry.worker_name, field.label,
                     display_value(field, entry.old, schema.value_sets),
                     display_value(field, entry.new, schema.value_sets)]
            item = QTreeWidgetItem(texts)
            for column, text in enumerate(texts[1:], start=1):
                item.setToolTip(column, text)  # the whole answer, where the column cuts it
            items.append(item)
        self.history.addTopLevelItems(items)  # one insert, not one per row

    # ---- actions ---------------------------------------------------------------------
    def _save_section(self, section: str, typed: dict[str, str],
                      base: dict[str, Value]) -> SectionSaved:
        # May run on the database thread: it touches the store, never a widget.
        return self._ops.save_section(self.person_id, section, typed, base)

    def _after_save(self, section: str) -> None:
        self._reload_after_save(section)
        self.changed.emit(Changed.of(self.person_id, Part.RECORD))

    def _reload_after_save(self, section: str) -> None:
        """What a saved section can change: answers, risk, the notice, marks, history.
        Not the person's details, consent or care plan."""
        # Read here, not on the lane: it is fast, and another trip through the event loop
        # would only delay the worker seeing what they saved.
        self.view = self._ops.assessment(self.person_id)
        self.banner.show_record(self.record, self.view.risk.level, self.view.risk.headline())
        self.notice.show_lines(self._notice_lines())
        self._refill_panels(saved=section)
        self._mark_sections()
        self._fill_history()

    def _record_contact(self) -> None:
        setting, person_id = self.contact_setting.currentData(), self.person_id
        self._run(lambda: self._ops.record_contact(person_id, setting),
                  on_success=lambda changed: self._contact_recorded(setting, changed),
                  on_failure=self._not_written)

    def _contact_recorded(self, setting: str, changed: Changed) -> None:
        self.reload()
        self.show_saved(f"Contact recorded — {setting}, {datetime.now():%H:%M}")
        self.changed.emit(changed)

    def show_saved(self, text: str) -> None:
        """Say on this screen that something was saved (a contact, a triage, a new record)."""
        self.contact_feedback.show_state(text, "saved")

    def open_section(self, section_id: str) -> SectionPanel:
        """Show a section, building its panel if this is the first time."""
        ids = self._section_ids
        self.tabs.setCurrentIndex(0)
        self.sections.setCurrentRow(ids.index(section_id))
        return self.panels[section_id]

    # ---- drafts ----------------------------------------------------------------------
    def draft_state(self) -> dict[str, object]:
        dirty = {sid: p.form.draft_state() for sid, p in self.panels.built.items()
                 if p.form.is_dirty()}
        return {"person_id": self.person_id, "sections": dirty} if dirty else {}

    def restore_draft(self, state: dict[str, object]) -> None:
        sections = state.get("sections", {})
        assert isinstance(sections, dict)
        for section_id, fields in sections.items():
            self.open_section(section_id).form.restore_draft(fields)


def _capped(changes: list[str], room: int) -> list[str]:
    """At most `room` lines of changes, the last saying how many more the History tab has."""
    if room <= 0:
        return []
    if len(changes) <= room:
        return [f"  • {c}" for c in changes]
    shown = room - 1
    rest = f"  … {len(changes) - shown} more on the History tab." if shown \
        else "  They are listed on the History tab."
    return [*(f"  • {c}" for c in changes[:shown]), rest]


def _history_tree() -> QTreeWidget:
    """Columns that fit 820 px: dates and names as wide as they are, answers wrap."""
    tree = QTreeWidget()
    tree.setHeaderLabels(["When", "Who", "Field", "From", "To"])
    tree.setAccessibleName("Field history")
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)  # one line a row; a cut answer is whole in its tooltip
    header = tree.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
    header.resizeSection(1, 130)  # a name wraps onto a second line rather than take the width
    for column in (2, 3, 4):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    return tree
