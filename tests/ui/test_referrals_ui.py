"""Referrals through the real widgets on a real encrypted store: referring by keyboard, only
the steps allowed next offered, a note asked where the domain needs one, an unanswered
referral in red words, and the team's tracker (oldest answer due first, opens the person,
steps recorded there too)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from app.domain.referrals import (
    Referral,
    ReferralService,
    ReferralStatus,
    ReferralUpdate,
    state_of,
)
from app.services import people, referrals
from app.services.changes import Part
from app.services.views import PersonInput
from app.ui.operations import WorkOperations
from app.ui.referral_list import ANSWER, PERSON, SERVICE
from app.ui.referral_tracker import ReferralTracker
from app.ui.referral_words import answer_words, history_lines, where_now
from app.ui.referrals_panel import ReferralsPanel
from tests.careplan.helpers import add_person

RED = "#a4161a"
_ALL_STEPS = set(ReferralStatus) - {ReferralStatus.SENT}


@pytest.fixture
def today() -> date:
    return date.today()


@pytest.fixture
def ops(signed_in) -> WorkOperations:
    return WorkOperations(signed_in)


@pytest.fixture
def person(signed_in) -> str:
    return add_person(signed_in)


@pytest.fixture
def panel(qtbot, ops, person) -> ReferralsPanel:
    shown = ReferralsPanel(ops=ops, person_id=person)
    qtbot.addWidget(shown)
    shown.resize(800, 500)
    shown.show()
    with qtbot.waitActive(shown):
        shown.activateWindow()  # Alt letters and the keyboard reach only the active window
    shown.refresh()
    return shown


def _refer(signed_in, person: str, days_ago: int = 0,
           service: ReferralService = ReferralService.GP) -> str:
    return referrals.refer(session=signed_in, person_id=person, service=service,
                           reason="Needs a script on release", partner_contact="Dr Patel",
                           today=date.today() - timedelta(days=days_ago)).id


def _cell(listing, row: int, column: tuple) -> str:
    index = [name for name, _ in listing._columns].index(column[0])
    return listing.topLevelItem(row).text(index)


def _press(qtbot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def test_a_referral_made_by_keyboard_shows_in_the_list_with_its_answer_due(
        qtbot, panel, ops, person, today):
    panel.list.setFocus()
    _press(qtbot, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # Make a referral…
    qtbot.waitUntil(lambda: panel.dialog is not None)  # the button animates its click
    dialog = panel.dialog
    qtbot.waitUntil(lambda: dialog.service.hasFocus())
    qtbot.keyClicks(dialog.service, "me")
    assert dialog.service.currentText() == "Mental health service"
    _press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.reason
    qtbot.keyClicks(dialog.reason, "Low mood since remand; wants to talk to someone")
    _press(qtbot, Qt.Key.Key_Tab)  # Tab leaves the reason box, it does not indent
    assert QApplication.focusWidget() is dialog.partner_contact
    qtbot.keyClicks(dialog.partner_contact, "Crisis team, Harlow")
    with qtbot.waitSignal(panel.changed) as said:
        _press(qtbot, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    changed = said.args[0]
    assert changed.touches(person) and Part.WORK in changed.parts  # the window refreshes
    assert panel.list.rows and panel.list.rows[0].referral.reason.startswith("Low mood")
    assert _cell(panel.list, 0, SERVICE) == "Mental health service"
    due = today + timedelta(days=14)
    assert _cell(panel.list, 0, ANSWER) == f"answer due {due:%d/%m}"
    assert "Crisis team, Harlow" in panel.history.toPlainText()


def test_refusing_for_want_of_consent_is_said_beside_the_service_and_keeps_the_typing(
        qtbot, panel, ops, person):
    dialog = panel.refer_new()
    dialog.service.setCurrentIndex(dialog.service.findText("Housing services"))
    dialog.reason.setPlainText("No fixed abode on release")
    dialog.save()
    assert dialog.isVisible()
    assert dialog.errors["service"].isVisibleTo(dialog)
    assert "not consented to share with housing" in dialog.errors["service"].text()
    assert dialog.reason.toPlainText() == "No fixed abode on release"
    assert ops.referrals(person) == []


def test_only_the_steps_allowed_next_are_offered(qtbot, panel, signed_in, person, today):
    _refer(signed_in, person)
    panel.refresh()
    assert panel.steps.offered() == {ReferralStatus.ACKNOWLEDGED, ReferralStatus.ACCEPTED,
                                     ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN}
    panel.list.setFocus()
    with qtbot.waitSignal(panel.changed):
        _press(qtbot, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # Accepted
    assert panel.list.rows[0].state.status is ReferralStatus.ACCEPTED
    assert panel.steps.offered() == {ReferralStatus.OUTCOME_RECORDED, ReferralStatus.WITHDRAWN}
    assert panel.steps.record(ReferralStatus.ACKNOWLEDGED) is None  # not even by code
    assert [s.status for s in panel.list.rows[0].steps] == [ReferralStatus.ACCEPTED]
    assert f"Accepted {today:%d/%m/%Y} by Jo Bloggs" in panel.history.toPlainText()


def test_declined_asks_why_and_is_not_recorded_without_it(qtbot, panel, ops, signed_in,
                                                          person):
    _refer(signed_in, person)
    panel.refresh()
    dialog = panel.steps.record(ReferralStatus.DECLINED)
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.note.hasFocus()  # straight to the why
    dialog.save()
    assert dialog.isVisible()
    assert dialog.errors["note"].text().startswith("A note is needed for this step.")
    assert ops.referrals(person)[0].steps == ()
    qtbot.keyClicks(dialog.note, "Not in their catchment")
    assert not dialog.errors["note"].isVisibleTo(dialog)  # gone once the answer changes
    with qtbot.waitSignal(panel.changed):
        dialog.save()
    assert panel.list.rows[0].state.status is ReferralStatus.DECLINED
    assert "Declined" in panel.history.toPlainText()
    assert "Not in their catchment" in panel.history.toPlainText()
    assert panel.steps.offered() == {ReferralStatus.OUTCOME_RECORDED}


def test_a_step_dated_before_the_referral_is_refused_beside_the_date(
        qtbot, panel, signed_in, person, today):
    _refer(signed_in, person, days_ago=3)
    panel.refresh()
    panel.steps.on.setText(f"{today - timedelta(days=5):%d/%m/%Y}")
    panel.steps.buttons[ReferralStatus.ACKNOWLEDGED].click()
    assert panel.steps.on_error.isVisibleTo(panel)
    assert "before the referral was sent" in panel.steps.on_error.text()
    assert panel.list.rows[0].state.status is ReferralStatus.SENT


def test_an_unanswered_referral_past_fourteen_days_is_red_and_says_so(
        qtbot, panel, signed_in, person):
    _refer(signed_in, person, days_ago=20)
    _refer(signed_in, person, days_ago=2, service=ReferralService.EMPLOYMENT)
    panel.refresh()
    newest, oldest = panel.list.topLevelItem(0), panel.list.topLevelItem(1)
    column = [name for name, _ in panel.list._columns].index(ANSWER[0])
    assert _cell(panel.list, 0, SERVICE) == "Employment support"  # newest first
    assert oldest.text(column) == "NO ANSWER — 20 days"
    assert oldest.foreground(column).color().name() == RED
    assert oldest.font(column).bold()
    assert newest.text(column).startswith("answer due ")
    assert newest.foreground(column).color().name() != RED


def test_the_tracker_lists_the_oldest_answer_due_first_and_opens_the_person(
        qtbot, ops, signed_in, person):
    other = people.create_person(session=signed_in, person=PersonInput(
        given_name="Kelly", family_name="Ward", date_of_birth="02/02/1990")).id
    _refer(signed_in, other, days_ago=3)
    _refer(signed_in, person, days_ago=20)
    tracker = ReferralTracker(ops=ops)
    qtbot.addWidget(tracker)
    tracker.show()
    with qtbot.waitActive(tracker):
        tracker.activateWindow()
    assert _cell(tracker.list, 0, ANSWER) == "NO ANSWER — 20 days"
    assert "Darren" in _cell(tracker.list, 0, PERSON)
    assert "Kelly" in _cell(tracker.list, 1, PERSON)
    assert tracker.list.hasFocus()
    with qtbot.waitSignal(tracker.open_person) as opened:
        qtbot.keyClick(tracker.list, Qt.Key.Key_Return)
    assert opened.args == [person]
    assert tracker.isVisible()  # Enter opened the person, it did not close the tracker


def test_a_step_recorded_in_the_tracker_closes_the_loop(qtbot, ops, signed_in, person):
    _refer(signed_in, person, days_ago=20)
    tracker = ReferralTracker(ops=ops)
    qtbot.addWidget(tracker)
    tracker.show()
    dialog = tracker.steps.record(ReferralStatus.WITHDRAWN)
    assert dialog is not None
    qtbot.keyClicks(dialog.note, "Moved to HMP Chelmsford")
    with qtbot.waitSignal(tracker.changed):
        dialog.save()
    assert tracker.list.rows == []  # closed: gone from the open referrals
    tracker.show_closed.setChecked(True)
    assert [t.state.status for t in tracker.list.rows] == [ReferralStatus.WITHDRAWN]
    assert tracker.steps.offered() == set()
    assert tracker.steps.closed.isVisibleTo(tracker)
    assert _ALL_STEPS.isdisjoint(tracker.steps.offered())


def test_a_step_two_laptops_both_recorded_is_flagged_in_words(today):
    sent = Referral("r1", "p1", ReferralService.HOUSING, "No fixed abode", today, "Jo Bloggs")
    steps = (ReferralUpdate("u1", "r1", "p1", ReferralStatus.DECLINED, today, "Jo Bloggs",
                            "h1", "Not their area"),
             ReferralUpdate("u2", "r1", "p1", ReferralStatus.ACCEPTED, today, "Sam Reid",
                            "h2"))
    state = state_of(sent, steps)
    tracked = referrals.Tracked(sent, state, steps, None)
    assert where_now(tracked) == f"declined {today:%d/%m} — a step did not follow: check it"
    lines = history_lines(tracked)
    assert lines[2] == f"Declined {today:%d/%m/%Y} by Jo Bloggs: Not their area"
    assert lines[3].startswith(f"Accepted {today:%d/%m/%Y} by Sam Reid — SET ASIDE")
    assert answer_words(tracked, today) == "answered"


def _accepted_in_error(signed_in, person: str, today: date) -> None:
    referral = _refer(signed_in, person, days_ago=6)
    referrals.record_step(session=signed_in, referral_id=referral,
                          status=ReferralStatus.ACKNOWLEDGED, on=today - timedelta(days=4))
    referrals.record_step(session=signed_in, referral_id=referral,
                          status=ReferralStatus.ACCEPTED, on=today - timedelta(days=2))


def test_a_wrong_accepted_is_corrected_to_declined_by_keyboard_and_kept_in_the_history(
        qtbot, panel, ops, signed_in, person, today):
    _accepted_in_error(signed_in, person, today)
    panel.refresh()
    wrong = panel.list.rows[0].steps[-1]
    assert panel.correct_button.isEnabled()
    panel.list.setFocus()
    _press(qtbot, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)  # Fix the last step…
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.isActiveWindow())
    dialog = panel.dialog
    assert dialog.windowTitle().startswith("Correct the last step: GP, sent ")
    assert "stays in the referral's history" in " ".join(
        label.text() for label in dialog.findChildren(QLabel))
    # Only what could have followed 'acknowledged', or 'accepted' again (the date).
    status = dialog.status
    assert [status.itemText(i) for i in range(status.count())] == [
        "Accepted", "Declined", "Withdrawn"]
    assert status.hasFocus() and status.currentText() == "Accepted"
    assert dialog.on.text() == f"{today - timedelta(days=2):%d/%m/%Y}"  # the wrong one's
    qtbot.keyClicks(status, "de")
    assert status.currentText() == "Declined"
    assert dialog.note_label.text() == "&Why did they decline?"  # the question follows
    _press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.on
    dialog.on.selectAll()
    qtbot.keyClicks(dialog.on, f"{today - timedelta(days=1):%d/%m/%Y}")
    _press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.note
    qtbot.keyClicks(dialog.note, "No beds until March")
    _press(qtbot, Qt.Key.Key_Tab)  # Tab leaves the note for Save, it does not indent
    assert QApplication.focusWidget() is dialog.save_button
    with qtbot.waitSignal(panel.changed):
        _press(qtbot, Qt.Key.Key_Space)
    assert not dialog.isVisible()

    [tracked] = ops.referrals(person)
    assert tracked.state.status is ReferralStatus.DECLINED
    assert tracked.steps[-1].supersedes == wrong.id
    assert tracked.steps[-1].on == today - timedelta(days=1)
    qtbot.waitUntil(lambda: panel.list.rows[0].state.status is ReferralStatus.DECLINED)
    assert panel.steps.offered() == {ReferralStatus.OUTCOME_RECORDED}
    history = panel.history.toPlainText().splitlines()
    assert history[3] == (f"(corrected) Accepted {wrong.on:%d/%m/%Y} by Jo Bloggs — "
                          f"recorded in error, replaced by 'declined "
                          f"{today - timedelta(days=1):%d/%m/%Y}'.")
    assert history[4].startswith(f"Declined {today - timedelta(days=1):%d/%m/%Y} by Jo "
                                 "Bloggs: No beds until March — corrects 'accepted")


def test_a_refused_correction_says_why_beside_the_field_and_keeps_what_was_typed(
        qtbot, panel, ops, signed_in, person, today):
    _accepted_in_error(signed_in, person, today)
    panel.refresh()
    dialog = panel.correct_last()
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.save()  # as it was: nothing to correct
    assert dialog.errors["status"].text().startswith("Nothing is changed yet.")
    assert len(ops.referrals(person)[0].steps) == 2
    dialog.status.setCurrentIndex(dialog.status.findText("Withdrawn"))
    assert not dialog.errors["status"].isVisibleTo(dialog)  # gone once it is changed
    dialog.on.setText(f"{today - timedelta(days=9):%d/%m/%Y}")  # before it was acknowledged
    dialog.save()
    assert dialog.isVisible()
    assert dialog.errors["on"].isVisibleTo(dialog)
    assert "before the referral was acknowledged" in dialog.errors["on"].text()
    assert dialog.on.hasFocus()
    dialog.on.setText(f"{today:%d/%m/%Y}")
    dialog.save()  # now the note a withdrawal needs
    assert dialog.errors["note"].text().startswith("A note is needed for this step.")
    assert not dialog.errors["on"].isVisibleTo(dialog)
    assert dialog.status.currentText() == "Withdrawn"  # nothing typed lost
    assert dialog.on.text() == f"{today:%d/%m/%Y}"
    assert dialog.save_button.isEnabled()
    assert ops.referrals(person)[0].state.status is ReferralStatus.ACCEPTED
    dialog.on.setText("31/02/2020")
    dialog.save()
    assert dialog.errors["on"].isVisibleTo(dialog)  # an impossible date, read here


def test_a_correction_overtaken_by_a_later_step_is_refused_in_words(
        qtbot, panel, ops, signed_in, person, today):
    """Another step arrived (synced, or the tracker) while the dialog was open."""
    _accepted_in_error(signed_in, person, today)
    panel.refresh()
    dialog = panel.correct_last()
    assert dialog is not None
    ops.referral_step(person, panel.list.rows[0].referral.id,
                      ReferralStatus.OUTCOME_RECORDED, "Registered with Dr Patel")
    dialog.on.setText(f"{today:%d/%m/%Y}")  # it was accepted today, not two days ago
    dialog.save()
    assert dialog.isVisible()
    assert dialog.message.text().startswith("Only the referral's last step can be corrected")


def test_fix_the_last_step_waits_for_a_step_to_correct(qtbot, panel, signed_in, person):
    assert not panel.correct_button.isEnabled()  # no referral
    assert panel.correct_last() is None
    _refer(signed_in, person)
    panel.refresh()
    assert panel.list.selected() is not None
    assert not panel.correct_button.isEnabled()  # sent, and nothing since
    assert panel.correct_last() is None
    with qtbot.waitSignal(panel.changed):
        panel.steps.buttons[ReferralStatus.ACKNOWLEDGED].click()
    assert panel.correct_button.isEnabled()
