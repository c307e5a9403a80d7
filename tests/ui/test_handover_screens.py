"""Handing a person over, the inbox, the key worker and the under-18s' screens, through
the real widgets."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from app.services import allocation, assessment, people
from app.services.views import PersonInput
from app.store.sync.store import EncryptedSyncStore
from app.ui.caseload_model import WHERE
from app.ui.main_window import MainWindow
from app.ui.operations import RecordOperations
from app.ui.person_view import PersonView
from app.ui.triage_view import TriageView
from sync import protocol as p
from tests.careplan.helpers import add_person
from tests.services.test_handover_local import COMMUNITY, CUSTODY, _enrolled_in, _from_server
from tests.services.test_set_aside import page
from tests.services.test_set_aside import person as person_row


@pytest.fixture
def window(qtbot, signed_in) -> MainWindow:
    shown = MainWindow(session=signed_in, version="t", idle_minutes=5)
    qtbot.addWidget(shown)
    shown.show()
    with qtbot.waitActive(shown):
        shown.activateWindow()
    return shown


def _press(qtbot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def _queued(session, table: str) -> list[p.Change]:
    return [c for c in EncryptedSyncStore(session.open_store).pending_changes(500)
            if c["table"] == table]


def test_a_handover_made_by_keyboard_shows_in_the_banner_the_caseload_and_the_outbox(
        qtbot, window, signed_in):
    _enrolled_in(signed_in, CUSTODY)
    person = add_person(signed_in)
    view = window.open_person(person)
    assert view.banner.team_text().startswith("Key worker:")
    assert "In handover" not in view.banner.team_text()

    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    dialog = view.handover_dialog
    assert dialog is not None
    # Offscreen, the dialog never becomes the active window: keys go to its widgets.
    qtbot.keyClicks(dialog.team, "Harlow comm")  # type to choose
    assert dialog.team.currentData() == COMMUNITY["team_id"]
    assert dialog.team.findData(CUSTODY["team_id"]) == -1  # never this laptop's own team
    assert not dialog.password.isEnabled()  # the teams are here: no password asked
    qtbot.keyClick(dialog.reasons.buttons()[0], Qt.Key.Key_Space)  # Release
    assert dialog.reason() == "release"
    qtbot.keyClicks(dialog.note, "Out Friday; his sister meets him")
    qtbot.keyClick(dialog.save_button, Qt.Key.Key_Space)  # Hand over

    assert not dialog.isVisible()
    [sent] = _queued(signed_in, p.HANDOVER_REQUESTS_TABLE)
    assert sent["person_id"] == person and sent["fields"]["reason"] == "release"
    assert sent["fields"]["note"] == "Out Friday; his sister meets him"
    said = view.banner.team_text()
    assert "In handover to Harlow community" in said and "waiting to be sent" in said
    assert not view.hand_over_button.isEnabled()
    window.refresh_caseload()
    row = next(r for r in range(window.caseload.rowCount())
               if window.caseload.person_at(r).id == person)
    where = window.caseload.index(row, WHERE)
    assert window.caseload.data(where) == "In handover"
    assert "In handover to Harlow community" in window.caseload.data(
        where, Qt.ItemDataRole.ToolTipRole)
    assert "In handover to Harlow community" in window.caseload.data(
        window.caseload.index(row, 0), Qt.ItemDataRole.ToolTipRole)


def test_a_handover_needs_a_team_and_a_reason_and_keeps_what_was_typed(qtbot, signed_in):
    _enrolled_in(signed_in, CUSTODY)
    view = PersonView(ops=RecordOperations(signed_in), person_id=add_person(signed_in))
    qtbot.addWidget(view)
    dialog = view.hand_over()
    dialog.note.setPlainText("Moving to Chelmsford")
    dialog.save()
    assert dialog.isVisible()
    assert dialog.errors["to_team"].isVisibleTo(dialog)
    assert "Say why" in dialog.errors["reason"].text()
    assert dialog.note.toPlainText() == "Moving to Chelmsford"
    assert not _queued(signed_in, p.HANDOVER_REQUESTS_TABLE)


def test_with_no_list_of_teams_and_no_server_sign_in_it_asks_for_the_password(qtbot,
                                                                              signed_in):
    view = PersonView(ops=RecordOperations(signed_in), person_id=add_person(signed_in))
    qtbot.addWidget(view)
    dialog = view.hand_over()
    assert dialog.password.isEnabled() and dialog.get_teams.isEnabled()
    assert "type your password" in dialog.errors["to_team"].text()


def _handed_to_us(signed_in, *, accept_by: date, state: str = "open") -> tuple[str, str]:
    _enrolled_in(signed_in, COMMUNITY)
    person = add_person(signed_in)
    handover_id = str(uuid.uuid4())
    _from_server(signed_in, person, handover_id, accept_by=accept_by.isoformat(), state=state)
    return person, handover_id


def test_the_inbox_lists_an_inbound_handover_and_accept_empties_it(qtbot, window, signed_in):
    _person, handover_id = _handed_to_us(signed_in,
                                         accept_by=date.today() + timedelta(days=2))
    window.refresh_handover_count()
    assert window.handover_count.isVisible()
    assert window.handover_count.text().startswith("1 handover to accept")

    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    inbox = window.inbox
    assert inbox is not None and inbox.table.topLevelItemCount() == 1
    row = inbox.table.topLevelItem(0)
    texts = [row.text(c) for c in range(row.columnCount())]
    assert texts[1] == "SMITH, Darren"  # the person by name, never an id
    assert texts[2] == "Inbound" and texts[3] == "Harlow custody → Harlow community"
    assert texts[4] == "Release" and texts[5] == "Jo Bloggs"
    assert texts[0] == f"{date.today() + timedelta(days=2):%d/%m/%Y}"  # not overdue
    assert inbox.accept_button.isEnabled()

    qtbot.keyClick(inbox.accept_button, Qt.Key.Key_Space)

    [sent] = _queued(signed_in, p.HANDOVER_ACCEPTANCES_TABLE)
    assert sent["fields"]["handover_id"] == handover_id
    assert inbox.table.topLevelItemCount() == 0
    assert inbox.stack.currentWidget() is inbox.empty
    assert "No handovers waiting" in inbox.empty.text()
    assert not window.handover_count.isVisible()


def test_an_overdue_handover_is_red_and_says_so(qtbot, window, signed_in):
    _handed_to_us(signed_in, accept_by=date.today() - timedelta(days=3))
    inbox = window.open_inbox()
    row = inbox.table.topLevelItem(0)
    assert row.text(0).startswith("OVERDUE 3 days late — ")
    assert row.foreground(1).color().name() == "#a4161a"


def test_a_handover_not_yet_sent_cannot_be_accepted_and_opens_the_record(qtbot, window,
                                                                         signed_in):
    _enrolled_in(signed_in, CUSTODY)
    person = add_person(signed_in)
    from app.services import handover
    handover.request_handover(session=signed_in, person_id=person,
                              to_team_id=COMMUNITY["team_id"], reason="transfer")
    inbox = window.open_inbox()
    row = inbox.table.topLevelItem(0)
    assert row.text(2) == "Outbound" and row.text(6).endswith("(not sent yet)")
    assert not inbox.accept_button.isEnabled()
    inbox.open_record()
    assert window.person_view is not None and window.person_view.person_id == person


def test_a_team_lead_changes_the_key_worker(qtbot, window, signed_in):
    person = add_person(signed_in)  # whoever records a person holds them
    allocation.allocate(session=signed_in, person_id=person, worker_id=str(uuid.uuid4()),
                        worker_name="Sam Patel")
    view = window.open_person(person)
    assert "Key worker: Sam Patel" in view.banner.team_text()
    assert window.key_worker_action.isVisible()
    window.key_worker_action.trigger()
    dialog = view.key_worker_dialog
    assert dialog is not None
    names = [dialog.workers.item(i).text() for i in range(dialog.workers.count())]
    assert names == ["Jo Bloggs", "Sam Patel  (now)"]  # signed in here, or held someone
    dialog.workers.setCurrentRow(0)
    dialog.give()
    assert "Key worker: Jo Bloggs" in view.banner.team_text()
    assert allocation.key_worker(session=signed_in, person_id=person).key_worker_name \
        == "Jo Bloggs"


def test_a_worker_cannot_change_the_key_worker_but_takes_on_someone_nobody_holds(
        qtbot, signed_in):
    signed_in.worker = dataclasses.replace(signed_in.worker, role="worker")
    shown = MainWindow(session=signed_in, version="t", idle_minutes=5)
    qtbot.addWidget(shown)
    person = _received_unheld(signed_in)
    view = shown.open_person(person)
    assert "Key worker: none allocated" in view.banner.team_text()
    assert not shown.key_worker_action.isVisible()
    assert view.change_key_worker() is None
    assert shown.take_on_action.isVisible()
    shown.take_on_action.trigger()
    assert "Key worker: Jo Bloggs" in view.banner.team_text()
    assert not shown.take_on_action.isVisible()  # held now: nothing to take on


def _received_unheld(session) -> str:
    """A person another laptop recorded, with no allocation yet."""
    someone = person_row("Lee")
    EncryptedSyncStore(session.open_store).apply_page(page([someone], 5))
    return someone["row_id"]


def _young(session) -> str:
    made = people.create_person(session=session, person=PersonInput(
        given_name="Kai", family_name="Young", date_of_birth=(
            f"{date.today().replace(year=date.today().year - 15):%d/%m/%Y}")))
    return made.id


def test_an_under_18s_triage_asks_the_safeguarding_questions_and_an_adults_does_not(
        qtbot, signed_in):
    young = TriageView(ops=RecordOperations(signed_in), person_id=_young(signed_in))
    adult = TriageView(ops=RecordOperations(signed_in), person_id=add_person(signed_in))
    for view in (young, adult):
        qtbot.addWidget(view)
    assert "young_person" in young.form.sections()
    assert "young_person" not in adult.form.sections()
    # Said before the worker starts, not only when the save is refused.
    hints = [" ".join(label.text() for label in view.findChildren(QLabel))
             for view in (young, adult)]
    assert "must be answered before this saves" in hints[0]
    assert "must be answered before this saves" not in hints[1]


def test_only_an_under_18s_record_lists_the_young_persons_section(qtbot, signed_in):
    young = PersonView(ops=RecordOperations(signed_in), person_id=_young(signed_in))
    adult = PersonView(ops=RecordOperations(signed_in), person_id=add_person(signed_in))
    for view in (young, adult):
        qtbot.addWidget(view)
    titles = [[v.sections.item(i).text() for i in range(v.sections.count())]
              for v in (young, adult)]
    assert any("Young person" in t for t in titles[0])
    assert not any("Young person" in t for t in titles[1])
    assert "young people's service leads" in young.banner.pathway.text()


def test_a_retired_answer_is_shown_read_only_and_an_empty_one_not_at_all(qtbot, signed_in):
    person = add_person(signed_in)
    # As an answer typed before the field was retired: stored straight into the record.
    assessment.save_section(session=signed_in, person_id=person, section="criminal_justice",
                            typed={"court_name": "Basildon Crown"})
    view = PersonView(ops=RecordOperations(signed_in), person_id=person)
    qtbot.addWidget(view)
    view.show()
    form = view.open_section("criminal_justice").form
    assert ("criminal_justice", "court_name") not in form.editors  # not asked any more
    shown = form.retired[("criminal_justice", "court_name")]
    assert shown.isVisibleTo(view) and shown.text() == "Basildon Crown"
    assert "(now on the Journey tab)" in shown.accessibleName()
    assert not form.retired[("criminal_justice", "court_date")].isVisibleTo(view)


def test_the_hand_over_dialog_and_the_inbox_fit_a_small_screen(qtbot, signed_in, qapp):
    from app.ui.resources import stylesheet
    from tests.ui.test_fits_small_screen import _buttons, assert_fits
    qapp.setStyleSheet(stylesheet())
    person, _id = _handed_to_us(signed_in, accept_by=date.today() - timedelta(days=3))
    view = PersonView(ops=RecordOperations(signed_in), person_id=person)
    qtbot.addWidget(view)
    dialog = view.hand_over()
    dialog.save()  # with its problems showing
    shown = MainWindow(session=signed_in, version="t", idle_minutes=5)
    qtbot.addWidget(shown)
    inbox = shown.open_inbox()
    try:
        assert_fits(dialog, _buttons(dialog, "Hand over", "Cancel"))
        assert_fits(inbox, _buttons(inbox, "Accept", "Open record", "Close"))
    finally:
        qapp.setStyleSheet("")


def test_a_record_this_team_handed_over_is_read_only_and_says_why(qtbot, window, signed_in):
    from app.services import handover
    _enrolled_in(signed_in, CUSTODY)
    person = add_person(signed_in)
    view = window.open_person(person)
    assert view.edit_button.isEnabled() and view.record_contact_button.isEnabled()
    handover.request_handover(session=signed_in, person_id=person, reason="release",
                              to_team_id=COMMUNITY["team_id"])
    view.reload()

    assert view.banner.team_text().endswith("READ-ONLY here")
    assert "handed over to Harlow community" in view.banner.team.toolTip()
    for button in (view.record_contact_button, view.triage_button, view.edit_button,
                   view.merge_button, view.hand_over_button):
        assert not button.isEnabled()
    assert "Read-only: handed over to Harlow community" in view.edit_button.toolTip()
    # A save that still gets through (a form left open) is refused in words, not queued.
    view.sections.setCurrentRow(view._section_ids.index("risk"))
    panel = view.panels["risk"]
    qtbot.keyClicks(panel.form.editors[("risk", "risk_notes")], "carries naloxone")
    panel.save()
    qtbot.waitUntil(lambda: not panel.busy)
    assert "handed over to Harlow community" in panel.feedback.text()
    assert _queued(signed_in, "assessment_values") == []


def test_a_record_handed_to_this_team_stays_editable(qtbot, window, signed_in):
    _enrolled_in(signed_in, COMMUNITY)
    person, _ = _handed_to_us(signed_in, accept_by=date.today() + timedelta(days=2))
    view = window.open_person(person)

    assert "READ-ONLY" not in view.banner.team_text()
    assert view.edit_button.isEnabled() and view.record_contact_button.isEnabled()
