"""The team lead's desk: who holds how many people and how many have something overdue;
the people each holds, to open or give to someone else; and what the server tells leads.

Break-glass accesses and locked accounts are red and say so in words. The caseload is this
laptop's and shows offline; the notifications need the lead's password once a session.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.team_desk import NotificationView, WorkerLoad
from app.services.views import PersonSummary
from app.ui.recover_key_dialog import RecoverKeyDialog, RecoverKeyOps
from app.ui.row_list import row_list
from app.ui.tasks import RunDb, run_here

RED = "#a4161a"
_ROW = Qt.ItemDataRole.UserRole
SIGNED_IN = "Signed in to the server for this session"


class DeskOps(RecoverKeyOps, Protocol):
    """app.ui.operations.DeskOperations."""

    def caseload_by_worker(self) -> list[WorkerLoad]: ...

    def people_of(self, worker_id: str | None) -> list[PersonSummary]: ...

    def signed_in(self) -> bool: ...

    def notifications(self, password: str) -> list[NotificationView]: ...

    def mark_read(self, notification_id: int, password: str) -> None: ...


class TeamDeskDialog(QDialog):
    open_requested = Signal(str)  # person id
    reassign_requested = Signal(str, str)  # person id, name: the key worker dialog

    def __init__(self, *, ops: DeskOps, run: RunDb = run_here, run_net: RunDb = run_here,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops, self._run, self._run_net = ops, run, run_net
        self.loads: list[WorkerLoad] = []
        self.people: list[PersonSummary] = []
        self.notes: list[NotificationView] = []
        self.recovery: RecoverKeyDialog | None = None
        self.setWindowTitle("InsideOut — team lead's desk")
        self.workers = row_list(("Key worker", "People", "With something overdue"),
                             "Team caseload by key worker")
        self.workers.currentItemChanged.connect(lambda *_: self._show_people())
        self.held = row_list(("Person", "Where", "Next"), "People this worker holds")
        self.held.itemActivated.connect(lambda *_: self.open_person())
        self.open_button = QPushButton("&Open record")
        self.open_button.clicked.connect(self.open_person)
        self.give_button = QPushButton("&Give to another worker…")
        self.give_button.clicked.connect(self.give_person)
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        self.server_box = self._server_box()
        self._build()
        self.resize(1220, 620)
        self.reload()

    # ---- layout -------------------------------------------------------------------------
    def _server_box(self) -> QGroupBox:
        box = QGroupBox("From the server: break-glass, locked accounts, overdue handovers")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Your password, to ask the server")
        self.check_button = QPushButton("&Check the server")
        self.check_button.clicked.connect(self.check_server)
        self.read_button = QPushButton("&Mark read")
        self.read_button.clicked.connect(self.mark_read)
        self.recover_button = QPushButton("Recover a worker's &key…")
        self.recover_button.setToolTip("A worker forgot their password: give them a code "
                                       "that opens their laptop again")
        self.recover_button.clicked.connect(self.recover_key)
        self.notices = row_list(("When (UTC)", "What", "Who", "Person", "Detail"),
                             "Notifications from the server, newest first")
        row = QHBoxLayout()
        row.addWidget(QLabel("Your &password"))
        row.addWidget(self.password, 1)
        row.itemAt(0).widget().setBuddy(self.password)  # type: ignore[union-attr]
        row.addWidget(self.check_button)
        row.addWidget(self.read_button)
        row.addWidget(self.recover_button)
        column = QVBoxLayout(box)
        column.addLayout(row)
        column.addWidget(self.notices, 1)
        return box

    def _build(self) -> None:
        people_side = QWidget()
        side = QVBoxLayout(people_side)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.held, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.give_button)
        buttons.addStretch()
        side.addLayout(buttons)
        top = QSplitter()
        top.addWidget(self.workers)
        top.addWidget(people_side)
        top.setSizes([520, 680])
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        for button in (self.open_button, self.give_button, self.check_button,
                       self.read_button, self.recover_button, close):
            button.setAutoDefault(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(top, 3)
        layout.addWidget(self.server_box, 2)
        layout.addLayout(bottom)

    # ---- the caseload -------------------------------------------------------------------
    def reload(self) -> None:
        self._show_password_need()
        # The first opening after an upgrade builds every person's task index: say so.
        self.message.setText("Reading the team's caseload…")
        self._run(self._ops.caseload_by_worker, on_success=self._show_loads,
                  on_failure=lambda error: self.message.setText(f"Not read: {error}"))

    def _show_loads(self, loads: list[WorkerLoad]) -> None:
        self.message.clear()
        self.loads = loads
        self.workers.clear()
        for index, load in enumerate(loads):
            item = QTreeWidgetItem([load.name, str(load.people),
                                    str(load.overdue_people) if load.overdue_people else "—"])
            item.setData(0, _ROW, index)
            if load.overdue_people:
                item.setForeground(2, QBrush(QColor(RED)))
            self.workers.addTopLevelItem(item)
        if loads:
            self.workers.setCurrentItem(self.workers.topLevelItem(0))
            self.workers.setFocus()

    def chosen_worker(self) -> WorkerLoad | None:
        item = self.workers.currentItem()
        return self.loads[item.data(0, _ROW)] if item is not None else None

    def _show_people(self) -> None:
        load = self.chosen_worker()
        if load is None:
            return
        worker_id = load.worker_id
        self._run(lambda: self._ops.people_of(worker_id), on_success=self._fill_people,
                  on_failure=lambda error: self.message.setText(f"Not read: {error}"))

    def _fill_people(self, people: list[PersonSummary]) -> None:
        self.people = people
        self.held.clear()
        for index, person in enumerate(people):
            item = QTreeWidgetItem([person.display_name, person.setting.capitalize()
                                    if person.setting != "unknown" else "not known",
                                    person.next_key_date or "—"])
            item.setData(0, _ROW, index)
            self.held.addTopLevelItem(item)
        if people:
            self.held.setCurrentItem(self.held.topLevelItem(0))
        for button in (self.open_button, self.give_button):
            button.setEnabled(bool(people))

    def chosen_person(self) -> PersonSummary | None:
        item = self.held.currentItem()
        return self.people[item.data(0, _ROW)] if item is not None else None

    def open_person(self) -> None:
        person = self.chosen_person()
        if person is not None:
            self.open_requested.emit(person.id)

    def give_person(self) -> None:
        person = self.chosen_person()
        if person is not None:
            self.reassign_requested.emit(person.id, person.display_name)

    # ---- the server ---------------------------------------------------------------------
    def recover_key(self) -> RecoverKeyDialog:
        """The code is shown once, in the dialog: it goes when the dialog is closed."""
        dialog = RecoverKeyDialog(ops=self._ops, run=self._run, run_net=self._run_net,
                                  parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _: self._show_password_need())
        dialog.open()
        self.recovery = dialog
        return dialog

    def _show_password_need(self) -> None:
        signed_in = self._ops.signed_in()
        self.password.setEnabled(not signed_in)
        self.password.setPlaceholderText(SIGNED_IN if signed_in else "")

    def check_server(self) -> None:
        password = self.password.text()
        self.message.setText("Asking the server…")
        self._run_net(lambda: self._ops.notifications(password), on_success=self._show_notes,
                      on_failure=self._server_failed)

    def _server_failed(self, error: Exception) -> None:
        self.message.setText(f"The server could not be asked: {error}")
        self._show_password_need()

    def _show_notes(self, notes: list[NotificationView]) -> None:
        self.notes = notes
        self.password.clear()
        self._show_password_need()
        unread = sum(not n.read for n in notes)
        self.message.setText(f"{len(notes)} notification{'s' if len(notes) != 1 else ''}, "
                             f"{unread} unread.")
        self.notices.clear()
        for index, note in enumerate(notes):
            self.notices.addTopLevelItem(_note_item(note, index))
        if notes:
            self.notices.setCurrentItem(self.notices.topLevelItem(0))

    def mark_read(self) -> None:
        item = self.notices.currentItem()
        if item is None:
            return
        note, password = self.notes[item.data(0, _ROW)], self.password.text()
        self._run_net(lambda: self._ops.mark_read(note.notification_id, password),
                      on_success=lambda _: self.check_server(),
                      on_failure=self._server_failed)




def _note_item(note: NotificationView, index: int) -> QTreeWidgetItem:
    what = note.what + ("" if note.read else "  (unread)")
    texts = [note.at, what, note.worker_name or "—", note.person_name or "—", note.detail]
    item = QTreeWidgetItem(texts)
    item.setData(0, _ROW, index)
    for column, text in enumerate(texts):
        item.setToolTip(column, text)
    if note.urgent:
        bold = QFont()
        bold.setBold(True)
        for column in range(len(texts)):
            item.setForeground(column, QBrush(QColor(RED)))
        item.setFont(1, bold)
    return item
