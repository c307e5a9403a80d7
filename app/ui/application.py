"""Start Qt, apply the look, hand control to the AppController."""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.config import Settings
from app.services.device import DeviceService
from app.ui.controller import AppController
from app.ui.resources import icon, stylesheet

EXIT_WHEN_SHOWN_ENV = "INSIDEOUT_EXIT_WHEN_SHOWN"


def configure(app: QApplication, version: str) -> None:
    app.setApplicationName("InsideOut")
    app.setApplicationVersion(version)
    app.setOrganizationName("InsideOut")
    app.setWindowIcon(icon("insideout"))
    app.setStyleSheet(stylesheet())


def _report_shown(app: QApplication) -> None:
    titles = sorted(w.windowTitle() for w in app.topLevelWidgets() if w.isVisible())
    print(f"shown-at {time.time():.6f} {' | '.join(titles)}", flush=True)
    app.quit()


def run_application(*, device: DeviceService, settings: Settings, version: str) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    configure(app, version)
    controller = AppController(device=device, settings=settings, version=version)
    controller.start()
    if os.environ.get(EXIT_WHEN_SHOWN_ENV) == "1":
        # `make bench` measures process start to first window; report and leave.
        QTimer.singleShot(0, lambda: _report_shown(app))
    code = app.exec()
    controller.shutdown()  # closing the window locks: key dropped, drafts kept
    return code
