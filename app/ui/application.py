"""Start Qt, apply the look, hand control to the AppController."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from app.config import Settings
from app.services.device import DeviceService
from app.ui.controller import AppController
from app.ui.resources import icon, stylesheet


def configure(app: QApplication, version: str) -> None:
    app.setApplicationName("InsideOut")
    app.setApplicationVersion(version)
    app.setOrganizationName("InsideOut")
    app.setWindowIcon(icon("insideout"))
    app.setStyleSheet(stylesheet())


def run_application(*, device: DeviceService, settings: Settings, version: str) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    configure(app, version)
    controller = AppController(device=device, settings=settings, version=version)
    controller.start()
    code = app.exec()
    controller.shutdown()  # closing the window locks: key dropped, drafts kept
    return code
