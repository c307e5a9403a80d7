"""The main window: caseload and search on the left, the work area on the right."""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.services import drafts, people
from app.services.caseload import caseload, nobody_found_message, search_people
from app.services.changes import Changed, Part
from app.services.conflicts import count_not_stored
from app.services.session import WorkerSession, verify_audit_trail
from app.services.views import PersonSummary
from app.ui.appointment_day import DayView
from app.ui.caseload_model import CaseloadModel, CaseloadTable
from app.ui.handover_inbox import HandoverInbox
from app.ui.key_worker_dialog import KeyWorkerDialog
from app.ui.main_window_day import WorkersDay
from app.ui.new_person_form import NewPersonForm
from app.ui.operations import (
    HandoverOperations,
    OutcomeOperations,
    RecordOperations,
    VerifyOperations,
    WorkOperations,
)
from app.ui.person_view import PersonView
from app.ui.referral_tracker import ReferralTracker
from app.ui.resources import icon
from app.ui.screen_fit import resize_to_fit
from app.ui.task_list import TaskListDialog
from app.ui.tasks import RunDb, run_here
from app.ui.team_desk import TeamDeskDialog
from app.ui.triage_view import TriageView
from app.ui.verify_view import VerifyView

EMPTY_CASELOAD = ("No one on your caseload yet.\n\n"
                  "Press Ctrl+N to add the person in front of you.")
CASELOAD_CATCH_UP_MS = 50
PERSON_DRAFT_KEY = "person-view"
CARE_PLAN_DRAFT_KEY = "care-plan"
PLACE_DRAFT_KEY = "showing"  # where the worker was, so an unlock goes back there
# What a sync brings: anyone's record may have changed; the scheduler says where sync stands.
RECEIVED = Changed(parts=frozenset(Part) - {Part.SYNC_STATE}, anyone=True)
_log = logging.getLogger(__name__)


def nobody_found(text: str) -> str:
    """What was looked for and what to try; other teams' people are one key away."""
    return (nobody_found_message(text=text)
            + "\nSomeone another team knows? Press Ctrl+Shift+F to ask the server.")


