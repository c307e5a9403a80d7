"""One way for a screen to do work: writes and network work go through the app's one
runner (a database lane, a network lane), and the window catches up from what changed."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThreadPool

from app.services import assessment, consent, people
from app.services.changes import Changed, Part
from app.services.consent import ConsentInput
from app.services.sync import SyncReport, SyncStatus
from app.services.views import PersonInput
from app.ui.main_window import MainWindow
from app.ui.operations import RecordOperations
from app.ui.person_view import PersonView
from app.ui.sync_scheduler import SyncScheduler
from app.ui.tasks import TaskRunner


@pytest.fixture
def person_id(signed_in):
    return people.create_person(session=signed_in, person=PersonInput(
        given_name="Lee", family_name="Walker", date_of_birth="02/03/1990", sex="1")).id


class Watched(RecordOperations):
    """The real operations, noting which thread each write and read ran on."""

    def __init__(self, session) -> None:
        super().__init__(session)
        self.threads: dict[str, threading.Thread] = {}

    def record_contact(self, person_id: str, setting: str) -> Changed:
        self.threads["record_contact"] = threading.current_thread()
        return super().record_contact(person_id, setting)

    def withdraw_consent(self, person_id: str, agency: str) -> Changed:
        self.threads["withdraw_consent"] = threading.current_thread()
        return super().withdraw_consent(person_id, agency)

    def fields_in_conflict(self, person_id: str) -> set[tuple[str, str]]:
        self.threads["fields_in_conflict"] = threading.current_thread()
        return super().fields_in_conflict(person_id)


def test_recording_a_contact_runs_on_the_database_lane(qtbot, signed_in, person_id):
    runner, ops = TaskRunner(), Watched(signed_in)
    view = PersonView(ops=ops, person_id=person_id, run=runner.run_db)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.changed) as said:
        view._record_contact()
    assert ops.threads["record_contact"] is not threading.main_thread()
    assert said.args[0] == Changed.of(person_id, Part.RECORD)
    assert view.contact_feedback.text().startswith("Contact recorded — custody")
    assert view.notice.full_text().startswith("Last contact: custody")


def test_withdrawing_consent_runs_on_the_database_lane(qtbot, signed_in, person_id):
    consent.record_consent(session=signed_in, person_id=person_id, typed=ConsentInput(
        ("police",), "verbal", "", True))
    runner, ops = TaskRunner(), Watched(signed_in)
    view = PersonView(ops=ops, person_id=person_id, run=runner.run_db)
    qtbot.addWidget(view)
    view.consent.confirm_withdrawal = lambda _name: True
    with qtbot.waitSignal(view.changed):
        view.consent.withdraw("police")
    assert ops.threads["withdraw_consent"] is not threading.main_thread()
    assert view.consent.withdraw_buttons["police"].isHidden()


def test_after_a_sync_the_open_record_is_read_on_the_database_lane(qtbot, signed_in,
                                                                   person_id):
    runner = TaskRunner()
    window = MainWindow(session=signed_in, version="t", idle_minutes=5, run=runner.run_db)
    qtbot.addWidget(window)
    view = window.open_person(person_id)
    ops = Watched(signed_in)
    view._ops = ops  # watch the reads the catch-up makes
    assessment.save_section(session=signed_in, person_id=person_id, section="housing",
                            typed={"housing_notes": "Hostel on North Hill"}, base={})
    window.after_sync()
    notes = view.panels["housing"].form.editors[("housing", "housing_notes")]
    qtbot.waitUntil(lambda: notes.toPlainText() == "Hostel on North Hill")
    assert ops.threads["fields_in_conflict"] is not threading.main_thread()


def test_the_window_catches_up_from_what_changed_only(qtbot, signed_in, person_id):
    window = MainWindow(session=signed_in, version="t", idle_minutes=5)
    qtbot.addWidget(window)
    view = window.open_person(person_id)
    assessment.save_section(session=signed_in, person_id=person_id, section="housing",
                            typed={"housing_notes": "Sofa at his sister's"}, base={})
    notes = view.panels["housing"].form.editors[("housing", "housing_notes")]
    window.apply(Changed.of("someone-else", Part.RECORD))
    assert notes.toPlainText() == ""  # another person's change leaves this record alone
    with qtbot.waitSignal(window.local_change):  # the sync line counts what waits
        window.apply(Changed.of(person_id, Part.RECORD))
    assert notes.toPlainText() == "Sofa at his sister's"


class FakeSync:
    def __init__(self) -> None:
        self.thread: threading.Thread | None = None

    def is_open(self) -> bool:
        return True

    def status(self) -> SyncStatus:
        return SyncStatus(True, "https://insideout.example", 0, 0, 0, "")

    def cycle(self, progress) -> SyncReport:
        self.thread = threading.current_thread()
        progress("push", 1, 1)
        return SyncReport()


def test_the_scheduler_runs_cycles_on_the_apps_network_lane(qtbot):
    runner, sync = TaskRunner(), FakeSync()
    scheduler = SyncScheduler(sync, runner=runner)
    with qtbot.waitSignal(scheduler.synced, timeout=10_000):
        scheduler.sync_now()
    scheduler.stop()
    assert sync.thread is not None and sync.thread is not threading.main_thread()
    assert scheduler.findChildren(QThreadPool) == []  # no thread pool of its own
