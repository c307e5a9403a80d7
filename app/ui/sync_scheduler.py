"""Background sync: whenever the server is reachable, never on the UI thread.

Runs a cycle every minute, retries sooner after a failure with growing waits (so a
custody suite that gets a network back syncs by itself within a minute), and can be
started by hand. One cycle at a time, on its own thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from app.services.session import WorkerSession
from app.services.sync import (
    DeviceRevoked,
    SyncError,
    SyncReport,
    WorkerDisabled,
    sync_now,
    sync_status,
)
from app.ui.tasks import TaskRunner

OK_INTERVAL_MS = 60_000
RETRY_INTERVALS_MS = (15_000, 30_000, 60_000, 120_000, 300_000)


class _Signals(QObject):
    progress = Signal(str, int)
    finished = Signal(object)
    failed = Signal(object)


class _Cycle(QRunnable):
    def __init__(self, session: WorkerSession, signals: _Signals) -> None:
        super().__init__()
        self._session, self.signals = session, signals

    @Slot()
    def run(self) -> None:
        try:
            report = sync_now(session=self._session,
                              progress=lambda stage, done, _total: self.signals.progress.emit(
                                  stage, done))
        except Exception as error:  # reported on the UI thread; the next cycle retries
            self.signals.failed.emit(error)
        else:
            self.signals.finished.emit(report)


class SyncScheduler(QObject):
    state_changed = Signal(str, str)  # text for the status bar, level: ok / busy / error
    progress = Signal(str, int)
    revoked = Signal(str)
    worker_disabled = Signal(str)  # the signed-in worker was switched off on the server
    synced = Signal(object)  # SyncReport: views refresh

    def __init__(self, session: WorkerSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._tasks = TaskRunner(self)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.sync_now)
        self._failures = 0
        self.running = False
        # Each cycle's signal carrier lives until its last queued signal is delivered;
        # dropping it earlier deletes a source Qt still has events from.
        self._live: set[_Signals] = set()

    def run(self, work: Callable[[], Any], *, on_success: Callable[[Any], None],
            on_failure: Callable[[Exception], None]) -> None:
        """Other network work for this session (search another team, fetch) on the sync
        thread: never on the UI thread, and never at the same time as a sync cycle."""
        self._tasks.run_on(self._pool, work, on_success=on_success, on_failure=on_failure)

    def start(self, first_delay_ms: int = 500) -> None:
        self._timer.start(first_delay_ms)

    def stop(self) -> None:
        self._timer.stop()
        self._pool.waitForDone(30_000)

    def sync_now(self) -> None:
        if self.running or not self._session.is_open:
            return
        self.running = True
        self._timer.stop()
        self.state_changed.emit("Sync: syncing…", "busy")
        signals = _Signals()
        self._live.add(signals)
        signals.progress.connect(self.progress)
        signals.finished.connect(lambda report: self._finished(signals, report))
        signals.failed.connect(lambda error: self._failed(signals, error))
        self._pool.start(_Cycle(self._session, signals))

    def _finished(self, signals: _Signals, report: SyncReport) -> None:
        QTimer.singleShot(0, lambda: self._live.discard(signals))
        self.running, self._failures = False, 0
        self.synced.emit(report)
        self.state_changed.emit(describe(self._session, report.clock_warning,
                                         waiting_for_sign_in=bool(report.uncredited)), "ok")
        self._timer.start(OK_INTERVAL_MS)

    def _failed(self, signals: _Signals, error: Exception) -> None:
        QTimer.singleShot(0, lambda: self._live.discard(signals))
        self.running = False
        if isinstance(error, DeviceRevoked):
            self.revoked.emit(str(error))
            return
        if isinstance(error, WorkerDisabled):
            self.worker_disabled.emit(str(error))
            return
        wait = RETRY_INTERVALS_MS[min(self._failures, len(RETRY_INTERVALS_MS) - 1)]
        self._failures += 1
        reason = str(error) if isinstance(error, SyncError) else f"sync failed: {error}"
        self.state_changed.emit(f"Sync: not connected — retrying in {wait // 1000} s. "
                                f"({reason})", "error")
        self._timer.start(wait)


def describe(session: WorkerSession, clock_warning: str | None = None, *,
             waiting_for_sign_in: bool = False) -> str:
    """'Sync: 12:04 · 3 waiting · 1 conflict' for the status bar. `waiting_for_sign_in`:
    some changes wait until their writer has signed in online once since the update."""
    if not session.is_open:
        return "Sync: locked"
    status = sync_status(session=session)
    if not status.enrolled:
        return "Sync: standalone device — not connected to a server"
    parts = [f"Sync: last {status.last_sync[11:16]} UTC" if status.last_sync
             else "Sync: not yet"]
    if status.pending:
        parts.append(f"{status.pending} waiting to send" + (
            " (until their writer signs in online once: lock, then sign in with the network"
            " on)" if waiting_for_sign_in else ""))
    if status.conflicts:
        parts.append(f"{status.conflicts} conflict(s) to resolve")
    if status.refused:
        parts.append(f"{status.refused} refused — see Tools > Conflicts and sync problems")
    if clock_warning:
        parts.append("clock is wrong")
    return " · ".join(parts)
