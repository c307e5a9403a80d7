"""The main window's everyday habits: one open per double-click, Enter in the
search opens the match, an empty search says so, drafts come back where they were typed
and are marked unsaved, quitting with unsaved typing says what happens."""

from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.services import assessment, careplan, drafts, people
from app.services.views import PersonInput
from app.ui.caseload_model import BORN, LAST_CONTACT, NAME, NAME_ROOM, RISK, WHERE
from app.ui.main_window import PLACE_DRAFT_KEY, MainWindow
from tests.careplan.helpers import add_person


def _window(qtbot, session) -> MainWindow:
    window = MainWindow(session=session, version="t", idle_minutes=5)
    qtbot.addWidget(window)
    window.show()
    return window


def test_double_click_opens_the_person_once(qtbot, signed_in):
    add_person(signed_in)
    window = _window(qtbot, signed_in)
    opened = []
    original = window.open_person
    window.open_person = lambda person_id: opened.append(person_id) or original(person_id)
    table = window.table
    centre = table.visualRect(table.model().index(0, 0)).center()
    # A real double-click is a click, then a second press that Qt reports as a double one.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert len(opened) == 1


def test_enter_in_the_search_opens_the_first_match(qtbot, signed_in):
    person_id = add_person(signed_in)
    people.create_person(session=signed_in, person=PersonInput(
        given_name="Kayla", family_name="Jones", date_of_birth="01/02/1990"))
    window = _window(qtbot, signed_in)
    qtbot.keyClicks(window.search, "Smith")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert window.person_view is not None and window.person_view.person_id == person_id


def test_a_search_that_finds_nobody_says_so_and_what_to_try(qtbot, signed_in):
    add_person(signed_in)
    window = _window(qtbot, signed_in)
    qtbot.keyClicks(window.search, "Zzyzx")
    assert window.list_stack.currentWidget() is window.empty_state
    text = window.empty_state.text()
    assert "Nobody found named like 'Zzyzx'" in text and "date of birth" in text
    assert "Ctrl+Shift+F" in text
    window.search.clear()
    assert window.list_stack.currentWidget() is window.table


def test_a_care_plan_being_typed_survives_a_lock_and_comes_back_where_it_was(qtbot, signed_in):
    """Typed care plan text was not kept at all; after unlock the app showed an abandoned
    New person form instead of the care plan the worker was on."""
    person_id = add_person(signed_in)
    window = _window(qtbot, signed_in)
    window.show_new_person()
    qtbot.keyClicks(window.new_person_form.edits["given_name"], "Abandoned")
    tab = window.open_person(person_id).open_care_plan()
    qtbot.keyClicks(tab.form.goals, "Get my own flat")
    saved = window.collect_drafts()
    assert saved[PLACE_DRAFT_KEY] == {"view": "person", "person_id": person_id,
                                      "tab": window.person_view.tabs.currentIndex()}
    drafts.save_drafts(session=signed_in, drafts=saved)
    window.close()

    again = _window(qtbot, signed_in)
    again.restore_drafts(drafts.load_drafts(session=signed_in))
    QApplication.processEvents()  # a page added to a shown window appears on the next turn
    assert again.work_area.currentWidget() is again.person_view
    assert again.person_view.care_plan.isVisibleTo(again)
    assert again.person_view.care_plan.form.goals.toPlainText() == "Get my own flat"
    assert again.new_person_form.edits["given_name"].text() == "Abandoned"  # kept, not shown
    assert again.unsaved_notice.isVisibleTo(again)
    assert "NOT SAVED" in again.unsaved_notice.text() and "a care plan" in \
        again.unsaved_notice.text() and "the new person form" in again.unsaved_notice.text()

    qtbot.mouseClick(again.person_view.care_plan.save_button, Qt.MouseButton.LeftButton)
    assert "a care plan" not in again.unsaved_notice.text()  # saved: no longer marked
    again.new_person_form.clear()
    again.update_unsaved_notice()
    assert not again.unsaved_notice.isVisibleTo(again)


