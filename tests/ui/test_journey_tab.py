"""The Journey tab through the real widgets: recording by keyboard, problems beside their
field, corrections struck through, the tell-the-police box, the RA notice, the banner."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain.journey.kinds import Kind
from app.domain.journey.printable import WARNING
from app.services import journey, printing
from app.services.journey import EventInput
from app.ui.main_window import MainWindow
from app.ui.operations import RecordOperations, VerifyOperations
from app.ui.verify_view import VerifyView
from tests.careplan.helpers import add_person

TODAY = date.today()


@pytest.fixture(autouse=True)
def _today() -> None:
    """The day the test runs, not the day the module was imported: a run that crosses
    midnight compares with the app's own date.today()."""
    global TODAY
    TODAY = date.today()


def _add(session, person_id: str, kind: Kind, days_ago: int = 0, place: str = "",
         **details):
    return journey.record_event(session=session, person_id=person_id, typed=EventInput(
        kind, TODAY - timedelta(days=days_ago), place, details))


@pytest.fixture
def window(qtbot, signed_in) -> MainWindow:
    shown = MainWindow(session=signed_in, version="t", idle_minutes=5)
    qtbot.addWidget(shown)
    shown.show()
    return shown


@pytest.fixture
def person(signed_in) -> str:
    return add_person(signed_in)


def _press(qtbot, key: Qt.Key) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key)


def test_an_arrest_recorded_by_keyboard_shows_in_the_timeline_and_the_banner(
        qtbot, window, person):
    view = window.open_person(person)
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)  # Record event
    tab = view.journey_tab
    assert tab is not None and view.tabs.currentIndex() == view.journey_index
    dialog = tab.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.chooser.hasFocus())
    qtbot.keyClicks(dialog.chooser, "arr")
    assert dialog.chooser.currentText() == "Arrest"
    _press(qtbot, Qt.Key.Key_Tab)  # the date: today already
    assert QApplication.focusWidget() is dialog.occurred
    _press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.editors["place"]
    qtbot.keyClicks(QApplication.focusWidget(), "Basildon police yard")  # not on the list
    for text in ("42/1234/26", "Burglary"):
        _press(qtbot, Qt.Key.Key_Tab)
        qtbot.keyClicks(QApplication.focusWidget(), text)
    _press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.editors["trigger_offence"]
    qtbot.keyClicks(QApplication.focusWidget(), "Y")
    _press(qtbot, Qt.Key.Key_Return)  # Save is the default button

    assert dialog.result() == dialog.DialogCode.Accepted
    first = tab.timeline.rows[0]
    assert first.cells[:3] == (f"{TODAY:%d/%m/%Y}", "Arrest", "Basildon police yard")
    assert "Offence: Burglary" in first.cells[3] and "Trigger offence: Yes" in first.cells[3]
    assert first.cells[4] == "Jo Bloggs"
    assert view.banner.journey_text().startswith(f"Custody since {TODAY:%d/%m/%Y}")
    assert tab.summary.now.text().startswith("In police custody since")


def test_a_refused_event_says_why_beside_the_field_and_keeps_what_was_typed(
        qtbot, window, person):
    tab = window.open_person(person).open_journey()
    dialog = tab.record_new()
    dialog.chooser.set_kind(Kind.ARREST)
    dialog.editors["offence"].setText("Theft from a shop")
    dialog.editors["place"].setText("Harlow custody suite")
    dialog.save()  # trigger offence not answered: the service refuses it

    error = dialog.errors["trigger_offence"]
    assert error.isVisible() and "Trigger offence is missing" in error.text()
    assert dialog.isVisible()
    assert dialog.editors["offence"].text() == "Theft from a shop"
    assert dialog.editors["place"].text() == "Harlow custody suite"
    assert tab.timeline.rows == []

    dialog.occurred.setText("31/02/2026")  # read on screen, before it reaches the service
    dialog.save()
    assert "not a real date" in dialog.errors["occurred_on"].text()
    assert dialog.occurred.text() == "31/02/2026"