class MainWindow(WorkersDay, QMainWindow):
    lock_requested = Signal()
    sign_out_requested = Signal()
    sync_requested = Signal()
    conflicts_requested = Signal()
    elsewhere_requested = Signal()
    local_change = Signal()  # something was saved here: the sync line recounts what waits

    def __init__(self, *, session: WorkerSession, version: str, idle_minutes: float,
                 run: RunDb = run_here, run_net: RunDb = run_here) -> None:
        super().__init__()
        self._run = run  # the app's database runner: saves wait on it, the screen does not
        self._run_net = run_net  # work that may wait on the server (the list of teams)
        self._handovers = HandoverOperations(session)
        self._work = WorkOperations(session)
        self._outcomes = OutcomeOperations(session)
        self.inbox: HandoverInbox | None = None
        self.task_list: TaskListDialog | None = None
        self.desk: TeamDeskDialog | None = None
        self.day_view: DayView | None = None
        self.referral_tracker: ReferralTracker | None = None
        self.key_worker_dialog: KeyWorkerDialog | None = None
        self.setObjectName("mainWindow")
        self._session = session
        self._records = RecordOperations(session)  # what the person screens may do
        self._version = version
        self.person_view: PersonView | None = None
        self._quit_confirmed = False
        self.triage_view: TriageView | None = None
        self.setWindowTitle("InsideOut")
        self.setWindowIcon(icon("insideout"))
        self.caseload = CaseloadModel(
            {section.id: section.title for section in session.reference.schema.sections})
        self._build_central()
        self._build_menus()
        self._build_status(idle_minutes)
        self.refresh_caseload()
        self.refresh_handover_count()
        self.refresh_task_count()
        resize_to_fit(self, QSize(1366, 800))  # room for a caseload and a record
        self.splitter.setSizes([726, 640])  # room for every caseload column

    # ---- layout -------------------------------------------------------------------------
    def _build_central(self) -> None:
        self.splitter = QSplitter()
        self.splitter.addWidget(self._caseload_panel())
        self.splitter.addWidget(self._work_column())
        self.splitter.setStretchFactor(1, 1)
        self.splitter.widget(0).setMinimumWidth(460)
        self.setCentralWidget(self.splitter)

    def _caseload_panel(self) -> QWidget:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name, alias, PNC, prison or NHS no.  (Ctrl+F)")
        self.search.setAccessibleName("Search people")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.textChanged.connect(self.refresh_caseload)
        self.search.returnPressed.connect(self._open_search_choice)
        self.mine = QRadioButton("&My people")
        self.team = QRadioButton("T&eam")  # Alt+T is the Tools menu
        self.team.setChecked(True)
        scope = QButtonGroup(self)
        for button in (self.mine, self.team):
            scope.addButton(button)
            button.toggled.connect(self.refresh_caseload)
        self.table = CaseloadTable()
        self.table.setModel(self.caseload)
        self.table.setAccessibleName("Caseload")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        # `activated` is Enter and the platform's double-click (or single click) in one
        # signal; connecting `doubleClicked` as well opened the record twice.
        self.table.activated.connect(lambda index: self.open_person(
            self.caseload.person_at(index.row()).id))
        # The name takes what the other columns leave (elided, never scrolled sideways).
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setMinimumSectionSize(40)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setWordWrap(False)
        self.empty_state = QLabel(EMPTY_CASELOAD)
        self.empty_state.setObjectName("emptyState")
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_state.setWordWrap(True)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty_state)
        heading = QLabel("Caseload")
        heading.setObjectName("heading")
        scope_row = QHBoxLayout()
        for widget in (heading, self.mine, self.team):
            scope_row.addWidget(widget)
        scope_row.addStretch()
        panel = QWidget()
        panel.setObjectName("caseloadPanel")
        column = QVBoxLayout(panel)
        column.addLayout(scope_row)
        column.addWidget(self.search)
        column.addWidget(self.list_stack)
        return panel

    def _work_area(self) -> QStackedWidget:
        schema = self._session.reference.schema
        self.new_person_form = NewPersonForm(
            value_sets=dict(schema.value_sets),
            find=lambda typed: people.find_matches(session=self._session, person=typed),
            create=lambda typed, seen, reason="": people.create_person(
                session=self._session, person=typed, acknowledged_matches=seen,
                reason=reason), run=self._run)
        self.new_person_form.saved.connect(self._person_created)
        self.new_person_form.cancelled.connect(self._form_cancelled)
        self.new_person_form.open_existing.connect(self.open_person)
        self.welcome = QLabel(f"Welcome, {self._session.worker.full_name}.\n\n"
                              "Choose a person on the left, search with Ctrl+F,\n"
                              "or press Ctrl+N to add someone.")
        self.welcome.setObjectName("emptyState")
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.work_area = QStackedWidget()
        # An explicit minimum beats the forms' size hints, so the caseload keeps its columns.
        self.work_area.setMinimumWidth(640)
        self.work_area.addWidget(self.welcome)
        self.work_area.addWidget(self.new_person_form)
        return self.work_area

    def _work_column(self) -> QWidget:
        self.unsaved_notice = QLabel()
        self.unsaved_notice.setObjectName("unsavedNotice")
        self.unsaved_notice.setWordWrap(True)
        self.unsaved_notice.setAccessibleName("Unsaved restored work")
        self.unsaved_notice.hide()
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.unsaved_notice)
        layout.addWidget(self._work_area(), 1)
        return column

    def _build_menus(self) -> None:
        def action(text: str, shortcut: QKeySequence | str, slot: object,
                   icon_name: str = "blank") -> QAction:
            act = QAction(icon(icon_name), text, self)
            act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        file_menu = self.menuBar().addMenu("&File")
        self.new_person_action = action("&New person…", "Ctrl+N", self.show_new_person,
                                        "person-add")
        file_menu.addAction(self.new_person_action)
        file_menu.addSeparator()
        self.lock_action = action("&Lock now", "Ctrl+L", self.lock_requested.emit, "lock")
        file_menu.addAction(self.lock_action)
        file_menu.addAction(action("Sign &out", "Ctrl+Shift+L", self.sign_out_requested.emit))
        file_menu.addAction(action("&Quit", "Ctrl+Q", self.quit_app))
        person_menu = self.menuBar().addMenu("&Person")
        self.triage_action = action("Custody &triage", "Ctrl+T", self._triage_current)
        person_menu.addAction(self.triage_action)
        self.elsewhere_action = action("Find someone known to &another team…", "Ctrl+Shift+F",
                                       self.elsewhere_requested.emit)
        person_menu.addAction(self.elsewhere_action)
        # care plan, printing and verifying
        self.care_plan_action = action("&Care plan / Print…", "Ctrl+P", self._care_plan_current)
        person_menu.addAction(self.care_plan_action)
        self.sign_plan_action = action("&Sign the care plan…", "Ctrl+G", self._sign_current)
        person_menu.addAction(self.sign_plan_action)
        person_menu.addSeparator()  # the journey: custody, court, prison, release
        self.journey_action = action("&Journey", "Ctrl+J", self._journey_current)
        person_menu.addAction(self.journey_action)
        self.record_event_action = action("Record a journey &event…", "Ctrl+R",
                                          self._record_event_current)
        person_menu.addAction(self.record_event_action)
        self.work_action = action("&Work: due, appointments, referrals, key work", "Ctrl+B",
                                  self._work_current)
        person_menu.addAction(self.work_action)
        self.outcomes_action = action("&Outcomes: TOP forms and progress charts", "Ctrl+U",
                                      self._outcomes_current)
        person_menu.addAction(self.outcomes_action)
        self.record_top_action = action("&Record a TOP form…", "Ctrl+Shift+U",
                                        self._record_top_current)
        person_menu.addAction(self.record_top_action)
        person_menu.addSeparator()  # between teams: handing over, who holds the person
        self.hand_over_action = action("&Hand over to another team…", "Ctrl+Shift+H",
                                       self._hand_over_current)
        person_menu.addAction(self.hand_over_action)
        self.print_handover_action = action("Print hando&ver summary…", "Ctrl+Shift+P",
                                            self._print_handover_current)
        person_menu.addAction(self.print_handover_action)
        self.key_worker_action = action("Change &key worker…", "Ctrl+K",
                                        self._change_key_worker_current)
        # A team lead's: the server refuses anyone else's, so nobody else sees it.
        self.key_worker_action.setVisible(self._records.is_team_lead)
        person_menu.addAction(self.key_worker_action)
        self.take_on_action = action("Take on as &my person", "Ctrl+Shift+M",
                                     self._take_on_current)
        person_menu.addAction(self.take_on_action)
        person_menu.aboutToShow.connect(self._person_menu_state)
        self._person_menu_state()
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(action("&Find person", QKeySequence.StandardKey.Find,
                                   self._focus_search, "search"))
        self.tasks_action = action("My &tasks…", "Ctrl+Shift+T", self.open_tasks)
        view_menu.addAction(self.tasks_action)
        self.day_action = action("My &day (appointments)…", "Ctrl+Shift+Y", self.open_day)
        view_menu.addAction(self.day_action)
        self.referrals_action = action("&Referrals waiting for an answer…", "Ctrl+Shift+R",
                                       self.open_referrals)
        view_menu.addAction(self.referrals_action)
        tools_menu = self.menuBar().addMenu("&Tools")
        self.sync_action = action("&Sync now", "F5", self.sync_requested.emit, "sync")
        tools_menu.addAction(self.sync_action)
        self.inbox_action = action("&Handover inbox…", "Ctrl+Shift+I", self.open_inbox)
        tools_menu.addAction(self.inbox_action)
        self.add_lead_tools(tools_menu, action)
        tools_menu.addAction(action("&Conflicts and sync problems…", "Ctrl+Shift+C",
                                    self.conflicts_requested.emit))
        tools_menu.addSeparator()
        tools_menu.addAction(action("Check the &audit trail", "Ctrl+Shift+A", self._check_audit))
        tools_menu.addAction(action("&Verify a printed plan…", "Ctrl+Shift+V", self.open_verify))
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(action("&About InsideOut", "F1",
                                   self.show_about))

    def _build_status(self, idle_minutes: float) -> None:
        worker = self._session.worker
        self.worker_label = QLabel(f"{worker.full_name} ({worker.username})")
        self.worker_label.setToolTip("Signed in")
        self.sync_label = QLabel("Sync: standalone device — not connected to a server")
        self.sync_label.setObjectName("syncState")
        self.sync_label.setAccessibleName("Sync state")
        lock_hint = QLabel(f"Locks after {idle_minutes:g} min idle (Ctrl+L)")
        self.sync_progress = QProgressBar()
        self.sync_progress.setRange(0, 0)  # busy: a first sync's size is not known up front
        self.sync_progress.setMaximumWidth(160)
        self.sync_progress.setAccessibleName("Sync progress")
        self.sync_progress.hide()
        self.statusBar().addWidget(self.worker_label)
        self.statusBar().addWidget(self.sync_label, 1)  # the sync line gets the room
        self.statusBar().addWidget(self.sync_progress)
        # Handovers to this team wait on someone here: a count the worker cannot miss,
        # and one press away.
        self.handover_count = QPushButton()
        self.handover_count.setObjectName("handoverCount")
        self.handover_count.setFlat(True)
        self.handover_count.setAccessibleName("Handovers waiting for your team")
        self.handover_count.setStyleSheet("color: #a4161a; font-weight: bold;")
        self.handover_count.clicked.connect(self.open_inbox)
        self.handover_count.hide()
        self.statusBar().addPermanentWidget(self.handover_count)
        self.task_count = QPushButton()  # my overdue tasks, one press from the list
        self.task_count.setObjectName("taskCount")
        self.task_count.setFlat(True)
        self.task_count.setAccessibleName("My overdue tasks")
        self.task_count.setStyleSheet("color: #a4161a; font-weight: bold;")
        self.task_count.clicked.connect(self.open_tasks)
        self.task_count.hide()
        self.statusBar().addPermanentWidget(self.task_count)
        self.statusBar().addPermanentWidget(lock_hint)

    # ---- caseload -----------------------------------------------------------------------
    def refresh_caseload(self) -> None:
        if not self._session.is_open:  # a refresh queued just before a lock finds no key
            return
        text = self.search.text()
        if text.strip():
            found = search_people(session=self._session, text=text)
        else:
            found = caseload(session=self._session, mine_only=self.mine.isChecked())
        self.caseload.set_people(found)
        self.table.fit_columns()
        if found:
            self.list_stack.setCurrentWidget(self.table)
            return
        self.empty_state.setText(nobody_found(text) if text.strip() else EMPTY_CASELOAD)
        self.empty_state.setWordWrap(True)
        self.list_stack.setCurrentWidget(self.empty_state)

    def after_sync(self) -> None:
        """A sync may have changed anything on screen."""
        self.apply(RECEIVED)

    def apply(self, changed: Changed, source: QWidget | None = None) -> None:
        """The one place the window catches up with a write or a sync: the caseload, the
        sync line, and an open record or triage the change touches, brought up to date
        in place (typing is never lost). `source` has shown its own write already."""
        if not changed or not self._session.is_open:  # a late callback after a lock
            return
        if changed.anyone:
            self.refresh_caseload()
        else:
            # After the record has been painted: on a full caseload the list's query
            # is the slowest part of a refresh, which the worker should not wait for to see
            # what they saved.
            QTimer.singleShot(CASELOAD_CATCH_UP_MS, self.refresh_caseload)
        for view in (self.person_view, self.triage_view):
            if view is not None and view is not source and changed.touches(view.person_id):
                self._catch_up(view)
        if Part.SYNC_STATE in changed.parts:
            self.local_change.emit()
        if Part.CASELOAD in changed.parts or changed.anyone:  # handed over, accepted, received
            self.refresh_handover_count()
        self.refresh_task_count()  # any write or sync may make or close a task
        self._person_menu_state()
        self.update_unsaved_notice()

    def refresh_handover_count(self) -> None:
        """Read on the database lane: a sync's catch-up, never on the worker's keystrokes."""
        if not self._session.is_open:
            return
        self._run(self._handovers.inbound_count, on_success=self._show_handover_count,
                  on_failure=lambda error: _log.warning("handover count not read: %s",
                                                        error))

    def _show_handover_count(self, count: int) -> None:
        if not self._session.is_open:  # a late answer after a lock
            return
        self.handover_count.setText(f"{count} handover{'s' if count != 1 else ''} to accept")
        self.handover_count.setToolTip("Open the handover inbox (Ctrl+Shift+I)")
        self.handover_count.setVisible(bool(count))

    def open_inbox(self) -> HandoverInbox:
        """Tools > Handover inbox (Ctrl+Shift+I)."""
        inbox = HandoverInbox(ops=self._handovers, run=self._run, parent=self)
        inbox.accepted_one.connect(self.apply)
        inbox.open_requested.connect(lambda person_id: (self.open_person(person_id),
                                                        inbox.close()))
        inbox.show()
        self.inbox = inbox
        return inbox

    def _catch_up(self, view: PersonView | TriageView) -> None:
        """Read on the database lane, shown on this thread if the view is still open."""
        self._run(view.load_fresh, on_success=lambda fresh: self._show_fresh(view, fresh),
                  on_failure=lambda error: _log.warning("screen not brought up to date: %s",
                                                        error))

    def _show_fresh(self, view: PersonView | TriageView, fresh: object) -> None:
        if self._session.is_open and (view is self.person_view or view is self.triage_view):
            view.show_fresh(fresh)  # type: ignore[arg-type]
            self._person_menu_state()

    def _open_search_choice(self) -> None:
        """Enter in the search box opens the selected match, or the first one."""
        if not self.caseload.rowCount():
            return
        current = self.table.currentIndex()
        row = current.row() if current.isValid() else 0
        self.open_person(self.caseload.person_at(row).id)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # ---- the work area ------------------------------------------------------------------
    def _give_room_to_work(self) -> None:
        # A record needs about 780 px; the caseload takes the rest, at least its names
        # and ages (on a 1366 screen that is every column).
        total = sum(self.splitter.sizes())
        caseload = max(460, total - 780)
        self.splitter.setSizes([caseload, max(640, total - caseload)])

    def show_new_person(self) -> None:
        self._give_room_to_work()
        self.work_area.setCurrentWidget(self.new_person_form)
        self.new_person_form.focus_first()

    def open_person(self, person_id: str) -> PersonView:
        view = PersonView(ops=self._records, person_id=person_id, run=self._run,
                          run_net=self._run_net, work_ops=self._work,
                          outcome_ops=self._outcomes, parent=self.work_area)
        self._replace_view("person_view", view)
        view.changed.connect(lambda changed: self.apply(changed, view))
        self.person_view.triage_requested.connect(self.open_triage)
        self.person_view.open_requested.connect(self.open_person)
        self._person_menu_state()
        return self.person_view

    def open_triage(self, person_id: str) -> TriageView:
        triage = TriageView(ops=self._records, person_id=person_id, run=self._run,
                            parent=self.work_area)
        self._replace_view("triage_view", triage)
        triage.changed.connect(lambda changed: self.apply(changed, triage))
        self.triage_view.done.connect(self._triage_done)
        self.triage_view.focus_first()
        return self.triage_view

    def _replace_view(self, attribute: str, view: QWidget) -> None:
        old = getattr(self, attribute)
        if old is not None:
            self.work_area.removeWidget(old)
            old.deleteLater()
        setattr(self, attribute, view)
        self._give_room_to_work()
        self.work_area.addWidget(view)
        self.work_area.setCurrentWidget(view)

    def _triage_current(self) -> None:
        if self.person_view is not None:
            self.open_triage(self.person_view.person_id)

    def _care_plan_current(self) -> None:
        """Ctrl+P opens the person's care plan and previews it for printing."""
        if self.person_view is not None:
            self.person_view.open_care_plan().open_preview()

    def _sign_current(self) -> None:
        if self.person_view is not None:
            self.person_view.open_care_plan().sign_if_allowed()

    def _journey_current(self) -> None:
        if self.person_view is not None:
            self.person_view.open_journey().timeline.setFocus()

    def _record_event_current(self) -> None:
        if self.person_view is not None:
            self.person_view.open_journey().record_new()

    def _outcomes_current(self) -> None:
        tab = self.person_view.open_outcomes() if self.person_view is not None else None
        if tab is not None:
            tab.pages.setFocus()  # the arrow keys go through the charts and the forms

    def _record_top_current(self) -> None:
        tab = self.person_view.open_outcomes() if self.person_view is not None else None
        if tab is not None:
            tab.record_new()

    def _hand_over_current(self) -> None:
        if self.person_view is not None and self.person_view.handover is None:
            self.person_view.hand_over()

    def _print_handover_current(self) -> None:
        if self.person_view is not None:
            self.person_view.print_handover()

    def _change_key_worker_current(self) -> None:
        if self.person_view is not None:
            self.person_view.change_key_worker()

    def _take_on_current(self) -> None:
        if self.person_view is not None:
            self.person_view.take_on()

    def _person_menu_state(self) -> None:
        """Only what can be done for the person on screen: 'Take on as my person' only
        while nobody holds them."""
        shown = self.person_view
        for act in (self.hand_over_action, self.print_handover_action, self.key_worker_action,
                    self.outcomes_action, self.record_top_action):
            act.setEnabled(shown is not None)
        if shown is not None and shown.handover is not None:
            self.hand_over_action.setEnabled(False)
        self.take_on_action.setVisible(shown is not None and shown.can_take_on())

    def open_verify(self) -> VerifyView:
        """Tools > Verify a printed plan."""
        view = VerifyView(ops=VerifyOperations(self._session), parent=self)
        view.show()
        return view

    def _triage_done(self, person_id: str) -> None:
        # The window catches up with what the triage saved just after (its `changed`).
        self._discard_draft(TriageView.DRAFT_KEY)
        saved = self.triage_view.last_saved if self.triage_view is not None else ""
        view = self.open_person(person_id)
        if saved:
            view.show_saved(saved)  # said where the worker is looking, not in the status bar
        self.update_unsaved_notice()

    def _person_created(self, person: PersonSummary) -> None:
        self._discard_draft(NewPersonForm.DRAFT_KEY)
        view = self.open_person(person.id)
        view.show_saved(f"New record saved {datetime.now():%H:%M}")
        self.apply(Changed.of(person.id, Part.RECORD, Part.CASELOAD), view)

    def _form_cancelled(self) -> None:
        self._discard_draft(NewPersonForm.DRAFT_KEY)
        self.work_area.setCurrentWidget(self.welcome)
        self.update_unsaved_notice()

    def _discard_draft(self, key: str) -> None:
        """On the database lane, behind the save it follows."""
        self._run(lambda: drafts.discard_draft(session=self._session, key=key),
                  on_success=lambda _none: None,
                  on_failure=lambda error: _log.warning("draft not discarded: %s", error))

    def show_sync_state(self, text: str, level: str) -> None:
        if level == "ok" and self._session.is_open:
            text += _not_stored_part(count_not_stored(session=self._session))
        self.sync_label.setText(text)
        self.sync_label.setProperty("level", level)
        self.sync_progress.setVisible(level == "busy")

    def show_sync_progress(self, stage: str, done: int) -> None:
        self.sync_progress.setFormat(f"{'Sending' if stage == 'push' else 'Receiving'} {done}")
        self.sync_progress.setTextVisible(True)

    # ---- help and tools -----------------------------------------------------------------
    def about_text(self) -> str:
        return (f"<b>InsideOut</b> version {self._version}<br><br>One shared, encrypted record "
                "for drug workers in custody suites, courts and prisons.<br>"
                f"Device {self._session.device_id[:8]} · data encrypted with SQLCipher.")

    def show_about(self) -> None:
        QMessageBox.about(self, "About InsideOut", self.about_text())

    def _check_audit(self) -> None:
        result = verify_audit_trail(session=self._session)
        if result.ok:
            intact = f"The audit trail is intact ({result.entries_checked} entries)."
            QMessageBox.information(self, "Audit trail", intact)
        else:
            QMessageBox.critical(self, "Audit trail", "The audit trail has been tampered with:\n"
                                 + "\n".join(result.problems))

    # ---- drafts: what survives a lock ---------------------------------------------------
    def unsaved_drafts(self) -> dict[str, dict[str, object]]:
        """Every open form's typed, unsaved content, by draft key."""
        found: dict[str, dict[str, object]] = {}
        if self.new_person_form.has_content():
            found[NewPersonForm.DRAFT_KEY] = self.new_person_form.draft_state()
        care_plan = self.person_view.care_plan if self.person_view is not None else None
        for key, view in ((PERSON_DRAFT_KEY, self.person_view),
                          (TriageView.DRAFT_KEY, self.triage_view),
                          (CARE_PLAN_DRAFT_KEY, care_plan)):
            state = view.draft_state() if view is not None else {}
            if state:
                found[key] = state
        return found

    def collect_drafts(self) -> dict[str, dict[str, object]]:
        """The unsaved content and where the worker was, so an unlock goes back there."""
        return {**self.unsaved_drafts(), PLACE_DRAFT_KEY: self._place()}

    def _place(self) -> dict[str, object]:
        shown = self.work_area.currentWidget()
        if shown is self.new_person_form:
            return {"view": "new-person"}
        if shown is self.triage_view and self.triage_view is not None:
            return {"view": "triage", "person_id": self.triage_view.person_id}
        if shown is self.person_view and self.person_view is not None:
            return {"view": "person", "person_id": self.person_view.person_id,
                    "tab": self.person_view.tabs.currentIndex()}
        return {"view": "welcome"}

    def restore_drafts(self, saved: dict[str, dict[str, object]]) -> None:
        place = saved.pop(PLACE_DRAFT_KEY, {})
        if saved.get(PERSON_DRAFT_KEY):
            state = saved[PERSON_DRAFT_KEY]
            self.open_person(str(state["person_id"])).restore_draft(state)
        if saved.get(CARE_PLAN_DRAFT_KEY):
            state = saved[CARE_PLAN_DRAFT_KEY]
            view = self._person_view_of(str(state["person_id"]))
            view.open_care_plan().restore_draft(state)
        if saved.get(TriageView.DRAFT_KEY):
            state = saved[TriageView.DRAFT_KEY]
            fields = state.get("fields", {})
            assert isinstance(fields, dict)
            self.open_triage(str(state["person_id"])).form.restore_draft(fields)
        if saved.get(NewPersonForm.DRAFT_KEY):
            self.new_person_form.restore_draft(saved[NewPersonForm.DRAFT_KEY])
        self._go_back_to(place, saved)
        self.update_unsaved_notice()

    def _person_view_of(self, person_id: str) -> PersonView:
        if self.person_view is not None and self.person_view.person_id == person_id:
            return self.person_view
        return self.open_person(person_id)

    def _go_back_to(self, place: dict[str, object], saved: dict[str, dict[str, object]]) -> None:
        """Show the screen the worker was on; drafts elsewhere wait where they were typed."""
        view, person_id = place.get("view"), str(place.get("person_id", ""))
        if view == "new-person" or (not place and NewPersonForm.DRAFT_KEY in saved):
            self.show_new_person()
        elif view == "triage" and self.triage_view is not None \
                and self.triage_view.person_id == person_id:
            self.work_area.setCurrentWidget(self.triage_view)
        elif view == "person" and person_id:
            shown = self._person_view_of(person_id)
            self.work_area.setCurrentWidget(shown)
            shown.tabs.setCurrentIndex(int(str(place.get("tab", 0))))

    def update_unsaved_notice(self) -> None:
        """Restored typing is marked unsaved until it is saved (or the form is emptied)."""
        places = self._unsaved_places()
        self.unsaved_notice.setText(
            "Restored from before the lock and NOT SAVED yet: " + "; ".join(places)
            + ". Save it, or it stays a draft on this laptop." if places else "")
        self.unsaved_notice.setVisible(bool(places))

    def _unsaved_places(self) -> list[str]:
        names = {NewPersonForm.DRAFT_KEY: "the new person form",
                 PERSON_DRAFT_KEY: "assessment answers", TriageView.DRAFT_KEY: "a triage",
                 CARE_PLAN_DRAFT_KEY: "a care plan"}
        return [names[key] for key in self.unsaved_drafts()]

    # ---- quitting ---------------------------------------------------------------------------
    def quit_app(self) -> None:
        """File > Quit: say what happens to unsaved typing before the app closes."""
        if self.confirm_quit():
            self._quit_confirmed = True
            self.close()

    def confirm_quit(self) -> bool:
        places = self._unsaved_places()
        if not places:
            return True
        box = QMessageBox(QMessageBox.Icon.Question, "Quit InsideOut?",
                          "Not saved yet: " + ", ".join(places) + ".\n\nQuitting locks the "
                          "app and keeps it as an encrypted draft on this laptop; it comes "
                          "back when you next sign in. It is not shared until you save it.",
                          parent=self)
        quit_button = box.addButton("&Quit, keep as draft", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("&Go back", QMessageBox.ButtonRole.RejectRole)
        box.setObjectName("quitQuestion")
        box.exec()
        return box.clickedButton() is quit_button

    def closeEvent(self, event: QCloseEvent) -> None:
        # A window manager's close button asks like File > Quit; a close from code
        # (a lock, a test) does not.
        if event.spontaneous() and not self._quit_confirmed and not self.confirm_quit():
            event.ignore()
            return
        super().closeEvent(event)


def _not_stored_part(count: int) -> str:
    """Rows received but not stored, for the status bar beside what waits and what was
    refused (the rest of the line is app.ui.sync_scheduler.describe's)."""
    if not count:
        return ""
    return f" · {count} received but not stored — see Tools > Conflicts and sync problems"
