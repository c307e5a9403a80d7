"""The Qt binding must not leak references to None.

PySide6 6.12.0 on Python 3.11 returns None from every void method without taking a
reference to it: each setText, setToolTip or setData gives None's count away, and a few
thousand calls later the process aborts ("deallocating None"). The task list's bench
killed the app that way after twenty opens; a worker's shift would too. pyproject keeps
PySide6 below 6.12; this test fails on a binding that leaks again."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTreeWidgetItem

CALLS = 2_000


def test_void_qt_calls_leave_nones_reference_count_alone(qapp) -> None:
    label, item = QLabel(), QTreeWidgetItem(["a"])
    before = sys.getrefcount(None)
    for n in range(CALLS):
        label.setText("x")
        item.setToolTip(0, "x")
        item.setData(0, Qt.ItemDataRole.UserRole, n)
    lost = before - sys.getrefcount(None)
    assert lost < CALLS // 10, f"None lost {lost} references in {CALLS * 3} Qt calls"
