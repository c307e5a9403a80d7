"""Sizes that fit the screen in use: a 1366x768 laptop, or 1280x720 at 150% scaling."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# What a window may ask for on the smallest screen we support: 1280x720 less a title bar.
SMALLEST_SCREEN = QSize(1280, 720)
TITLE_BAR = 32


def fitted(widget: QWidget, wanted: QSize) -> QSize:
    """`wanted`, shrunk to the screen's free area (its taskbar and title bar left out)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return wanted
    room = screen.availableGeometry().size() - QSize(0, TITLE_BAR)
    return wanted.boundedTo(room)


def resize_to_fit(widget: QWidget, wanted: QSize) -> None:
    widget.resize(fitted(widget, wanted))
