"""Background sync: whenever the server is reachable, never on the UI thread.

Runs a cycle every minute, retries sooner after a failure with growing waits (so a
custody suite that gets a network back syncs by itself within a minute), and can be
started by hand. One cycle at a time, on its own thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from app.services.conflicts import settle_automatic
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
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NotSyncing:
    """Why the last cycles failed, since when (local time), and when the next try is."""

    since: datetime
    brief: str  # a few words for the status bar
    reason: str  # the whole sentence, for the tooltip
    offline: bool  # the server was not reached (else it answered, and said no)
    retry_s: int = 0


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
            return
        try:
            # Off the UI thread: conflicts nobody needs to decide (a section's check
            # time) are settled before the status bar counts what is left.
            settle_automatic(session=self._session)
        except Exception:  # the sync itself succeeded: say so; the next cycle settles
            _log.exception("settling section check stamps failed")
        self.signals.finished.emit(report)


class SyncScheduler(QObject):
    state_changed = Signal(str, str)  # text for the status bar, level: ok / busy / error
    detail_changed = Signal(str)  # the whole sentence behind the status bar (its tooltip)
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
        self._not_syncing: NotSyncing | None = None  # None: the last cycle went through
        self._last_report: SyncReport | None = None
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

    @Slot()
    def refresh(self) -> None:
        """Say again where sync stands: call after a local save, so "N changes waiting to
        send" counts it at once, online or offline, not only after the next cycle."""
        if self.running or not self._session.is_open:
            return  # the cycle's own end says it, with the new count
        report = self._last_report
        self.state_changed.emit(describe(
            self._session, report.clock_warning if report else None,
            waiting_for_sign_in=bool(report and report.uncredited),
            not_syncing=self._not_syncing), "error" if self._not_syncing else "ok")
        self.detail_changed.emit(_detail(self._not_syncing))

    def _finished(self, signals: _Signals, report: SyncReport) -> None:
        QTimer.singleShot(0, lambda: self._live.discard(signals))
        self.running, self._failures = False, 0
        self._not_syncing, self._last_report = None, report
        self.synced.emit(report)
        self.refresh()
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
        self._not_syncing = _not_syncing(error, self._not_syncing, wait // 1000)
        if self._session.is_open:
            self.refresh()
        self._timer.start(wait)


def _not_syncing(error: Exception, before: NotSyncing | None, retry_s: int) -> NotSyncing:
    """What the status bar keeps saying while cycles fail: the first failure's time, the
    latest reason. A library's own text never reaches the worker; it goes to the log."""
    if isinstance(error, SyncError):
        _log.warning("sync failed: %s", error, exc_info=error.__cause__ or None)
        brief, reason = error.brief, str(error)
    else:  # a bug, not the network: the worker is told where the details are
        _log.error("sync failed unexpectedly", exc_info=error)
        brief = "unexpected problem"
        reason = ("Sync stopped on an unexpected problem; the details are in the log for "
                  "IT. Your work is kept on this laptop.")
    since = before.since if before is not None else datetime.now().astimezone()
    return NotSyncing(since, brief, reason, getattr(error, "offline", False), retry_s)


def _detail(not_syncing: NotSyncing | None) -> str:
    """The status bar's tooltip: the whole reason, and when sync tries again."""
    if not_syncing is None:
        return ""
    retry = f" Sync tries again in {not_syncing.retry_s} s." if not_syncing.retry_s else ""
    return not_syncing.reason + retry


def describe(session: WorkerSession, clock_warning: str | None = None, *,
             waiting_for_sign_in: bool = False, not_syncing: NotSyncing | None = None,
             now: datetime | None = None) -> str:
    """"Sync: offline since 14:02 (no network) — last synced 13:58 · 3 changes waiting to
    send" for the status bar, every time in this laptop's local time. `not_syncing`: the
    cycles since `since` failed. `waiting_for_sign_in`: some changes wait until their
    writer has signed in online once since the update."""
    if not session.is_open:
        return "Sync: locked"
    status = sync_status(session=session)
    if not status.enrolled:
        return "Sync: standalone device — not connected to a server"
    now = now or datetime.now().astimezone()
    last = (f"last synced {_local(datetime.fromisoformat(status.last_sync), now)}"
            if status.last_sync else "not synced yet")
    if not_syncing is None:
        parts = [f"Sync: {last}"]
    else:
        state = "offline" if not_syncing.offline else "not syncing"
        retrying = ", retrying" if not_syncing.retry_s else ""  # when: in the tooltip
        parts = [f"Sync: {state} since {_local(not_syncing.since, now)} "
                 f"({not_syncing.brief}{retrying}) — {last}"]
    if status.pending:
        parts.append(_count(status.pending, "change") + " waiting to send" + (
            " (until their writer signs in online once: lock, then sign in with the network"
            " on)" if waiting_for_sign_in else ""))
    if status.conflicts:
        parts.append(_count(status.conflicts, "conflict") + " to resolve")
    if status.refused:
        parts.append(f"{status.refused} refused — see Tools > Conflicts and sync problems")
    if clock_warning:
        parts.append("clock is wrong")
    return " · ".join(parts)


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" + ("" if n == 1 else "s")


def _local(moment: datetime, now: datetime) -> str:
    """14:02 today, else 12 Mar 14:02: in this laptop's time zone (stored times are UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # the store writes UTC
    local = moment.astimezone(now.tzinfo)
    return f"{local:%H:%M}" if local.date() == now.date() else f"{local:%d %b %H:%M}"
