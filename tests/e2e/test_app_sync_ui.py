"""The app against a real server: enrol in the first-run wizard, background sync, status
bar, Sync now (F5), conflicts shown and resolved in the Conflicts view."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

import main
from app.config import Settings, resolve_paths
from app.services import assessment, consent, people
from app.services.sync import sync_now
from app.services.views import PersonInput
from app.store.keys import KdfParams
from app.ui.controller import AppController
from tests.e2e.conftest import PASSWORD

pytestmark = pytest.mark.slow


@pytest.fixture
def app_controller(qtbot, tmp_path, server):
    device = main.build_device_service(resolve_paths(tmp_path / "app-laptop"),
                                       kdf=KdfParams.fast_for_tests())
    controller = AppController(device=device, settings=Settings(server_url=server.url),
                               version="t")
    yield controller
    controller.shutdown()


def test_enrol_sync_and_resolve_a_conflict_in_the_app(qtbot, app_controller, server, enrol):
    ctrl = app_controller
    ctrl.start()
    wizard = ctrl.first_run
    assert wizard.mode_page.enrol.isChecked()
    wizard.next()
    page = wizard.enrol_page
    assert page.server.text() == server.url  # pre-set by IT's install-time defaults
    qtbot.keyClicks(page.code, server.enrolment_code("Custody North"))
    qtbot.keyClicks(page.username, "ann")
    qtbot.keyClicks(page.password, PASSWORD)
    wizard.next()
    assert wizard.currentPage() is not page, page.message.text()
    wizard.accept()
    qtbot.waitUntil(lambda: ctrl.main_window is not None)
    window = ctrl.main_window
    qtbot.waitUntil(lambda: "last" in window.sync_label.text(), timeout=10_000)

    other = enrol("cal", "Custody North")
    lee = people.create_person(session=other.session, person=PersonInput(
        given_name="Lee", family_name="Walker"))
    assessment.save_section(session=other.session, person_id=lee.id, section="housing",
                            typed={"housing_notes": "tent"})
    sync_now(session=other.session)
    with qtbot.waitSignal(ctrl.scheduler.synced, timeout=10_000):
        window.sync_action.trigger()  # F5
    assert [window.caseload.person_at(r).id for r in range(window.caseload.rowCount())] \
        == [lee.id]

    # Both change the same answer while apart; the app shows the conflict and resolves it.
    assessment.save_section(session=ctrl.session, person_id=lee.id, section="housing",
                            typed={"housing_notes": "hostel"})
    assessment.save_section(session=other.session, person_id=lee.id, section="housing",
                            typed={"housing_notes": "sister's sofa"})
    sync_now(session=other.session)
    with qtbot.waitSignal(ctrl.scheduler.synced, timeout=10_000):
        ctrl.scheduler.sync_now()
    assert "1 conflict" in window.sync_label.text()
    dialog = ctrl.show_conflicts()
    [card] = dialog.cards
    # cal's value reached the server first and is current; ann's is held in the conflict.
    assert (card.conflict.current, card.conflict.other) == ("sister's sofa", "hostel")
    assert card.conflict.other_worker == "Ann" and "WALKER, Lee" in card.title()
    qtbot.mouseClick(card.take, Qt.MouseButton.LeftButton)  # use the held value
    # Written on the database lane; the dialog lists again when it is done.
    qtbot.waitUntil(lambda: dialog.cards == [] or all(c.isHidden() for c in dialog.cards))
    with qtbot.waitSignal(ctrl.scheduler.synced, timeout=10_000):
        ctrl.scheduler.sync_now()
    sync_now(session=other.session)
    for session in (ctrl.session, other.session):
        values = assessment.load_assessment(session=session, person_id=lee.id).values
        assert values["housing"]["housing_notes"] == "hostel"
    assert "conflict" not in window.sync_label.text()


def _enrol_through_the_wizard(qtbot, ctrl, server, username, team):
    ctrl.start()
    ctrl.first_run.next()
    page = ctrl.first_run.enrol_page
    page.code.setText(server.enrolment_code(team))
    page.username.setText(username)
    page.password.setText(PASSWORD)
    ctrl.first_run.next()
    ctrl.first_run.accept()
    qtbot.waitUntil(lambda: ctrl.main_window is not None)


def test_the_app_keeps_working_and_retries_when_the_server_is_down(qtbot, app_controller,
                                                                  server):
    ctrl = app_controller
    _enrol_through_the_wizard(qtbot, ctrl, server, "ann", "Custody North")
    server.stop()
    with qtbot.waitSignal(ctrl.scheduler.state_changed, timeout=60_000,
                          check_params_cb=lambda text, level: level == "error"):
        ctrl.scheduler.sync_now()
    assert "retrying" in ctrl.main_window.sync_label.text()
    person = people.create_person(session=ctrl.session, person=PersonInput(
        given_name="Still", family_name="Working"))  # offline work goes on
    server.start()
    with qtbot.waitSignal(ctrl.scheduler.synced, timeout=60_000):
        ctrl.scheduler.sync_now()
    assert "waiting" not in ctrl.main_window.sync_label.text()
    assert person.id


def test_prison_worker_fetches_a_custody_person_through_the_app(qtbot, app_controller, server,
                                                                enrol):
    custody = enrol("ann", "Custody North")
    person = people.create_person(session=custody.session, person=PersonInput(
        given_name="Darren", family_name="Smith", date_of_birth="23/11/1984", sex="1",
        prison_number="A1234BC"))
    consent.give_consent(session=custody.session, person_id=person.id, agency="prison")
    sync_now(session=custody.session)

    ctrl = app_controller
    _enrol_through_the_wizard(qtbot, ctrl, server, "bob", "Prison In-Reach")
    dialog = ctrl.show_elsewhere()
    qtbot.keyClicks(dialog.typed, "a1234bc")
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.search_button, Qt.MouseButton.LeftButton)
    assert not dialog.search_button.isEnabled()  # off the UI thread: the window stays live
    qtbot.waitUntil(lambda: dialog.search_button.isEnabled(), timeout=20_000)
    assert dialog.results.count() == 1, dialog.message.text()
    qtbot.keyClicks(dialog.reason, "remanded to HMP Chelmsford this morning")
    with qtbot.waitSignal(dialog.fetched, timeout=20_000):
        qtbot.mouseClick(dialog.fetch_button, Qt.MouseButton.LeftButton)
    window = ctrl.main_window
    assert window.person_view is not None and window.person_view.person_id == person.id
    assert "SMITH, Darren" in window.person_view.banner.name.text()
