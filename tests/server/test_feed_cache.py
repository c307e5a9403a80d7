"""The feed cache: pages built from kept row text are the pages read in full, on both
backends, and a row written again while a page is read is never lost from it."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import text

from sync.server.models import Device
from sync.server.services import registry, sync_pull
from sync.server.storage import feed
from sync.server.storage.feed_cache import FeedCache
from tests.server.test_sync import change, push


def test_the_cache_serves_text_only_for_the_revision_it_was_kept_for() -> None:
    cache = FeedCache()
    cache.put(7, "rev-a", '{"seq":7}')
    assert cache.get(7, "rev-a") == '{"seq":7}'
    assert cache.get(7, "rev-b") is None  # same seq, another write: never the old text
    assert cache.get(8, "rev-a") is None


def test_the_cache_drops_its_oldest_writes_first_to_stay_in_its_size() -> None:
    cache = FeedCache(max_bytes=30)
    for seq in range(1, 5):
        cache.put(seq, f"r{seq}", "x" * 10)
    assert [cache.get(seq, f"r{seq}") is not None for seq in range(1, 5)] == [
        False, True, True, True]
    assert cache.size_bytes == 30
    cache.put(9, "r9", "y" * 31)  # larger than the whole cache: not kept, nothing dropped
    assert cache.get(9, "r9") is None and len(cache) == 3


def _family(world, device) -> tuple[str, list[str]]:
    """A person, then rows hanging off them, then the person edited (so the person's row
    is later in the feed than their children and is also sent first)."""
    person = str(uuid.uuid4())
    first = change(person)
    push(world, device, first)
    children = [change(person, row_id=str(uuid.uuid4()), table="contacts",
                       fields={"setting": f"custody {n}", "worker_name": "Ann \u00e9"})
                for n in range(3)]
    push(world, device, *children)
    push(world, device, change(person, base=first["revision_id"],
                               fields={"given_name": "Anne", "family_name": "Smith"}))
    return person, [c["row_id"] for c in children]


def _pull(world, device_id: str, cache: FeedCache | None, limit: int = 500,
          cursor: int = 0) -> dict:
    with world.sessions() as session:
        device = session.get_one(Device, device_id)
        return json.loads(sync_pull.pull(session, device, cursor, limit, True, None,
                                         cache).as_json())


def test_a_page_built_from_the_cache_is_the_page_read_in_full(world) -> None:
    laptop = world.enrol("Custody North")
    person, children = _family(world, laptop)
    cache = FeedCache()
    in_full = _pull(world, laptop.id, None)
    filling = _pull(world, laptop.id, cache)  # every row read in full, then kept
    assert len(cache) == len({row["seq"] for row in in_full["rows"]})
    from_cache = _pull(world, laptop.id, cache)
    assert in_full == filling == from_cache
    assert [r["row_id"] for r in from_cache["rows"]] == [person, *children, person]
    # And the rows really come from the cache: kept text for the same write is sent as is.
    first = in_full["rows"][1]
    cache.put(first["seq"], first["revision_id"], json.dumps({**first, "hlc": "from-cache"}))
    assert _pull(world, laptop.id, cache)["rows"][1]["hlc"] == "from-cache"


def test_text_kept_for_another_write_at_the_same_seq_is_not_sent(world) -> None:
    laptop = world.enrol("Custody North")
    _family(world, laptop)
    in_full = _pull(world, laptop.id, None)
    cache = FeedCache()
    for row in in_full["rows"]:  # a database restored under a running server
        cache.put(row["seq"], str(uuid.uuid4()), '{"stale": true}')
    assert _pull(world, laptop.id, cache) == in_full


def _rewrite_between_the_reads(monkeypatch, person: str) -> str:
    """Between the first read of a page and the reading of its rows' text, write the
    person's row again as a push from another laptop does: the row leaves its seq for a
    new one past the old ceiling. Returns the new revision id."""
    read_page = feed.page
    rewritten = str(uuid.uuid4())
    done: list[bool] = []

    def page_then_rewrite(session, *args, **kwargs):
        found = read_page(session, *args, **kwargs)
        if not done:
            done.append(True)
            session.execute(text("UPDATE sync_counter SET value = value + 1 WHERE id = 1"))
            session.execute(text(
                "UPDATE sync_rows SET seq = (SELECT value FROM sync_counter WHERE id = 1), "
                "revision_id = :rev, fields_json = :fields WHERE row_id = :person"),
                {"rev": rewritten, "person": person,
                 "fields": json.dumps({"given_name": "Annie", "family_name": "Smith"})})
        return found

    monkeypatch.setattr(feed, "page", page_then_rewrite)
    return rewritten


def test_a_row_written_again_while_its_page_is_read_arrives_at_its_new_place(
        world, monkeypatch) -> None:
    laptop = world.enrol("Custody North")
    person, _ = _family(world, laptop)
    rewritten = _rewrite_between_the_reads(monkeypatch, person)
    page = _pull(world, laptop.id, FeedCache())
    people = [row for row in page["rows"] if row["table"] == "people"]
    assert people and all(row["revision_id"] == rewritten for row in people)
    assert people[-1]["fields"]["given_name"] == "Annie"
    assert page["next_cursor"] == max(row["seq"] for row in page["rows"])
    assert len([r for r in page["rows"] if r["table"] == "contacts"]) == 3


def test_a_page_read_again_still_tells_the_laptop_who_left_its_team(
        world, monkeypatch) -> None:
    """The first read records the scope version it is sending before it finds a row
    moved and gives up; the second must still send the people who left."""
    laptop = world.enrol("Custody North")
    leaving, _ = _family(world, laptop)
    cursor = _pull(world, laptop.id, None)["next_cursor"]
    staying, _ = _family(world, laptop)  # after the cursor: in the next page
    with world.sessions.begin() as session:
        registry.move_person(session, leaving, world.teams["Prison In-Reach"])
    _rewrite_between_the_reads(monkeypatch, staying)
    page = _pull(world, laptop.id, FeedCache(), cursor=cursor)
    assert page["evicted_people"] == [leaving]
    assert {row["row_id"] for row in page["rows"] if row["table"] == "people"} == {staying}


def test_a_device_catching_up_on_history_is_read_in_full_until_it_reaches_held_rows(
        world) -> None:
    laptop = world.enrol("Custody North")
    _family(world, laptop)
    cache = FeedCache()
    assert not cache.reads_in_full(laptop.id)  # nothing known yet: try the cache first
    _pull(world, laptop.id, cache)  # a first sync: nothing was held
    assert cache.reads_in_full(laptop.id)
    _pull(world, laptop.id, cache)  # now every row is held
    assert not cache.reads_in_full(laptop.id)
    cache.note_page(laptop.id, held=0, total=0)  # an empty page says nothing
    assert not cache.reads_in_full(laptop.id)
