"""One runner for work off the UI thread (Anki's CollectionOp idea).

Two lanes. Database work goes to a single worker thread, so there is only ever one
writer from the screens. Work that may wait on the network (a sync cycle, asking the
server about another team's people) goes to a lane of its own, one job at a time, so a
slow server never holds up a save. Success and failure callbacks come back on the UI
thread; the background function never touches a widget.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRunnable, QThreadPool, Signal, Slot


class RunDb(Protocol):
    """What a view needs to work off the UI thread: TaskRunner.run_db (or run_net for
    network work), or run_here."""

    def __call__(self, work: Callable[[], Any], *, on_success: Callable[[Any], None],
                 on_failure: Callable[[Exception], None]) -> None: ...


def run_here(work: Callable[[], Any], *, on_success: Callable[[Any], None],
             on_failure: Callable[[Exception], None]) -> None:
    """run_db's contract done at once on this thread: for views built without a runner
    (tests, and windows not yet given one). Exactly one callback, as with the runner."""
    try:
        result = work()
    except Exception as exc:  # handed to the failure callback, never swallowed
        on_failure(exc)
    else:
        on_success(result)


class JobSignals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


class Job(QRunnable):
    def __init__(self, work: Callable[[], Any], signals: JobSignals) -> None:
        super().__init__()
        self._work = work
        self.signals = signals

    @Slot()
    def run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:  # handed to the UI's failure callback, never swallowed
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)


class TaskRunner(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._database = _one_at_a_time(self)
        self._network = _one_at_a_time(self)
        self._pending: set[JobSignals] = set()

    def run_db(self, work: Callable[[], Any], *, on_success: Callable[[Any], None],
               on_failure: Callable[[Exception], None]) -> None:
        self.run_on(self._database, work, on_success=on_success, on_failure=on_failure)

    def run_net(self, work: Callable[[], Any], *, on_success: Callable[[Any], None],
                on_failure: Callable[[Exception], None]) -> None:
        """Work that may wait on the server: never beside another network job (a search
        never runs during a sync cycle), never in the way of a save."""
        self.run_on(self._network, work, on_success=on_success, on_failure=on_failure)

    def run_on(self, pool: QThreadPool, work: Callable[[], Any], *,
               on_success: Callable[[Any], None],
               on_failure: Callable[[Exception], None]) -> None:
        """`work` on `pool`; exactly one callback, on the UI thread."""
        signals = JobSignals()
        self._pending.add(signals)  # keep alive until a callback has run
        signals.succeeded.connect(lambda result: self._finish(signals, on_success, result))
        signals.failed.connect(lambda exc: self._finish(signals, on_failure, exc))
        pool.start(Job(work, signals))

    def _finish(self, signals: JobSignals, callback: Callable[[Any], None], value: Any) -> None:
        self._pending.discard(signals)
        callback(value)

    def wait_for_idle(self, msecs: int = 30_000) -> bool:
        """Wait for the database work, then run its callbacks now: a save finished just
        before a lock must report to its still-open window, not to a deleted one later."""
        done = self._database.waitForDone(msecs)
        if self._pending:
            QCoreApplication.sendPostedEvents(None, QEvent.Type.MetaCall)
        return done

    def wait_for_network(self, msecs: int = 30_000) -> bool:
        """Let a network job in flight finish (a lock waits for its sync cycle)."""
        return self._network.waitForDone(msecs)


def _one_at_a_time(parent: QObject) -> QThreadPool:
    pool = QThreadPool(parent)
    pool.setMaxThreadCount(1)
    return pool