def test_a_correction_strikes_the_wrong_event_through_and_says_what_replaced_it(
        qtbot, signed_in, window, person):
    _add(signed_in, person, Kind.PRISON_RECEPTION, 3, "HMP/YOI Norwich")
    tab = window.open_person(person).open_journey()
    tab.timeline.setCurrentItem(tab.timeline.topLevelItem(0))
    dialog = tab.correct_selected()
    assert dialog is not None and dialog.editors["place"].text() == "HMP/YOI Norwich"
    assert not dialog.chooser.isEnabled()  # a correction is of the same kind
    dialog.editors["place"].setText("HMP/YOI Chelmsford")
    dialog.save()

    struck = next(i for i in range(tab.timeline.topLevelItemCount())
                  if tab.timeline.topLevelItem(i).text(2) == "HMP/YOI Norwich")
    item = tab.timeline.topLevelItem(struck)
    assert all(item.font(column).strikeOut() for column in range(5))
    assert item.child(0).text(0) == ("↳ Corrected by Jo Bloggs — now: Prison reception, "
                                     f"{TODAY - timedelta(days=3):%d/%m/%Y}, HMP/YOI Chelmsford")
    assert not item.child(0).font(0).strikeOut()  # the explanation is readable
    standing = [r for r in tab.timeline.rows if r.standing]
    assert [r.event.place for r in standing] == ["HMP/YOI Chelmsford"]
    tab.timeline.setCurrentItem(item)
    assert not tab.correct_button.isEnabled() and not tab.error_button.isEnabled()


def test_entered_in_error_asks_why_and_strikes_the_event_through(qtbot, signed_in, window,
                                                                 person):
    _add(signed_in, person, Kind.PRISON_TRIAGE, 1, "HMP/YOI Chelmsford")
    tab = window.open_person(person).open_journey()
    tab.timeline.setCurrentItem(tab.timeline.topLevelItem(0))
    dialog = tab.withdraw_selected()
    assert dialog is not None and not dialog.occurred.isVisibleTo(dialog)
    dialog.save()
    assert "Why it was wrong is missing" in dialog.errors["why"].text()
    dialog.editors["why"].setText("Wrong person: it was his brother")
    dialog.save()

    row = tab.timeline.rows[0]
    assert not row.standing and "Wrong person: it was his brother" in row.struck_because
    assert tab.timeline.topLevelItem(0).font(1).strikeOut()


def test_the_tell_the_police_box_appears_after_a_missed_assessment_and_goes_once_told(
        qtbot, signed_in, window, person):
    _add(signed_in, person, Kind.DRUG_TEST, 5, opiates="positive", cocaine="negative")
    tab = window.open_person(person).open_journey()
    assert not tab.summary.police.isVisible()
    _add(signed_in, person, Kind.RA_FAILED_TO_ATTEND, 1, stage="initial")
    window.apply(journey_changed(person))
    qtbot.waitUntil(tab.summary.police.isVisible)
    assert "TELL THE POLICE" in tab.summary.police.steps.text()
    assert "failed to attend the initial assessment" in tab.summary.police.steps.text()

    tab.summary.police.button.click()
    dialog = tab.dialog
    assert dialog is not None and dialog.chooser.kind() is Kind.RA_POLICE_TOLD
    dialog.editors["how"].setText("Phoned the custody desk")
    dialog.editors["officer"].setText("PS 1234 Patel, Colchester")
    dialog.save()

    assert not tab.summary.police.isVisible()
    assert tab.timeline.rows[0].event.kind is Kind.RA_POLICE_TOLD


def journey_changed(person_id: str):
    from app.services.changes import Changed, Part

    return Changed.of(person_id, Part.JOURNEY)


def test_an_ra1_notice_prints_signed_with_its_appointment_and_the_warning(
        qtbot, signed_in, window, person):
    _add(signed_in, person, Kind.DRUG_TEST, 1, "Harlow custody suite", opiates="positive",
         cocaine="negative")
    thursday = TODAY + timedelta(days=(3 - TODAY.weekday()) % 7 or 7)
    _add(signed_in, person, Kind.RA_NOTICE, 0, "Harlow hub, 1 Market St", notice="RA1",
         appointment_on=thursday.isoformat(), appointment_at="10:00")
    tab = window.open_person(person).open_journey()
    assert not tab.print_button.isEnabled()  # nothing chosen yet
    tab.timeline.setCurrentItem(tab.timeline.topLevelItem(0))
    assert tab.print_button.isEnabled()
    tab.print_button.click()

    preview = tab.preview
    assert preview is not None and preview.document.kind == "ra_notice"
    reader = PdfReader(io.BytesIO(preview.document.data))
    words = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert f"Thursday {thursday:%d/%m/%Y} at 10:00" in words
    assert re.sub(r"\s+", " ", WARNING) in words
    assert "Jo Bloggs" in words and f"{TODAY - timedelta(days=1):%d/%m/%Y}" in words
    assert printing.verify_pdf(data=preview.document.data, session=signed_in).check.ok


