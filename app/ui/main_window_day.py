"""The main window's part for the worker's day: the task list and its count on the status
bar, My day, the referral tracker, and the team lead's desk and outcomes dashboard. A mixin
of MainWindow, kept apart so neither file grows past what a reader holds at once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from app.ui.appointment_day import DayView
from app.ui.key_worker_dialog import KeyWorkerDialog
from app.ui.operations import DashboardOperations, DeskOperations
from app.ui.referral_tracker import ReferralTracker
from app.ui.task_list import TaskListDialog
from app.ui.team_dashboard import TeamDashboard
from app.ui.team_desk import TeamDeskDialog

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

_log = logging.getLogger(__name__)


class WorkersDay:
    """Opens the day's screens from the View and Tools menus (self is the MainWindow)."""

    def add_lead_tools(self: MainWindow, tools_menu: QMenu,
                       action: Callable[[str, str, Callable[[], object]], QAction]) -> None:
        """The team lead's entries on the Tools menu, hidden from anyone else (the server
        refuses what they would do)."""
        self.desk_action = action("Team lead's &desk…", "Ctrl+Shift+D", self.open_desk)
        self.desk_action.setVisible(self._records.is_team_lead)
        tools_menu.addAction(self.desk_action)
        self.dashboard_action = action("Team &outcomes dashboard…", "Ctrl+Shift+E",
                                       self.open_dashboard)
        self.dashboard_action.setVisible(self._records.is_team_lead)
        tools_menu.addAction(self.dashboard_action)
        self.dashboard: TeamDashboard | None = None

    def refresh_task_count(self: MainWindow) -> None:
        """Read on the database lane, like the handover count."""
        if not self._session.is_open:
            return
        self._run(self._work.overdue_count, on_success=self._show_task_count,
                  on_failure=lambda error: _log.warning("task count not read: %s", error))

    def _show_task_count(self: MainWindow, count: int) -> None:
        if not self._session.is_open:
            return
        # Short: beside the handover count at 1280 px; the shortcut is in the tooltip.
        self.task_count.setText(f"{count} task{'s' if count != 1 else ''} overdue")
        self.task_count.setToolTip("Open My tasks (Ctrl+Shift+T)")
        self.task_count.setVisible(bool(count))

    def open_tasks(self: MainWindow) -> TaskListDialog:
        """View > My tasks (Ctrl+Shift+T); Team tasks one key away (Alt+T)."""
        dialog = TaskListDialog(ops=self._work, run=self._run, parent=self)
        dialog.decided.connect(self.apply)
        dialog.open_requested.connect(lambda person_id: (self.open_person(person_id),
                                                         dialog.close()))
        dialog.show()
        self.task_list = dialog
        return dialog

    def open_day(self: MainWindow) -> DayView:
        """View > My day (Ctrl+Shift+Y): today's appointments by time, day by day."""
        day = DayView(ops=self._work, run=self._run, parent=self)
        day.open_person.connect(self.open_person)
        day.changed.connect(self.apply)
        day.show()
        self.day_view = day
        return day

    def open_referrals(self: MainWindow) -> ReferralTracker:
        """View > Referrals waiting for an answer (Ctrl+Shift+R): the closed loop."""
        tracker = ReferralTracker(ops=self._work, run=self._run, parent=self)
        tracker.open_person.connect(self.open_person)
        tracker.changed.connect(self.apply)
        tracker.show()
        self.referral_tracker = tracker
        return tracker

    def _work_current(self: MainWindow) -> None:
        if self.person_view is not None:
            self.person_view.open_work()

    def open_desk(self: MainWindow) -> TeamDeskDialog:
        """Tools > Team lead's desk (Ctrl+Shift+D)."""
        desk = TeamDeskDialog(ops=DeskOperations(self._session), run=self._run,
                              run_net=self._run_net, parent=self)
        desk.open_requested.connect(self.open_person)
        desk.reassign_requested.connect(lambda person_id, name: self._give(desk, person_id,
                                                                           name))
        desk.show()
        self.desk = desk
        return desk

    def open_dashboard(self: MainWindow) -> TeamDashboard:
        """Tools > Team outcomes dashboard (Ctrl+Shift+E): the quarter's figures."""
        dashboard = TeamDashboard(ops=DashboardOperations(self._session), run=self._run,
                                  parent=self)
        dashboard.show()
        self.dashboard = dashboard
        return dashboard

    def _give(self: MainWindow, desk: TeamDeskDialog, person_id: str, name: str) -> None:
        dialog = KeyWorkerDialog(ops=self._records, person_id=person_id, person_name=name,
                                 now=self._records.key_worker_name(person_id), run=self._run,
                                 parent=desk)
        dialog.allocated.connect(lambda changed: (self.apply(changed), desk.reload()))
        dialog.show()
        self.key_worker_dialog = dialog

