"""Which window is showing: first run, sign-in, or the main window; and locking."""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from app.config import Settings
from app.services import drafts
from app.services.device import DeviceService
from app.services.errors import ServiceError, SignInRefused
from app.services.session import WorkerSession, lock, sign_out
from app.ui.idle import IdleWatcher
from app.ui.sign_in import SignInWindow
from app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    # The main window pulls in printing, PDF signing and sync; importing them only once
    # someone has signed in keeps process start to sign-in window inside its budget.
    from app.ui.conflicts_view import ConflictsDialog
    from app.ui.elsewhere_dialog import ElsewhereDialog
    from app.ui.first_run import FirstRunWizard
    from app.ui.main_window import MainWindow
    from app.ui.sync_scheduler import SyncScheduler

AUTOSAVE_MS = 10_000
_log = logging.getLogger(__name__)


class AppController(QObject):
    """Owns the session and swaps windows; widgets only receive what they show."""

    signed_in = Signal()
    locked = Signal()
    revoked = Signal(str)

    def __init__(self, *, device: DeviceService, settings: Settings, version: str) -> None:
        super().__init__()
        self._device = device
        self._settings = settings
        self._version = version
        self.runner = TaskRunner(self)
        self.session: WorkerSession | None = None
        self.first_run: FirstRunWizard | None = None
        self.sign_in_window: SignInWindow | None = None
        self.main_window: MainWindow | None = None
        self.scheduler: SyncScheduler | None = None
        self.idle = IdleWatcher(int(settings.idle_lock_minutes * 60_000), self)
        self.idle.idle.connect(self.lock_now)
        # Typed work is saved as an encrypted draft every few seconds, so a crash or a
        # pulled plug loses at most that much.
        self.autosave = QTimer(self, interval=AUTOSAVE_MS)
        self.autosave.timeout.connect(self.save_drafts_now)
        self.idle.watch_windows()

    def start(self) -> None:
        if self._device.is_set_up():
            self._show_sign_in()
        else:
            from app.ui.first_run import FirstRunWizard

            self.first_run = FirstRunWizard(set_up=self._device.set_up_standalone,
                                            enrol=self._device.enrol,
                                            default_server=self._settings.server_url,
                                            notice=self._device.revocation_text())
            self.first_run.accepted.connect(self._first_run_done)
            self.first_run.show()

    def _first_run_done(self) -> None:
        assert self.first_run is not None and self.first_run.session is not None
        session = self.first_run.session
        self.first_run.deleteLater()
        self.first_run = None
        self._open_main(session)

    # ---- sign-in --------------------------------------------------------------------------
    def _show_sign_in(self, locked_by: str = "") -> None:
        self.sign_in_window = SignInWindow(usernames=self._device.usernames(), locked_by=locked_by,
                                           takes_new_workers=self._device.takes_new_workers(),
                                           recovery=self._device, run=self.runner.run_db)
        self.sign_in_window.sign_in_requested.connect(self._try_sign_in)
        self.sign_in_window.show()
        warm_up_in_background()

    def _try_sign_in(self, username: str, passphrase: str) -> None:
        # Argon2id takes a noticeable moment: do it on the database thread.
        self.runner.run_db(
            lambda: self._device.sign_in(username=username, passphrase=passphrase),
            on_success=self._signed_in, on_failure=self._sign_in_failed)

    def _sign_in_failed(self, error: Exception) -> None:
        if self.sign_in_window is None:
            return
        wait = error.wait_seconds if isinstance(error, SignInRefused) else 0.0
        text = str(error) if isinstance(error, ServiceError) else f"Could not sign in: {error}"
        self.sign_in_window.offer_new_workers(self._device.takes_new_workers())
        self.sign_in_window.show_refusal(text, wait)

    def _signed_in(self, session: WorkerSession) -> None:
        if self.sign_in_window is not None:
            self.sign_in_window.close()
            self.sign_in_window.deleteLater()
            self.sign_in_window = None
        self._open_main(session)

    def _open_main(self, session: WorkerSession) -> None:
        from app.ui.main_window import MainWindow

        self.session = session
        window = MainWindow(session=session, version=self._version,
                            idle_minutes=self._settings.idle_lock_minutes,
                            run=self.runner.run_db, run_net=self.runner.run_net)
        window.lock_requested.connect(self.lock_now)
        window.sign_out_requested.connect(self.sign_out_now)
        window.conflicts_requested.connect(self.show_conflicts)
        window.restore_drafts(drafts.load_drafts(session=session))
        window.show()
        self.main_window = window
        self.idle.start()
        self.autosave.start()
        self._start_sync(session, window)

    def _start_sync(self, session: WorkerSession, window: MainWindow) -> None:
        from app.services.sync import is_enrolled
        from app.ui.operations import SyncOperations
        from app.ui.sync_scheduler import SyncScheduler, describe

        ops = SyncOperations(session)
        window.show_sync_state(describe(ops), "ok")
        if not is_enrolled(session=session):
            window.sync_action.setEnabled(False)
            window.elsewhere_action.setEnabled(False)
            return
        # Cycles run on the app's one runner, on its network lane.
        self.scheduler = SyncScheduler(ops, self, runner=self.runner)
        self.scheduler.state_changed.connect(window.show_sync_state)
        self.scheduler.detail_changed.connect(window.sync_label.setToolTip)
        window.local_change.connect(self.scheduler.refresh)  # "N waiting" right after a save
        self.scheduler.progress.connect(window.show_sync_progress)
        self.scheduler.synced.connect(lambda _report: self._after_sync(session, window))
        self.scheduler.revoked.connect(self._revoked)
        self.scheduler.worker_disabled.connect(self._worker_disabled)
        window.sync_requested.connect(self.scheduler.sync_now)
        window.elsewhere_requested.connect(self.show_elsewhere)
        self.scheduler.start()

    def _after_sync(self, session: WorkerSession, window: MainWindow) -> None:
        # A cycle that ends after a lock reports to nobody: the window and key are gone.
        if self.session is session and self.main_window is window and session.is_open:
            window.after_sync()  # the caseload and any open record catch up

    def show_conflicts(self) -> ConflictsDialog | None:
        if self.session is None or self.main_window is None:
            return None
        from app.ui.conflicts_view import ConflictsDialog
        from app.ui.operations import ConflictOperations, SyncOperations
        from app.ui.sync_scheduler import describe

        session, window = self.session, self.main_window
        dialog = ConflictsDialog(ops=ConflictOperations(session), run=self.runner.run_db,
                                 parent=window)
        # The window catches up from what changed; its local_change reaches the scheduler,
        # which keeps the offline state in the line. Without one, the line is said again.
        dialog.changed.connect(window.apply)
        if self.scheduler is None:
            dialog.changed.connect(lambda _changed: window.show_sync_state(
                describe(SyncOperations(session)), "ok"))
        dialog.show()
        return dialog

    def show_elsewhere(self) -> ElsewhereDialog | None:
        if self.session is None or self.main_window is None:
            return None
        from app.ui.elsewhere_dialog import ElsewhereDialog
        from app.ui.operations import ElsewhereOperations

        window = self.main_window
        # The network lane: never during a sync cycle, never in the way of a save.
        dialog = ElsewhereDialog(ops=ElsewhereOperations(self.session),
                                 run=self.runner.run_net, parent=window)
        dialog.fetched.connect(lambda person_id: (window.refresh_caseload(),
                                                  window.open_person(person_id)))
        dialog.show()
        return dialog

    def _revoked(self, message: str) -> None:
        """The keys are already destroyed. Take the record off the screen first, say why
        and what was lost, then offer to enrol again: never a process with no window."""
        self._stop_sync()
        self.idle.stop()
        self.autosave.stop()
        if self.main_window is not None:
            self.main_window.hide()
            self.main_window.deleteLater()
            self.main_window = None
        self.session = None
        text = self._device.revocation_text() or message
        self.show_revocation(text)
        self.revoked.emit(text)
        self.start()  # not set up any more: the first-run wizard, with the reason on top

    def show_revocation(self, text: str) -> None:
        """Tests replace this: the modal message a worker reads once."""
        QMessageBox.critical(None, "This laptop has been revoked", text)

    def _worker_disabled(self, message: str) -> None:
        """The server switched this worker off: their key wrap is gone and the store is
        locked already. Say why, and go back to sign-in (colleagues may still use it)."""
        if self.main_window is not None:
            QMessageBox.critical(self.main_window, "Your account has been switched off",
                                 message)
        self._close_session(sign_out)

    def _stop_sync(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
            self.scheduler = None
        self.signed_in.emit()

    # ---- locking --------------------------------------------------------------------------
    def lock_now(self) -> None:
        self._close_session(lock)

    def sign_out_now(self) -> None:
        self._close_session(sign_out)

    def save_drafts_now(self) -> None:
        """Autosave: the forms are read here, the drafts written on the database lane."""
        session = self.session
        if session is not None and self.main_window is not None and session.is_open:
            typed = self.main_window.collect_drafts()
            self.runner.run_db(lambda: drafts.save_drafts(session=session, drafts=typed),
                               on_success=lambda _count: None,
                               on_failure=lambda error: _log.warning("drafts not saved: %s",
                                                                     error))

    def _close_session(self, how: Callable[..., None]) -> None:
        if self.session is None or self.main_window is None:
            return
        self.runner.wait_for_idle()  # a save in flight finishes before the key is dropped
        self.idle.stop()
        self.autosave.stop()
        self._stop_sync()
        session, window = self.session, self.main_window
        if session.is_open:
            drafts.save_drafts(session=session, drafts=window.collect_drafts())
        window.hide()
        window.deleteLater()  # widgets holding record text go with the key
        self.main_window = None
        if session.is_open:
            how(session=session)
        self.session = None
        self._show_sign_in(locked_by=session.worker.username)
        self.locked.emit()

    def shutdown(self) -> None:
        """Quit: lock (keeping drafts), close every window, stop listening for input."""
        self.runner.wait_for_idle()
        self.lock_now()
        self.idle.stop()
        self.autosave.stop()
        self.idle.stop_watching_windows()
        for window in (self.main_window, self.sign_in_window, self.first_run):
            if window is not None:
                window.close()


_MAIN_WINDOW_MODULES = ("app.services.sync", "app.ui.main_window", "app.ui.sync_scheduler")


def _warm_main_window_imports() -> None:
    """requests and urllib3, then the main window's widgets: slow to import the first time
    in a process, so loaded while the worker types the passphrase, not after Enter."""
    for name in _MAIN_WINDOW_MODULES:
        importlib.import_module(name)


def warm_up_in_background() -> None:
    """Once per process, on a thread: importing defines classes and makes no widgets."""
    global _warming
    if _warming is None:
        _warming = threading.Thread(target=_warm_main_window_imports, name="warm-imports",
                                    daemon=True)
        _warming.start()


_warming: threading.Thread | None = None