def test_the_verify_screen_reads_a_signed_notice_as_intact(qtbot, signed_in, person,
                                                           tmp_path):
    from app.services.journey_printing import ra_notice_pdf

    _add(signed_in, person, Kind.DRUG_TEST, 1, opiates="positive", cocaine="negative")
    notice = _add(signed_in, person, Kind.RA_NOTICE, 0, notice="RA1",
                  appointment_on=(TODAY + timedelta(days=2)).isoformat())
    path = tmp_path / "ra1.pdf"
    path.write_bytes(ra_notice_pdf(session=signed_in, event_id=notice.id).data)
    verify = VerifyView(ops=VerifyOperations(signed_in))
    qtbot.addWidget(verify)
    result = verify.check_file(path)
    assert result.ok and result.is_current
    assert verify.headline.text().startswith("Intact")
    assert "Required Assessment notice RA1." in verify.details.text()
    assert "The record still stands by this notice." in verify.details.text()


def test_the_banner_shows_prescribing_and_the_overdose_risk_after_release(
        qtbot, signed_in, window, person):
    view = window.open_person(person)
    assert not view.banner.overdose.isVisibleTo(view)
    assert "Prescribed" not in view.banner.journey_text()
    _add(signed_in, person, Kind.PRISON_RECEPTION, 40, "HMP/YOI Chelmsford")
    _add(signed_in, person, Kind.RELEASE, 5, "HMP/YOI Chelmsford")
    _add(signed_in, person, Kind.PRESCRIBED, 5, medicine="Methadone 1 mg/ml",
         daily_dose="60 mg", prescriber="Dr Okafor")
    view.reload()

    banner = view.banner
    assert banner.overdose.isVisibleTo(view)
    assert banner.overdose.text() == "Released 5 days ago — overdose risk"
    assert banner.journey_text().splitlines()[1] == ("Prescribed Methadone 1 mg/ml 60 mg "
                                                     "daily · LAST DOSE NOT KNOWN")
    assert '<b style="color:#a4161a">LAST DOSE NOT KNOWN</b>' in banner.journey.text()
    _add(signed_in, person, Kind.DOSE_GIVEN, 1, time="08:30")
    view.reload()
    assert banner.journey_text().endswith(
        f"last dose {TODAY - timedelta(days=1):%d/%m/%Y} 08:30")
    released = TODAY - timedelta(days=5)
    assert banner.journey_text().startswith(f"Community since {released:%d/%m/%Y}")


def test_the_journey_tab_has_a_menu_entry_and_is_built_only_when_shown(qtbot, window,
                                                                       person):
    view = window.open_person(person)
    assert view.journey_tab is None
    assert window.journey_action.shortcut().toString() == "Ctrl+J"
    window.journey_action.trigger()
    assert view.journey_tab is not None and view.tabs.currentIndex() == view.journey_index
    assert not view.notice.isVisible()  # its lines go to the timeline
    assert view.journey_tab.summary.now.text() == ("Where they are: not known  ·  "
                                                   "No key date ahead")


def test_record_event_ops_say_the_journey_changed(signed_in, person):
    changed = RecordOperations(signed_in).record_event(person, EventInput(
        Kind.PRISON_TRIAGE, TODAY, "HMP/YOI Chelmsford"))
    assert changed == journey_changed(person)


def test_the_journey_tab_lists_treatment_episodes_latest_first(qtbot, signed_in, window,
                                                               person):
    _add(signed_in, person, Kind.REFERRAL_RECEIVED, 200, "Open Road", source="63")
    _add(signed_in, person, Kind.TRIAGE_DONE, 199, "Harlow hub")
    _add(signed_in, person, Kind.INTERVENTION_STARTED, 190, "Harlow hub",
                        intervention_setting="community", intervention_type="pharmacological")
    _add(signed_in, person, Kind.DISCHARGE, 100, reason="completed_drug_free")
    _add(signed_in, person, Kind.TREATMENT_STARTED, 20, "HMP/YOI Chelmsford")
    view = window.open_person(person)
    window.journey_action.trigger()

    summary = view.journey_tab.summary
    assert summary.treatment.isVisibleTo(view)
    latest, earlier = summary.treatment.text().splitlines()
    assert latest == f"In treatment since {TODAY - timedelta(days=20):%d/%m/%Y}: care plan " \
                     f"from {TODAY - timedelta(days=20):%d/%m/%Y}"
    assert earlier.startswith(f"Treatment {TODAY - timedelta(days=200):%d/%m/%Y} to "
                              f"{TODAY - timedelta(days=100):%d/%m/%Y}, discharged (Treatment "
                              "completed: drug free): referred "
                              f"{TODAY - timedelta(days=200):%d/%m/%Y} by Arrest Referral")
    assert f"triaged {TODAY - timedelta(days=199):%d/%m/%Y}" in earlier
    assert (f"Pharmacological, community, Harlow hub from "
            f"{TODAY - timedelta(days=190):%d/%m/%Y} to "
            f"{TODAY - timedelta(days=100):%d/%m/%Y}") in earlier