def test_quitting_with_unsaved_typing_says_it_is_kept_as_a_draft(qtbot, signed_in):
    window = _window(qtbot, signed_in)
    window.show_new_person()
    qtbot.keyClicks(window.new_person_form.edits["given_name"], "Half")
    seen = []

    def answer(choice: str) -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        for button in box.buttons():
            if choice in button.text():
                button.click()

    QTimer.singleShot(0, lambda: answer("Go back"))
    window.quit_app()
    assert window.isVisible()  # going back keeps the window
    assert "the new person form" in seen[0] and "encrypted draft" in seen[0]
    QTimer.singleShot(0, lambda: answer("Quit"))
    window.quit_app()
    assert not window.isVisible()


def test_a_first_care_plan_starts_from_the_goals_in_the_assessment(qtbot, signed_in):
    person_id = add_person(signed_in)
    assessment.save_section(session=signed_in, person_id=person_id, section="goals",
                            typed={"goals_own_words": "See my daughter\nStay clean"})
    window = _window(qtbot, signed_in)
    tab = window.open_person(person_id).open_care_plan()
    assert tab.form.value().goals == ("See my daughter", "Stay clean")
    assert "come from the assessment" in tab.status.text()
    assert tab.form.is_dirty()  # not saved until the worker saves it
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    plan = careplan.load_care_plan(session=signed_in, person_id=person_id).current
    assert plan is not None and plan.content.goals == ("See my daughter", "Stay clean")


def test_the_caseload_columns_fit_without_sideways_scrolling(qtbot, signed_in):
    person_id = add_person(signed_in, family="Quartermaine-Fotheringham")
    assessment.record_contact(session=signed_in, person_id=person_id, setting="custody")
    assessment.save_section(session=signed_in, person_id=person_id, section="risk",
                            typed={"overdose_risk": "high", "risk_to_staff": "high"})
    window = _window(qtbot, signed_in)
    window.resize(1280, 688)
    window.open_person(person_id)  # the caseload at its narrowest, beside a record
    QApplication.processEvents()
    table = window.table
    assert not table.horizontalScrollBar().isVisible()
    shown = [c for c in range(table.model().columnCount()) if not table.isColumnHidden(c)]
    # the name keeps its room; where they are and the risk show beside a record at 1280
    assert {NAME, WHERE, RISK} <= set(shown)
    assert table.columnWidth(NAME) >= NAME_ROOM
    for column in shown[1:]:
        cell = table.visualRect(table.model().index(0, column))
        assert table.viewport().rect().contains(cell), f"column {column} is cut off"
    assert table.model().data(table.model().index(0, LAST_CONTACT)) == \
        f"{date.today():%d/%m/%Y}"
    window.resize(1366, 736)
    window.open_person(person_id)
    QApplication.processEvents()
    shown = [c for c in range(table.model().columnCount()) if not table.isColumnHidden(c)]
    assert {NAME, BORN, WHERE, RISK} <= set(shown)
    assert table.columnWidth(NAME) >= NAME_ROOM
    assert not table.horizontalScrollBar().isVisible()


def test_every_menu_action_has_a_shortcut_shown_and_menus_have_unique_mnemonics(qtbot,
                                                                                  signed_in):
    window = _window(qtbot, signed_in)
    menus = [a.menu() for a in window.menuBar().actions()]
    titles = [m.title() for m in menus]
    keys = [t[t.index("&") + 1].lower() for t in titles]
    assert len(set(keys)) == len(keys), titles
    shortcuts = []
    for menu in menus:
        for item in menu.actions():
            if item.isSeparator():
                continue
            assert not item.shortcut().isEmpty(), f"{item.text()} has no shortcut"
            shortcuts.append(item.shortcut().toString())
    assert len(set(shortcuts)) == len(shortcuts), shortcuts
