"""A push hands its committed rows' text to the feed cache: the team's next pulls are
served without reading a sealed row back and opening it, and are byte for byte the pages
read in full. A push that does not commit leaves nothing there. Both backends."""

from __future__ import annotations

import uuid

import pytest

from sync.server.models import Device
from sync.server.services import sealing, sync_pull
from sync.server.storage import push_batch
from sync.server.storage.feed_cache import FeedCache
from tests.server.test_sync import change, push


def _page(world, device_id: str, cache: FeedCache | None) -> str:
    with world.sessions() as session:
        device = session.get_one(Device, device_id)
        return sync_pull.pull(session, device, 0, 500, True, None, cache).as_json()


def _new_edited_and_merged(world, a, b) -> None:
    """New rows, an edit in place, and a merge that makes a conflict row (written by the
    server, not pushed) and a merged revision: every kind of row a push writes."""
    person = str(uuid.uuid4())
    first = change(person, fields={"given_name": "Ann", "family_name": "Smith"})
    contact = change(person, row_id=str(uuid.uuid4()), table="contacts",
                     fields={"setting": "custody", "worker_name": "Ann \u00e9"})
    assert [r["status"] for r in push(world, a, first, contact)] == ["applied"] * 2
    edit = change(person, base=first["revision_id"], fields={"given_name": "Anne"})
    assert push(world, a, edit)[0]["status"] == "applied"
    other = change(person, base=first["revision_id"], fields={"given_name": "Annie"})
    [merged] = push(world, b, other)
    assert (merged["status"], merged["conflicts"]) == ("merged", 1)


def test_a_pushed_row_is_pulled_from_the_cache_as_the_database_would_give_it(
        world, monkeypatch) -> None:
    a, b = world.enrol("Custody North", "a"), world.enrol("Custody North", "b")
    reader = world.enrol("Custody North", "reader")
    _new_edited_and_merged(world, a, b)
    in_full = _page(world, reader.id, None)  # every row read back and opened
    cache: FeedCache = world.client.app.state.feed_cache
    assert len(cache) >= 5  # each row each push wrote (superseded ones are there too)

    def never(*_args, **_kwargs):
        raise AssertionError("a row the push had just written was read back and opened")

    monkeypatch.setattr(sealing, "open_records", never)
    assert _page(world, reader.id, cache) == in_full  # the same bytes, nothing opened


def test_a_push_that_does_not_commit_leaves_nothing_in_the_cache(world, monkeypatch) -> None:
    laptop = world.enrol("Custody North")
    push(world, laptop, change(str(uuid.uuid4())))
    cache: FeedCache = world.client.app.state.feed_cache
    kept = len(cache)

    def fails(*_args, **_kwargs):
        raise RuntimeError("the commit failed")

    monkeypatch.setattr(push_batch, "write_rows_and_commit", fails)
    with pytest.raises(RuntimeError):
        push(world, laptop, change(str(uuid.uuid4())))
    assert len(cache) == kept


def test_without_the_cache_the_rows_are_read_and_opened(world, monkeypatch) -> None:
    """The other side of the first test: a process that did not take the push (another
    worker process) opens the rows, and gives the same page."""
    a, b = world.enrol("Custody North", "a"), world.enrol("Custody North", "b")
    _new_edited_and_merged(world, a, b)
    in_full = _page(world, b.id, None)
    opened = []
    real = sealing.open_records

    def counted(session, rows):
        opened.extend(rows)
        return real(session, rows)

    monkeypatch.setattr(sealing, "open_records", counted)
    assert _page(world, b.id, FeedCache()) == in_full
    assert opened  # an empty cache really does read them
