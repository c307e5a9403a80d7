"""The main window: caseload, search, the work area, menus and the status bar."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services import drafts, people
from app.services.session import WorkerSession, verify_audit_trail
from app.ui.caseload_model import CaseloadModel
from app.ui.new_person_form import NewPersonForm
from app.ui.resources import icon

EMPTY_CASELOAD = ("No one on your caseload yet.\n\n"
                  "Press Ctrl+N to add the person in front of you.")


class MainWindow(QMainWindow):
    lock_requested = Signal()
    sign_out_requested = Signal()

    def __init__(self, *, session: WorkerSession, version: str, idle_minutes: float) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self._session = session
        self._version = version
        self.setWindowTitle("InsideOut")
        self.setWindowIcon(icon("insideout"))
        self.caseload = CaseloadModel()
        self._build_central()
        self._build_menus()
        self._build_status(idle_minutes)
        self.refresh_caseload()
        self.resize(1100, 700)

    # ---- layout -------------------------------------------------------------------------
    def _build_central(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name  (Ctrl+F)")
        self.search.setAccessibleName("Search people")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.textChanged.connect(self.refresh_caseload)
        self.table = QTableView()
        self.table.setModel(self.caseload)
        self.table.setAccessibleName("Caseload")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.empty_state = QLabel(EMPTY_CASELOAD)
        self.empty_state.setObjectName("emptyState")
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_state.setWordWrap(True)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty_state)
        left = QWidget()
        left.setObjectName("caseloadPanel")
        column = QVBoxLayout(left)
        heading = QLabel("My caseload")
        heading.setObjectName("heading")
        for widget in (heading, self.search, self.list_stack):
            column.addWidget(widget)
        self.new_person_form = NewPersonForm(
            add_person=partial(people.add_person, session=self._session))
        self.new_person_form.saved.connect(self._person_saved)
        self.new_person_form.cancelled.connect(self._form_cancelled)
        self.welcome = QLabel(f"Welcome, {self._session.worker.full_name}.\n\n"
                              "Choose a person on the left, or press Ctrl+N to add someone.")
        self.welcome.setObjectName("emptyState")
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.work_area = QStackedWidget()
        self.work_area.addWidget(self.welcome)
        self.work_area.addWidget(self.new_person_form)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.work_area)
        splitter.setSizes([420, 680])
        self.setCentralWidget(splitter)

    def _build_menus(self) -> None:
        def action(text: str, shortcut: QKeySequence | str, slot: object,
                   icon_name: str = "") -> QAction:
            act = QAction(icon(icon_name) if icon_name else icon("blank"), text, self)
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
        file_menu.addAction(action("&Quit", QKeySequence.StandardKey.Quit, self.close))
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(action("&Find person", QKeySequence.StandardKey.Find,
                                   self._focus_search, "search"))
        tools_menu = self.menuBar().addMenu("&Tools")
        tools_menu.addAction(action("Check the &audit trail", "", self._check_audit))
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(action("&About InsideOut", QKeySequence.StandardKey.HelpContents,
                                   self.show_about))

    def _build_status(self, idle_minutes: float) -> None:
        worker = self._session.worker
        self.worker_label = QLabel(f"Signed in: {worker.full_name} ({worker.username})")
        self.sync_label = QLabel("Sync: standalone device — not connected to a server")
        self.sync_label.setObjectName("syncState")
        self.sync_label.setAccessibleName("Sync state")
        lock_hint = QLabel(f"Locks after {idle_minutes:g} min idle · Ctrl+L locks now")
        self.statusBar().addWidget(self.worker_label)
        self.statusBar().addWidget(self.sync_label)
        self.statusBar().addPermanentWidget(lock_hint)

    # ---- behaviour ----------------------------------------------------------------------
    def refresh_caseload(self) -> None:
        found = people.find_people(session=self._session, text=self.search.text())
        self.caseload.set_people(found)
        showing_empty = not found and not self.search.text()
        self.list_stack.setCurrentWidget(self.empty_state if showing_empty else self.table)

    def show_new_person(self) -> None:
        self.work_area.setCurrentWidget(self.new_person_form)
        self.new_person_form.edits["given_name"].setFocus()

    def _form_cancelled(self) -> None:
        drafts.discard_draft(session=self._session, key=NewPersonForm.DRAFT_KEY)
        self._show_welcome()

    def _show_welcome(self) -> None:
        self.work_area.setCurrentWidget(self.welcome)

    def _person_saved(self, _person: object) -> None:
        drafts.discard_draft(session=self._session, key=NewPersonForm.DRAFT_KEY)
        self.refresh_caseload()
        self.statusBar().showMessage("Saved.", 4000)
        self._show_welcome()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

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
    def collect_drafts(self) -> dict[str, dict[str, object]]:
        if self.new_person_form.has_content():
            return {NewPersonForm.DRAFT_KEY: self.new_person_form.draft_state()}
        return {}

    def restore_drafts(self, drafts: dict[str, dict[str, object]]) -> None:
        state = drafts.get(NewPersonForm.DRAFT_KEY)
        if state:
            self.new_person_form.restore_draft(state)
            self.show_new_person()
            self.statusBar().showMessage("Restored what you were typing before the lock.", 8000)
