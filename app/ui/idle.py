"""Idle auto-lock: any keyboard, mouse or touch input restarts the countdown."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QWindow

_ACTIVITY = {
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
}


class IdleWatcher(QObject):
    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, timeout_ms))
        self._timer.timeout.connect(self.idle)

    def start(self) -> None:
        self._timer.start()

    def set_timeout_ms(self, timeout_ms: int) -> None:
        """A changed idle-lock setting takes effect from the next countdown."""
        self._timer.setInterval(max(1, timeout_ms))

    def stop(self) -> None:
        self._timer.stop()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def watch_windows(self) -> None:
        """Watch the application's windows rather than every object: input reaches a
        window before its widgets, and a window sees a few events where the whole
        application sees tens of thousands per screen change (opening a record sent
        48,000 through this filter). Windows made later are watched when they get focus."""
        app = QGuiApplication.instance()
        assert isinstance(app, QGuiApplication)
        for window in app.topLevelWindows():
            self._watch(window)
        app.focusWindowChanged.connect(self._watch)

    def stop_watching_windows(self) -> None:
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.focusWindowChanged.disconnect(self._watch)
            for window in app.topLevelWindows():
                window.removeEventFilter(self)

    def _watch(self, window: QWindow | None) -> None:
        if window is not None:
            window.removeEventFilter(self)  # never twice
            window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self._timer.isActive():
            self._timer.start()
        return False
