"""A push waits on PostgreSQL three times, whatever the batch: its locks and reads go
together, then its writes, then the feed rows with the COMMIT. With one request at a
time per server process, every wait is a process standing still."""

from __future__ import annotations

import os
import tempfile
import uuid

import psycopg
import pytest

from sync.server.models import Device
from sync.server.services import sync_push
from tests.server.test_push_races import sessions  # noqa: F401  (fixture)
from tests.server.test_sync import change

pytestmark = pytest.mark.postgres


def _round_trips(session, work) -> int:
    """How many times `work` waited for PostgreSQL: each wait ends with ReadyForQuery."""
    raw = session.connection().connection.driver_connection
    with tempfile.TemporaryFile("w+") as trace:
        raw.pgconn.trace(trace.fileno())
        raw.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            work()
        finally:
            raw.pgconn.untrace()
        os.fsync(trace.fileno())
        trace.seek(0)
        return sum(1 for line in trace if line.startswith("B") and "ReadyForQuery" in line)


@pytest.mark.parametrize("people", [1, 20])
def test_a_push_of_new_people_waits_three_times(sessions, people) -> None:  # noqa: F811
    factory, device_id = sessions
    with factory() as session:
        device = session.get_one(Device, device_id)
        changes = [change(str(uuid.uuid4())) for _ in range(people)]
        replies: list[dict] = []
        trips = _round_trips(session, lambda: replies.append(
            sync_push.push(session, device, changes)))
    assert [r["status"] for r in replies[0]["results"]] == ["applied"] * people
    assert trips == 3


def test_an_edit_of_a_known_person_adds_only_the_scope_check(sessions) -> None:  # noqa: F811
    factory, device_id = sessions
    person = str(uuid.uuid4())
    first = change(person)
    with factory() as session:
        sync_push.push(session, session.get_one(Device, device_id), [first])
    with factory() as session:
        device = session.get_one(Device, device_id)
        edit = change(person, base=first["revision_id"], fields={"given_name": "Anne"})
        replies: list[dict] = []
        trips = _round_trips(session, lambda: replies.append(
            sync_push.push(session, device, [edit])))
    assert replies[0]["results"][0]["status"] == "applied"
    assert trips == 4  # may this device change this person: its own read, after the first
