"""Icons and the stylesheet from resources/, found through app.config."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from app.config import RESOURCES_DIR


def icon(name: str) -> QIcon:
    return QIcon(str(RESOURCES_DIR / "icons" / f"{name}.svg"))


def stylesheet() -> str:
    return (RESOURCES_DIR / "style.qss").read_text(encoding="utf-8")
