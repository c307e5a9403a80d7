"""TOP outcome forms and a person's progress through the real window on a real encrypted
store: the Outcomes tab one key away, a form typed into the real dialog and then listed and
charted, a problem shown beside its box with the typing kept, a correction that takes the
old form's place, gaps left as gaps, custody events marked on the time axis, and the dialog
and tab within a 1280x720 screen."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCharts import QLineSeries, QScatterSeries
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain.journey.kinds import Kind
from app.domain.outcomes.top import Days, FormKind, Rating, Substance, TopForm
from app.services import outcomes
from app.services.journey import EventInput, record_event
from app.ui.main_window import MainWindow
from app.ui.outcomes_tab import FORMS_PAGE, OutcomesTab
from app.ui.progress_chart import CHARTS, day_of
from app.ui.resources import stylesheet
from app.ui.top_form_dialog import TopFormDialog
from tests.careplan.helpers import add_person
from tests.ui.test_fits_small_screen import assert_fits

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
TODAY = date.today()
USE, CRIME, RATINGS = range(3)


@pytest.fixture
def window(qtbot, signed_in) -> MainWindow:
    shown = MainWindow(session=signed_in, version="t", idle_minutes=5)
    qtbot.addWidget(shown)
    shown.show()
    with qtbot.waitActive(shown):
        shown.activateWindow()  # the shortcuts reach only the active window
    return shown


def _treated(session, person: str, days_ago: int) -> None:
    """An episode: referred by the criminal justice route, triaged the same day."""
    on = TODAY - timedelta(days=days_ago)
    record_event(session=session, person_id=person, typed=EventInput(
        Kind.REFERRAL_RECEIVED, on, "Harlow hub", {"source": "63"}, None))
    record_event(session=session, person_id=person, typed=EventInput(
        Kind.TRIAGE_DONE, on, "Harlow hub", {}, None))


def _event(session, person: str, kind: Kind, days_ago: int, place: str = "",
           **details: object) -> None:
    record_event(session=session, person_id=person, typed=EventInput(
        kind, TODAY - timedelta(days=days_ago), place, details, None))  # type: ignore[arg-type]


def _form(session, person: str, days_ago: int, kind: FormKind = FormKind.REVIEW,
          opiates: int | None = 20, quality: int = 6) -> TopForm:
    use = {} if opiates is None else {Substance.OPIATES: Days(total_given=opiates)}
    return outcomes.record(session=session, form=TopForm(
        "", person, kind, TODAY - timedelta(days=days_ago), use=use,
        ratings={Rating.QUALITY_OF_LIFE: quality}))


def _open_tab(qtbot, window: MainWindow, person: str) -> OutcomesTab:
    view = window.open_person(person)
    assert view.outcomes_tab is None  # built only when shown
    qtbot.keyClick(window, Qt.Key.Key_U, CTRL)
    tab = view.outcomes_tab
    assert tab is not None and view.tabs.currentIndex() == view.outcomes_index
    assert QApplication.focusWidget() is tab.pages  # the charts, then the forms
    return tab


def _press(qtbot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def _type(qtbot, text: str) -> None:
    qtbot.keyClicks(QApplication.focusWidget(), text)


def _lines(tab: OutcomesTab, name: str) -> list[list[tuple[date, int]]]:
    """The points of each drawn line called `name` (a line breaks at a gap)."""
    return [[(day_of(p.x()), round(p.y())) for p in s.points()]
            for s in tab.charts.chart.series() if isinstance(s, QLineSeries) and s.name() == name]


def _marks(tab: OutcomesTab, name: str) -> list[date]:
    return [day_of(p.x()) for s in tab.charts.chart.series()
            if isinstance(s, QScatterSeries) and s.name() == name for p in s.points()]


def test_a_form_typed_into_the_dialog_is_listed_and_charted(qtbot, window, signed_in):
    person = add_person(signed_in)
    _treated(signed_in, person, days_ago=20)
    tab = _open_tab(qtbot, window, person)
    started = TODAY - timedelta(days=20)
    assert tab.due_text().startswith(f"OVERDUE: TOP at treatment start was due "
                                     f"{started:%d/%m/%Y}, 20 days ago. Next: TOP review due ")
    assert "color:#a4161a" in tab.due.text()  # in red as well as in words
    assert tab.rows == []

    qtbot.keyClick(window, Qt.Key.Key_U, CTRL | SHIFT)  # Person > Record a TOP form
    dialog = tab.dialog
    assert isinstance(dialog, TopFormDialog)
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.kind.currentText() == "TOP at treatment start"  # what is due
    assert QApplication.focusWidget() is dialog.completed_on
    done_on = TODAY - timedelta(days=2)
    _type(qtbot, f"{done_on:%d/%m/%Y}")  # over today's date, which is selected
    for _box in range(6):  # alcohol: four weeks and the total left empty
        _press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.editors["alcohol_units_per_day"]
    _press(qtbot, Qt.Key.Key_Tab)
    for week in ("6", "5", "4", "3"):  # opiates, oldest week first
        _type(qtbot, week)
        _press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.editors["use.opiates.total"]
    assert dialog.editors["use.opiates.total"].placeholderText() == "=18"
    _press(qtbot, Qt.Key.Key_Tab)
    _type(qtbot, "2")  # crack, week 1
    assert QApplication.focusWidget() is dialog.editors["use.crack.week1"]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backspace)  # not said after all
    dialog.editors["rating.quality_of_life"].setFocus()
    _type(qtbot, "7")
    _press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.editors["work_days"]
    _type(qtbot, "0")  # 0 is an answer: no days
    with qtbot.waitSignal(tab.changed):
        _press(qtbot, Qt.Key.Key_Return)

    assert not dialog.isVisible()
    [stored] = outcomes.of_person(session=signed_in, person_id=person).forms
    assert stored.kind is FormKind.START and stored.completed_on == done_on
    assert stored.use == {Substance.OPIATES: Days(weeks=(6, 5, 4, 3))}  # crack unanswered
    assert stored.ratings == {Rating.QUALITY_OF_LIFE: 7}
    assert (stored.work_days, stored.education_days, stored.days_injected) == (0, None, None)
    assert stored.shared_equipment is None and stored.violence is None
    assert tab.forms.topLevelItem(0).text(1) == "TOP at treatment start"
    assert tab.forms.topLevelItem(0).text(2) == "Jo Bloggs"
    tab.show_page(FORMS_PAGE)
    assert "Opiates: 18 days (weeks 6, 5, 4, 3)" in tab.answers.toPlainText()
    assert "Not answered: Alcohol, Crack" in tab.answers.toPlainText()
    assert _lines(tab, "Opiates") == [[(done_on, 18)]]
    assert not _lines(tab, "Crack")  # no answer: no line, not a line at 0
    assert f"Opiates: 18 days at start ({done_on:%d/%m/%Y})." in tab.charts.words.toPlainText()
    tab.show_page(RATINGS)
    assert _lines(tab, "Quality of life") == [[(done_on, 7)]]
    assert "OVERDUE" not in tab.due_text()
    assert tab.due_text().startswith("Next: TOP review due")


def test_a_week_of_eight_days_is_said_beside_its_box_and_the_typing_is_kept(
        qtbot, window, signed_in):
    person = add_person(signed_in)
    _treated(signed_in, person, days_ago=20)
    tab = _open_tab(qtbot, window, person)
    dialog = tab.record_new()
    qtbot.waitUntil(dialog.isActiveWindow)
    for week, typed in zip((1, 2, 3, 4), ("3", "8", "7", "2"), strict=True):
        dialog.editors[f"use.opiates.week{week}"].setFocus()
        _type(qtbot, typed)
    dialog.editors["rating.physical_health"].setFocus()
    _type(qtbot, "12")
    _press(qtbot, Qt.Key.Key_Return)

    assert dialog.isVisible()
    error = dialog.errors["use.opiates.week2"]
    assert error.isVisibleTo(dialog)
    assert error.text() == "Opiates: week 2 has 8 days; a week has 7 at most."
    box = dialog.editors["use.opiates.week2"]
    under = error.mapTo(dialog, error.rect().topLeft()).y()
    assert 0 < under - box.mapTo(dialog, box.rect().bottomLeft()).y() < 40  # beside it
    assert box.hasFocus()
    assert [dialog.editors[f"use.opiates.week{w}"].text() for w in (1, 2, 3, 4)] == [
        "3", "8", "7", "2"]
    assert dialog.editors["rating.physical_health"].text() == "12"
    assert not dialog.errors["use.opiates.week3"].isVisibleTo(dialog)
    assert outcomes.of_person(session=signed_in, person_id=person).forms == ()

    _press(qtbot, Qt.Key.Key_Backspace)
    _type(qtbot, "6")  # put right: the message goes, the form saves
    assert not error.isVisibleTo(dialog)
    with qtbot.waitSignal(tab.changed):
        _press(qtbot, Qt.Key.Key_Return)
    assert _lines(tab, "Opiates") == [[(TODAY, 18)]]


def test_a_correction_takes_the_old_forms_place(qtbot, window, signed_in):
    person = add_person(signed_in)
    _treated(signed_in, person, days_ago=60)
    _form(signed_in, person, 50, FormKind.START, opiates=20)
    wrong = _form(signed_in, person, 5, opiates=28, quality=4)
    tab = _open_tab(qtbot, window, person)
    _press(qtbot, Qt.Key.Key_L, ALT)  # List of forms
    assert tab.stack.currentIndex() == 1 and tab.forms.isVisible()
    assert [tab.forms.topLevelItem(i).text(1) for i in range(2)] == [
        "TOP review", "TOP at treatment start"]  # newest first, chosen
    _press(qtbot, Qt.Key.Key_D, ALT)  # Correct selected form…
    qtbot.waitUntil(lambda: tab.dialog is not None and tab.dialog.isActiveWindow())
    dialog = tab.dialog
    assert dialog is not None and dialog.correcting == wrong
    assert dialog.editors["use.opiates.total"].text() == "28"  # its answers, to put right
    assert dialog.editors["rating.quality_of_life"].text() == "4"
    assert dialog.kind.currentText() == "TOP review"
    assert "Correcting the TOP review of" in dialog.findChild(type(dialog.message),
                                                             "notice").text()
    dialog.editors["use.opiates.total"].setFocus()
    dialog.editors["use.opiates.total"].selectAll()
    _type(qtbot, "8")
    with qtbot.waitSignal(tab.changed):
        _press(qtbot, Qt.Key.Key_Return)

    assert tab.forms.topLevelItemCount() == 2  # the correction, not beside the old one
    standing = outcomes.of_person(session=signed_in, person_id=person).forms
    assert [f.use[Substance.OPIATES].total for f in standing] == [20, 8]
    assert standing[1].supersedes == wrong.id
    assert tab.rows[0].id == standing[1].id
    assert _lines(tab, "Opiates") == [[(TODAY - timedelta(days=50), 20),
                                       (TODAY - timedelta(days=5), 8)]]


def test_a_gap_stays_a_gap_and_custody_events_are_marked(qtbot, window, signed_in):
    person = add_person(signed_in)
    _treated(signed_in, person, days_ago=200)
    _form(signed_in, person, 195, FormKind.START, opiates=20)
    _event(signed_in, person, Kind.ARREST, 150, "Harlow custody suite",
           offence="Shoplifting", trigger_offence=True)
    _event(signed_in, person, Kind.RELEASE, 120, "HMP/YOI Chelmsford")
    _form(signed_in, person, 100, opiates=None, quality=9)  # opiates not asked
    _form(signed_in, person, 10, opiates=4, quality=12)
    tab = _open_tab(qtbot, window, person)

    on = [TODAY - timedelta(days=d) for d in (195, 100, 10)]
    assert _lines(tab, "Opiates") == [[(on[0], 20)], [(on[2], 4)]]  # broken, not 0
    assert _marks(tab, "Arrested") == [TODAY - timedelta(days=150)]
    assert _marks(tab, "Released") == [TODAY - timedelta(days=120)]
    assert _marks(tab, "Treatment episode began") == [TODAY - timedelta(days=200)]
    legend = tab.charts.legend.text().replace("&nbsp;", " ")
    assert all(name in legend for name in ("Opiates", "Arrested", "Released",
                                           "Treatment episode began"))
    words = tab.charts.words.toPlainText()
    assert (f"Opiates: 20 days at start ({on[0]:%d/%m/%Y}), not answered at review "
            f"({on[1]:%d/%m/%Y}), 4 days at review ({on[2]:%d/%m/%Y}).") in words
    assert f"arrested {TODAY - timedelta(days=150):%d/%m/%Y}" in words
    assert tab.charts.view.accessibleDescription() == words

    _press(qtbot, Qt.Key.Key_B, ALT)  # Wellbeing
    assert tab.pages.currentIndex() == RATINGS
    assert _lines(tab, "Quality of life") == [[(on[0], 6), (on[1], 9), (on[2], 12)]]
    assert _marks(tab, "Arrested") == [TODAY - timedelta(days=150)]
    assert tab.charts.chart.axes(Qt.Orientation.Vertical)[0].max() >= 20
    _press(qtbot, Qt.Key.Key_Left)  # the page bar has the focus: crime days
    assert tab.charts.view.accessibleName() == f"Chart: {CHARTS[CRIME].title.lower()}"


def test_the_outcome_entries_wait_for_a_person_and_their_keys_are_their_own(qtbot, window,
                                                                            signed_in):
    assert not window.outcomes_action.isEnabled()
    assert not window.record_top_action.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_U, CTRL | SHIFT)  # nothing happens without a person
    window.open_person(add_person(signed_in))
    assert window.outcomes_action.isEnabled() and window.record_top_action.isEnabled()
    keys = [a.shortcut().toString() for a in window.findChildren(type(window.outcomes_action))
            if not a.shortcut().isEmpty()]
    assert len(keys) == len(set(keys)), sorted(keys)
    assert {"Ctrl+U", "Ctrl+Shift+U"} <= set(keys)


def test_the_tab_catches_up_with_a_sync_and_with_the_journey(qtbot, window, signed_in):
    person = add_person(signed_in)
    _treated(signed_in, person, days_ago=60)
    _form(signed_in, person, 50, FormKind.START, opiates=20)
    tab = _open_tab(qtbot, window, person)
    assert len(tab.rows) == 1
    _form(signed_in, person, 3, opiates=9)  # as a sync would bring it from another laptop
    window.after_sync()
    assert [f.use[Substance.OPIATES].total for f in tab.rows] == [9, 20]
    assert _lines(tab, "Opiates")[0][-1] == (TODAY - timedelta(days=3), 9)

    view = window.person_view
    assert view is not None
    view.open_journey()  # an arrest recorded on the Journey tab, then back here
    _event(signed_in, person, Kind.ARREST, 20, "Harlow custody suite",
           offence="Burglary", trigger_offence=False)
    qtbot.keyClick(window, Qt.Key.Key_U, CTRL)
    assert _marks(tab, "Arrested") == [TODAY - timedelta(days=20)]
    assert not view.notice.isVisible()  # the chart has its lines


@pytest.fixture
def styled(qapp):
    qapp.setStyleSheet(stylesheet())
    yield qapp
    qapp.setStyleSheet("")


def test_the_tab_and_the_dialog_fit_a_1280x720_screen(qtbot, styled, window, signed_in):
    person = add_person(signed_in)
    _treated(signed_in, person, days_ago=200)
    _form(signed_in, person, 195, FormKind.START, opiates=20)
    _event(signed_in, person, Kind.ARREST, 150, "Harlow custody suite",
           offence="Shoplifting", trigger_offence=True)
    _form(signed_in, person, 10, opiates=4, quality=12)
    tab = _open_tab(qtbot, window, person)
    assert_fits(window, [tab.record_button, tab.charts.view.viewport(), window.statusBar()])
    assert tab.charts.view.height() >= 220 and tab.charts.view.width() >= 380  # readable
    tab.show_page(FORMS_PAGE)
    assert_fits(window, [tab.correct_button, tab.forms, window.statusBar()])
    dialog = tab.record_new()
    assert_fits(dialog, [dialog.save_button])
    for key in ("use.opiates.week2", "crime.shoplifting", "rating.physical_health"):
        dialog.editors[key].setText("99")
    dialog.completed_on.setText("31/02/2026")
    dialog.save()  # the longest messages
    dialog.completed_on.setText(f"{TODAY:%d/%m/%Y}")
    dialog.save()
    assert dialog.errors["rating.physical_health"].isVisibleTo(dialog)
    assert_fits(dialog, [dialog.save_button])
