"""Revocation in the app: the record leaves the screen, the worker is told why
and what unsent work went with the keys, the app offers to enrol again (not a process
with no window), and re-enrolling works on the leftover store without deleting files."""

from __future__ import annotations

import pytest
from shiboken6 import isValid

import main
from app.config import Settings, resolve_paths
from app.services import people
from app.services.views import PersonInput
from app.store.keys import KdfParams
from app.ui.controller import AppController
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_app_sync_ui import _enrol_through_the_wizard

pytestmark = pytest.mark.slow


@pytest.fixture
def laptop(tmp_path):
    return resolve_paths(tmp_path / "app-laptop")


@pytest.fixture
def ctrl(qtbot, laptop, server):
    device = main.build_device_service(laptop, kdf=KdfParams.fast_for_tests())
    controller = AppController(device=device, settings=Settings(server_url=server.url),
                               version="t")
    yield controller
    controller.shutdown()


def _device_id(ctrl) -> str:
    from app.services.sync import _state

    return _state(ctrl.session, "server_device_id")


def test_revoked_says_why_and_what_was_lost_then_enrols_again(qtbot, ctrl, server, laptop):
    _enrol_through_the_wizard(qtbot, ctrl, server, "ann", "Custody North")
    qtbot.waitUntil(lambda: "last" in ctrl.main_window.sync_label.text(), timeout=10_000)
    device_id = _device_id(ctrl)
    ctrl.scheduler.stop()  # the person below must not reach the server first
    people.create_person(session=ctrl.session, person=PersonInput(
        given_name="Lee", family_name="Walker", date_of_birth="02/03/1990"))
    server.admin("revoke-device", "--device-id", device_id, "--reason", "stolen from a car",
                 "--yes")
    told: list[str] = []
    ctrl.show_revocation = told.append
    window = ctrl.main_window
    ctrl._start_sync(ctrl.session, window)
    qtbot.waitUntil(lambda: bool(told), timeout=15_000)

    # The record left the screen: the window is hidden and gone.
    assert ctrl.main_window is None and (not isValid(window) or not window.isVisible())
    assert "revoked" in told[0]
    assert "change(s) made here had not reached the server and were destroyed" in told[0]
    wizard = ctrl.first_run
    assert wizard is not None and wizard.isVisible()  # the app goes on, to enrol again
    assert wizard.mode_page.notice.isVisibleTo(wizard)
    assert "destroyed" in wizard.mode_page.notice.text()

    wizard.next()
    page = wizard.enrol_page
    page.code.setText(server.enrolment_code("Custody North"))
    page.laptop_name.clear()
    page.laptop_name.setText("Custody North laptop 3")
    page.username.setText("ann")
    page.password.setText(PASSWORD)
    wizard.next()
    assert wizard.currentPage() is not page, page.message.text()
    # The last page speaks to an enrolled laptop, not with the standalone warning.
    done = wizard.done_page.text.text()
    assert "team lead can recover" in done and "nobody can recover" not in done
    assert "Custody North laptop" in server.admin("list-devices")  # the name chosen, not vm
    wizard.accept()
    qtbot.waitUntil(lambda: ctrl.main_window is not None)
    assert not (laptop.key_wraps.parent / "revoked.json").exists()


def test_a_server_address_is_taken_as_a_worker_types_it():
    from app.services.device import normalise_server_address

    for typed in ("insideout.example.nhs.uk", "https://insideout.example.nhs.uk/",
                  "https://insideout.example.nhs.uk/api/v1", " insideout.example.nhs.uk/api "):
        assert normalise_server_address(typed) == "https://insideout.example.nhs.uk"
    assert normalise_server_address("http://127.0.0.1:8000/api/v1/") == "http://127.0.0.1:8000"
