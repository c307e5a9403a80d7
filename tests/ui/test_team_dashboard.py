"""The team lead's outcomes dashboard through the real window: opened by its shortcut, the
quarter stepped back with Page Up, the figures and the charts drawn from the same published
cells, figures under 5 shown as "<5" with their bars left out, on a 1280x720 screen."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidget

from app.services import dashboard
from app.ui.dashboard_charts import bar_values
from app.ui.main_window import MainWindow
from app.ui.operations import DashboardOperations
from app.ui.resources import stylesheet
from app.ui.team_dashboard import TeamDashboard
from tests.services.test_dashboard import build_known_cohort, quarter_of_test
from tests.ui.test_fits_small_screen import assert_fits

SHORTCUT = (Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier
            | Qt.KeyboardModifier.ShiftModifier)


@pytest.fixture
def window(qtbot, qapp, signed_in) -> MainWindow:
    qapp.setStyleSheet(stylesheet())  # the app's own padding and fonts
    shown = MainWindow(session=signed_in, version="t", idle_minutes=5)
    qtbot.addWidget(shown)
    shown.show()
    yield shown
    qapp.setStyleSheet("")


def _rows(table: QTreeWidget) -> dict[str, list[str]]:
    return {table.topLevelItem(r).text(0): [table.topLevelItem(r).text(c)
                                            for c in range(1, table.columnCount())]
            for r in range(table.topLevelItemCount())}


def test_the_lead_opens_it_by_its_shortcut_and_steps_back_two_quarters(qtbot, window,
                                                                       signed_in):
    quarter = quarter_of_test(date.today())
    build_known_cohort(signed_in, quarter)
    assert window.dashboard_action.isVisible()
    assert window.dashboard_action.shortcut().toString() == "Ctrl+Shift+E"

    qtbot.keyClick(window, *SHORTCUT)
    seen = window.dashboard
    assert seen is not None and seen.isVisible()
    assert seen.chosen == dashboard.quarter_of(date.today())
    seen.activateWindow()  # as a window shown is, on a desktop
    qtbot.waitUntil(seen.isActiveWindow)
    qtbot.keyClick(seen, Qt.Key.Key_PageUp)
    qtbot.keyClick(seen, Qt.Key.Key_PageUp)
    assert seen.chosen == quarter and seen.shown is not None and seen.shown.quarter == quarter
    assert seen.message.text() == f"{dashboard.label(quarter)}. Figures for your team's own " \
                                  "people."

    people = _rows(seen.people)
    assert people["Caseload"] == ["27"] and people["In treatment"] == ["24"]
    assert (people["New: custody"], people["New: court"]) == (["6"], ["5"])
    assert (people["New: prison"], people["New: other"]) == (["<5"], ["<5"])
    assert people["Planned exits"] == people["Unplanned exits"] == ["5"]
    # The chart draws exactly the shown cells; the "<5" ones are absent and named.
    assert bar_values(seen.routes_chart.chart) == {"Custody": (6,), "Court": (5,)}
    assert "Prison, Other" in seen.routes_chart.note.text()
    assert "hidden so nobody can be recognised" in seen.legend.text()

    door = _rows(seen.door)
    drawn = bar_values(seen.door_chart.chart)
    for months, column in ((6, 0), (12, 1)):
        for kind in ("Arrests", "Custody"):
            before, after = (float(door[f"{kind} {when}"][column])
                             for when in ("before", "after"))
            assert drawn[f"{kind}, {months} months"] == (before, after)
    change = _rows(seen.change)
    assert change["Days using opiates"] == ["17", "-8.7", "65%"]
    assert change["Quality of life"] == ["17", "+6.1", "n<5"]
    improved = bar_values(seen.improved_chart.chart)
    assert improved == {"Days of paid work": (29,), "Physical health": (65,),
                        "Psychological health": (65,), "Days using opiates": (65,)}
    assert "Quality of life" not in improved  # n<5: not drawn
    assert bar_values(seen.ra_chart.chart) == {"Attended": (6,), "Failed to attend": (5,),
                                               "Nothing recorded": (6,)}
    assert _rows(seen.ra)["Attended, of those required"] == ["35%"]
    assert _rows(seen.waits)["Released, no appointment booked"] == ["6"]

    qtbot.keyClick(seen, Qt.Key.Key_PageDown)
    assert seen.chosen == dashboard.shifted(quarter, 1)


def test_it_fits_1280_by_720_with_everything_reachable(qtbot, window, signed_in):
    board = window.open_dashboard()
    board.activateWindow()
    qtbot.waitUntil(board.isActiveWindow)
    for page in range(board.tabs.count()):
        board.tabs.setCurrentIndex(page)
        assert_fits(board, [board.quarter, board.earlier_button, board.later_button,
                            board.report_button])
    # Every page by its Alt key; the quarter by Alt+Q.
    qtbot.keyClick(board, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert board.tabs.currentIndex() == 3
    qtbot.keyClick(board, Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    assert board.quarter.hasFocus()


def test_it_says_it_is_reading_until_the_figures_come(qtbot, signed_in):
    held: list = []
    board = TeamDashboard(ops=DashboardOperations(signed_in), today=date(2026, 5, 20),
                          run=lambda work, **then: held.append((work, then)))
    qtbot.addWidget(board)
    assert board.message.text() == "Reading the team's figures for April to June 2026…"
    assert not board.tabs.isEnabled() and not board.report_button.isEnabled()
    work, then = held.pop()
    then["on_success"](work())
    assert board.tabs.isEnabled() and board.message.text().startswith("April to June 2026")
    # Stepped on before the earlier read came back: the late answer is not shown.
    board.earlier()
    board.earlier()
    (first_work, first_then), (second_work, second_then) = held
    second_then["on_success"](second_work())
    first_then["on_success"](first_work())
    assert board.shown is not None and board.shown.quarter == board.chosen
    assert board.chosen.start == date(2025, 10, 1)


def test_the_report_is_saved_where_the_lead_chose(qtbot, window, signed_in, tmp_path,
                                                  monkeypatch):
    board = window.open_dashboard()
    board.activateWindow()
    qtbot.waitUntil(board.isActiveWindow)
    assert "CSV" in board.report_button.toolTip() and "server" in board.report_button.toolTip()
    chosen = tmp_path / "ours.pdf"
    asked: list[str] = []
    monkeypatch.setattr(board, "ask_path", lambda name: asked.append(name) or chosen)
    qtbot.keyClick(board, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(asked))  # a mnemonic clicks the button a moment later
    assert asked == [f"quarterly-report-{date.today().year}Q"
                     f"{(date.today().month - 1) // 3 + 1}.pdf"]
    assert chosen.read_bytes().startswith(b"%PDF")
    assert board.message.text().startswith("Saved ours.pdf: signed on this laptop")


def test_a_worker_has_no_dashboard(qtbot, signed_in):
    signed_in.worker = dataclasses.replace(signed_in.worker, role="worker")
    shown = MainWindow(session=signed_in, version="t", idle_minutes=5)
    qtbot.addWidget(shown)
    shown.show()
    assert not shown.dashboard_action.isVisible()
    qtbot.keyClick(shown, *SHORTCUT)
    assert shown.dashboard is None
