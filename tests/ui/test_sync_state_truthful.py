"""The status bar says truthfully where sync stands.

What waits to send, online and offline, counted right after a save; offline keeps the
last good sync time; every time in local time; a failure in plain words (the library's
text goes to the log, not to the worker).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
import requests

from app.services import people
from app.services.sync import SyncReport, sync_status
from app.services.views import PersonInput
from app.store.sync.models import SyncState
from app.ui import operations
from app.ui.operations import SyncOperations
from app.ui.sync_scheduler import NotSyncing, SyncScheduler
from app.ui.sync_scheduler import describe as describe_ops
from sync.client.errors import explain

LAST_SYNC_UTC = datetime(2026, 3, 12, 8, 28, tzinfo=UTC)  # 13:58 in India (UTC+5:30)




@pytest.fixture
def enrolled(signed_in):
    """A laptop that synced once at LAST_SYNC_UTC (no server needed: cycles are faked)."""
    with signed_in.transaction() as db:
        for key, value in (("server_url", "https://insideout.example.nhs.uk"),
                           ("device_token", "t"), ("last_pull_at", LAST_SYNC_UTC.isoformat())):
            db.merge(SyncState(key=key, value=value))
    return signed_in


def describe(session, **kwargs) -> str:
    return describe_ops(SyncOperations(session), **kwargs)


def _save_someone(session, given: str = "Lee") -> None:
    people.create_person(session=session, person=PersonInput(
        given_name=given, family_name="Walker", date_of_birth="02/03/1990", sex="1"))


def _refused_connection() -> Exception:
    try:
        requests.get("http://127.0.0.1:9/", timeout=2)  # the discard port: nothing listens
    except requests.RequestException as error:
        return explain(error)
    raise AssertionError("something listens on port 9")


def _pending(session) -> int:
    return sync_status(session=session).pending


def _waiting(session) -> str:
    n = _pending(session)
    return f"{n} change{'s' * (n != 1)} waiting to send"


def test_online_says_the_last_sync_in_local_time_and_what_waits(enrolled, in_india):
    _save_someone(enrolled)
    now = datetime(2026, 3, 12, 9, 0, tzinfo=UTC).astimezone()
    assert describe(enrolled, now=now) == f"Sync: last synced 13:58 · {_waiting(enrolled)}"


def test_offline_keeps_the_last_sync_and_the_count(enrolled, in_india):
    _save_someone(enrolled)
    since = datetime(2026, 3, 12, 8, 32, tzinfo=UTC)
    text = describe(enrolled, now=since.astimezone(), not_syncing=NotSyncing(
        since, "no network", "The server cannot be reached: …", offline=True))
    assert text.startswith("Sync: offline since 14:02 (no network) — last synced 13:58 · ")
    assert text.endswith(" waiting to send") and "UTC" not in text


def test_another_day_is_dated(enrolled, in_india):
    now = datetime(2026, 3, 14, 9, 0, tzinfo=UTC).astimezone()
    assert describe(enrolled, now=now) == "Sync: last synced 12 Mar 13:58"


def test_a_failed_cycle_says_it_in_words_and_logs_the_details(qtbot, enrolled, monkeypatch,
                                                              caplog):
    failure = _refused_connection()
    monkeypatch.setattr(operations, "sync_now", lambda **_: (_ for _ in ()).throw(failure))
    _save_someone(enrolled)
    scheduler = SyncScheduler(SyncOperations(enrolled))
    details: list[str] = []
    scheduler.detail_changed.connect(details.append)
    with caplog.at_level(logging.WARNING), qtbot.waitSignal(
            scheduler.state_changed, timeout=10_000,
            check_params_cb=lambda _text, level: level == "error") as blocker:
        scheduler.sync_now()
    scheduler.stop()
    text, _level = blocker.args
    assert "HTTPConnectionPool" not in text and "Errno" not in text
    assert text.startswith("Sync: offline since ") and "(server not running, retrying)" in text
    assert "last synced" in text and "waiting to send" in text
    assert details[-1].startswith("The server cannot be reached: it refused the connection")
    assert "Sync tries again in 15 s." in details[-1]
    assert "HTTPConnectionPool" in caplog.text  # the library's words are kept for IT


def test_a_save_while_offline_counts_at_once(qtbot, enrolled, monkeypatch):
    failure = _refused_connection()
    monkeypatch.setattr(operations, "sync_now", lambda **_: (_ for _ in ()).throw(failure))
    scheduler = SyncScheduler(SyncOperations(enrolled))
    with qtbot.waitSignal(scheduler.state_changed, timeout=10_000,
                          check_params_cb=lambda _text, level: level == "error"):
        scheduler.sync_now()
    scheduler.stop()
    before = _pending(enrolled)
    _save_someone(enrolled, "Ann")  # what main_window does after a save: refresh()
    with qtbot.waitSignal(scheduler.state_changed, timeout=1_000) as blocker:
        scheduler.refresh()
    text, level = blocker.args
    after = _pending(enrolled)
    assert after > before and level == "error"
    assert text.startswith("Sync: offline since ")  # still offline, still since then
    assert text.endswith(f"· {_waiting(enrolled)}")


def test_a_save_while_online_counts_at_once(qtbot, enrolled, monkeypatch):
    monkeypatch.setattr(operations, "sync_now",
                        lambda **_: SyncReport())
    scheduler = SyncScheduler(SyncOperations(enrolled))
    with qtbot.waitSignal(scheduler.synced, timeout=10_000):
        scheduler.sync_now()
    scheduler.stop()
    _save_someone(enrolled)
    with qtbot.waitSignal(scheduler.state_changed, timeout=1_000) as blocker:
        scheduler.refresh()
    text, level = blocker.args
    assert level == "ok" and text.startswith("Sync: last synced ")
    assert text.endswith(f"· {_waiting(enrolled)}")
