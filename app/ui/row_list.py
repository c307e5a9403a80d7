"""The lists of rows the worker's screens share (inbox, tasks, the lead's desk): one row
per thing, chosen whole, the last column taking what room is left."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget


def row_list(columns: Sequence[str], accessible_name: str) -> QTreeWidget:
    rows = QTreeWidget()
    rows.setHeaderLabels(list(columns))
    rows.setAccessibleName(accessible_name)
    rows.setRootIsDecorated(False)
    rows.setUniformRowHeights(True)
    rows.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    header = rows.header()
    header.setStretchLastSection(True)
    for column in range(len(columns) - 1):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return rows
