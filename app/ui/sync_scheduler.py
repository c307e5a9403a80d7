"""Background sync: whenever the server is reachable, never on the UI thread.

Runs a cycle every minute, retries sooner after a failure with growing waits (so a
custody suite that gets a network back syncs by itself within a minute), and can be
started by hand. One cycle at a time, on the runner's network lane.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.services.sync import (
    DeviceRevoked,
    Progress,
    SyncError,
    SyncReport,
    SyncStatus,
    WorkerDisabled,
)
from app.ui.tasks import TaskRunner

OK_INTERVAL_MS = 60_000
RETRY_INTERVALS_MS = (15_000, 30_000, 60_000, 120_000, 300_000)
_log = logging.getLogger(__name__)


class SyncOps(Protocol):
    """What the scheduler and the status bar need: app.ui.operations.SyncOperations."""

    def is_open(self) -> bool: ...

    def status(self) -> SyncStatus: ...

    def cycle(self, progress: Progress) -> SyncReport: ...


@dataclass(frozen=True)
class NotSyncing:
    """Why the last cycles failed, since when (local time), and when the next try is."""

    since: datetime
    brief: str  # a few words for the status bar
    reason: str  # the whole sentence, for the tooltip
    offline: bool  # the server was not reached (else it answered, and said no)
    retry_s: int = 0


class _Progress(QObject):
    """Carries a cycle's progress from the network lane to the UI thread."""

    moved = Signal(str, int)


class SyncScheduler(QObject):
    state_changed = Signal(str, str)  # text for the status bar, level: ok / busy / error
    detail_changed = Signal(str)  # the whole sentence behind the status bar (its tooltip)
    progress = Signal(str, int)
    revoked = Signal(str)
    worker_disabled = Signal(str)  # the signed-in worker was switched off on the server
    synced = Signal(object)  # SyncReport: views refresh

    def __init__(self, ops: SyncOps, parent: QObject | None = None, *,
                 runner: TaskRunner | None = None) -> None:
        """Cycles run on `runner`'s network lane (the app's one runner; a test's own)."""
        super().__init__(parent)
        self._ops = ops
        self._runner = runner or TaskRunner(self)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.sync_now)
        self._failures = 0
        self._not_syncing: NotSyncing | None = None  # None: the last cycle went through
        self._last_report: SyncReport | None = None
        self.running = False
        self._progress = _Progress(self)
        self._progress.moved.connect(self.progress)

    def start(self, first_delay_ms: int = 500) -> None:
        self._timer.start(first_delay_ms)

    def stop(self) -> None:
        self._timer.stop()
        self._runner.wait_for_network()

    def sync_now(self) -> None:
        if self.running or not self._ops.is_open():
            return
        self.running = True
        self._timer.stop()
        self.state_changed.emit("Sync: syncing…", "busy")
        moved = self._progress.moved
        self._runner.run_net(
            lambda: self._ops.cycle(lambda stage, done, _total: moved.emit(stage, done)),
            on_success=self._finished, on_failure=self._failed)

    @Slot()
    def refresh(self) -> None:
        """Say again where sync stands: call after a local save, so "N changes waiting to
        send" counts it at once, online or offline, not only after the next cycle."""
        if self.running or not self._ops.is_open():
            return  # the cycle's own end says it, with the new count
        report = self._last_report
        self.state_changed.emit(describe(
            self._ops, report.clock_warning if report else None,
            waiting_for_sign_in=bool(report and report.uncredited),
            not_syncing=self._not_syncing), "error" if self._not_syncing else "ok")
        self.detail_changed.emit(_detail(self._not_syncing))

    def _finished(self, report: SyncReport) -> None:
        self.running, self._failures = False, 0
        self._not_syncing, self._last_report = None, report
        self.synced.emit(report)
        self.refresh()
        self._timer.start(OK_INTERVAL_MS)

    def _failed(self, error: Exception) -> None:
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
        if self._ops.is_open():
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


def describe(ops: SyncOps, clock_warning: str | None = None, *,
             waiting_for_sign_in: bool = False, not_syncing: NotSyncing | None = None,
             now: datetime | None = None) -> str:
    """"Sync: offline since 14:02 (no network) — last synced 13:58 · 3 changes waiting to
    send" for the status bar, every time in this laptop's local time. `not_syncing`: the
    cycles since `since` failed. `waiting_for_sign_in`: some changes wait until their
    writer has signed in online once since the update."""
    if not ops.is_open():
        return "Sync: locked"
    status = ops.status()
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
