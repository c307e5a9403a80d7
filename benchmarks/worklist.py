"""Task-list figures over the people benchmark's store: 100,000 people, each with a
ten-event journey in their digest (1,000,000 events), and a worker holding 200 of them.

Measured as the worker feels it: from the key press (View > My tasks) to the list
painted, through the real dialog; and the overdue count the status bar reads after every
save and sync."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication
from sqlalchemy import update

from app.services import tasks
from app.store.person_models import PersonDigest
from app.ui.operations import DeskOperations, WorkOperations
from app.ui.task_list import TaskListDialog
from app.ui.team_desk import TeamDeskDialog
from benchmarks.table import Row, p95_ms

MY_PEOPLE = 200
RUNS = 20


def _allocate(session: object, person_ids: list[str]) -> None:
    with session.transaction() as db:  # type: ignore[attr-defined]
        db.execute(update(PersonDigest).where(PersonDigest.person_id.in_(person_ids))
                   .values(key_worker_id=session.worker.id))  # type: ignore[attr-defined]


def _open_painted(ops: WorkOperations, mine: bool = True) -> float:
    started = time.perf_counter()
    dialog = TaskListDialog(ops=ops, mine=mine)
    dialog.show()
    QCoreApplication.processEvents()
    dialog.repaint()
    took = time.perf_counter() - started
    assert dialog.lines, "the worker's list came up empty"
    dialog.close()
    dialog.deleteLater()
    return took


def _desk_painted(ops: DeskOperations) -> float:
    started = time.perf_counter()
    desk = TeamDeskDialog(ops=ops)
    desk.show()
    QCoreApplication.processEvents()
    desk.repaint()
    took = time.perf_counter() - started
    assert desk.loads and desk.people, "the desk showed nobody"
    desk.close()
    desk.deleteLater()
    return took


def rows(session: object, person_ids: list[str]) -> list[Row]:
    QApplication.instance() or QApplication([])
    _allocate(session, person_ids[:MY_PEOPLE])
    started = time.perf_counter()
    mine = tasks.mine(session=session)  # type: ignore[arg-type]  # builds every digest
    build = time.perf_counter() - started
    ops = WorkOperations(session)  # type: ignore[arg-type]
    opened = [_open_painted(ops) for _ in range(RUNS)]
    team = [_open_painted(ops, mine=False) for _ in range(RUNS)]
    desk = [_desk_painted(DeskOperations(session)) for _ in range(RUNS)]  # type: ignore[arg-type]
    counted = []
    for _ in range(RUNS):
        started = time.perf_counter()
        tasks.overdue_count(session=session)  # type: ignore[arg-type]
        counted.append(time.perf_counter() - started)
    return [
        Row(f"build the task index of {len(person_ids):,} people (setup, once)",
            f"{build:.1f} s", "", None),
        Row(f"My tasks ({len(mine)} tasks, {MY_PEOPLE} people) over 100,000 people and "
            "1,000,000 journey events: key press to painted, p95",
            f"{p95_ms(opened):.1f} ms", "200 ms", p95_ms(opened) <= 200),
        Row(f"Team tasks (the {tasks.TEAM_PEOPLE} most overdue people of 100,000): key press "
            "to painted, p95", f"{p95_ms(team):.1f} ms", "", None),
        Row("the team lead's desk: caseload by key worker over 100,000 people, key press to "
            "painted, p95", f"{p95_ms(desk):.1f} ms", "300 ms", p95_ms(desk) <= 300),
        Row("my overdue count (the status bar's, after each save), p95",
            f"{p95_ms(counted):.1f} ms", "", None),
    ]
