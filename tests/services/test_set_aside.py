"""A pulled row this laptop cannot store is set aside with its reason, in the page's own
transaction; the good rows around it are stored, the cursor moves on and the next page
applies. Before this, any one of these rows stopped every later sync of the team."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from app import config
from app.store.models import Person
from app.store.person_models import AssessmentValue, Contact
from app.store.sync import store as sync_store
from app.store.sync.models import SetAsideRow
from app.store.sync.store import EncryptedSyncStore
from sync import protocol as p

DEVICE = str(uuid.uuid4())
WORKER = str(uuid.uuid4())
_seq = itertools.count(1)


def hlc() -> str:
    return f"{time.time_ns() // 1_000_000:015d}-00000-{DEVICE}"


def row(table: str, person_id: str, fields: dict[str, Any], *, row_id: str | None = None,
        append_only: bool = False, revision_id: str | None = None) -> dict[str, Any]:
    """A pulled row as the server sends it."""
    return {"seq": next(_seq), "table": table, "row_id": row_id or str(uuid.uuid4()),
            "person_id": person_id, "revision_id": revision_id or str(uuid.uuid4()),
            "hlc": hlc(), "device_id": DEVICE, "worker_id": WORKER,
            "append_only": append_only, "fields": fields}


def person(given: str, person_id: str | None = None, **extra: Any) -> dict[str, Any]:
    person_id = person_id or str(uuid.uuid4())
    return row("people", person_id, {"created_hlc": hlc(), "given_name": given,
                                     "family_name": "Walker", **extra}, row_id=person_id)


def answer(person_id: str, field: str = "drugs_used", *, row_id: str | None = None,
           value: Any = "heroin") -> dict[str, Any]:
    return row("assessment_values", person_id, {
        "created_hlc": hlc(), "person_id": person_id, "section": "substance_use",
        "field": field, "value_json": json.dumps(value)}, row_id=row_id)


def contact(person_id: str, **fields: Any) -> dict[str, Any]:
    return row("contacts", person_id, {
        "created_hlc": hlc(), "person_id": person_id, "setting": "custody",
        "at_utc": "2024-05-01T10:00:00+00:00", "worker_name": "Ann", **fields})


def page(rows: list[dict[str, Any]], cursor: int) -> p.PullResponse:
    return {"rows": rows, "next_cursor": cursor, "has_more": False,  # type: ignore[typeddict-item]
            "evicted_people": [], "scope_version": None}


def poison_rows(known_person: str) -> dict[str, dict[str, Any]]:
    """The six kinds of row the server once accepted and no laptop could store."""
    nobody = str(uuid.uuid4())
    first = answer(known_person, "injecting")
    second = answer(known_person, "injecting", value="no")  # same person, section, field
    contact_row = contact(known_person)
    del contact_row["fields"]["setting"]
    return {
        "people with no fields": row("people", (pid := str(uuid.uuid4())), {}, row_id=pid),
        "an answer naming an unknown person": answer(nobody) | {"person_id": nobody},
        "_conflicts with no fields": row(p.CONFLICTS_TABLE, known_person, {}),
        "an integer of 2**70": row("care_plan_versions", known_person, {
            "created_hlc": hlc(), "person_id": known_person, "number": 2**70,
            "content_json": "{}", "created_at": "2024-05-01T10:00:00+00:00"}),
        "a contact without its setting": contact_row,
        "the first answer for a field": first,
        "a second answer for the same field": second,
    }


@pytest.fixture
def store(signed_in) -> EncryptedSyncStore:
    return EncryptedSyncStore(signed_in.open_store)


def reasons(store: EncryptedSyncStore) -> dict[tuple[str, str], str]:
    return {(r.table_name, r.row_id): r.reason for r in store.set_aside_rows()}


def count(session, model: type) -> int:
    with session.transaction() as db:
        return db.scalar(select(func.count()).select_from(model)) or 0


def test_each_poison_row_is_set_aside_and_the_rows_around_it_are_stored(signed_in, store):
    ann, bob = person("Ann"), person("Bob")
    poison = poison_rows(ann["row_id"])
    first = poison.pop("the first answer for a field")
    rows = [ann, first, *poison.values(), answer(ann["row_id"]), contact(ann["row_id"]), bob]
    assert store.apply_page(page(rows, cursor=40)) == len(rows)

    assert store.position() == (40, None)  # the cursor moved past every one of them
    got = reasons(store)
    expect = {
        "people with no fields": "created_hlc, family_name, given_name missing",
        "an answer naming an unknown person": "FOREIGN KEY constraint failed",
        "_conflicts with no fields": "missing",
        "an integer of 2**70": "number must be from 1 to 100000",
        "a contact without its setting": "setting missing",
        "a second answer for the same field": "UNIQUE constraint failed",
    }
    for kind, bad in poison.items():
        assert expect[kind] in got.pop((bad["table"], bad["row_id"])), kind
    assert got == {}
    with signed_in.transaction() as db:
        assert {p_.given_name for p_ in db.scalars(select(Person))} == {"Ann", "Bob"}
        assert db.scalar(select(func.count()).select_from(AssessmentValue)) == 2
        assert db.scalar(select(func.count()).select_from(Contact)) == 1
    assert store.counts()["set_aside"] == 6

    carl = person("Carl")  # and the next page applies as ever
    store.apply_page(page([carl, answer(carl["row_id"])], cursor=41))
    assert store.position() == (41, None)
    assert count(signed_in, Person) == 3


def test_a_set_aside_row_keeps_what_was_received_and_who_met_it(store, monkeypatch):
    monkeypatch.setattr(config, "app_version", lambda: "1.4.0")
    bad = person("Ann")
    bad["fields"]["given_name"] = 7
    store.apply_page(page([bad], cursor=1))
    [kept] = store.set_aside_rows()
    assert json.loads(kept.row_json) == bad
    assert (kept.table_name, kept.row_id, kept.person_id) == ("people", bad["row_id"],
                                                              bad["person_id"])
    assert kept.reason == "it came in a form this version cannot store (given_name must be text)"
    assert kept.app_version == "1.4.0" and kept.set_aside_at.startswith("20")


@pytest.mark.parametrize(("breakage", "reason"), [
    (lambda r: r.update(hlc="yesterday"), "clock stamp"),
    (lambda r: r.update(table="outcome_forms"), "no table called 'outcome_forms'"),
    (lambda r: r.pop("fields"), "its fields is missing"),
    (lambda r: r.update(append_only=True), "not append-only"),
])
def test_malformed_rows_and_unknown_tables_are_set_aside(store, breakage, reason):
    bad, good = person("Ann"), person("Bob")
    breakage(bad)
    store.apply_page(page([bad, good], cursor=3))
    assert store.position()[0] == 3
    [kept] = store.set_aside_rows()
    assert reason in kept.reason


def test_a_unique_failure_in_one_page_goes_row_by_row(signed_in, store, monkeypatch):
    """The fast path (one set-based insert per table) is tried first; the database
    refuses the second answer, so the page is applied again row by row."""
    slow = []
    one_by_one = sync_store._apply_one_by_one
    monkeypatch.setattr(sync_store, "_apply_one_by_one",
                        lambda db, rows: slow.append(len(rows)) or one_by_one(db, rows))
    ann = person("Ann")
    first, second = answer(ann["row_id"]), answer(ann["row_id"], value="cocaine")
    others = [person(f"P{n}") for n in range(50)]
    store.apply_page(page([ann, first, *others, second], cursor=9))
    assert slow == [53]
    assert count(signed_in, Person) == 51
    with signed_in.transaction() as db:
        assert db.scalars(select(AssessmentValue.id)).all() == [first["row_id"]]
    [kept] = store.set_aside_rows()
    assert kept.row_id == second["row_id"] and "UNIQUE constraint failed" in kept.reason


def test_a_clean_page_never_leaves_the_fast_path(signed_in, store, monkeypatch):
    monkeypatch.setattr(sync_store, "_apply_one_by_one", None)  # would fail if called
    ann = person("Ann")
    store.apply_page(page([ann, answer(ann["row_id"]), contact(ann["row_id"])], cursor=2))
    assert count(signed_in, Person) == 1 and store.set_aside_rows() == []


def test_an_update_the_database_refuses_is_set_aside_too(signed_in, store):
    """Not only new rows: an edit of a stored row into another's place fails on flush."""
    ann = person("Ann")
    one, two = answer(ann["row_id"], "a"), answer(ann["row_id"], "b")
    store.apply_page(page([ann, one, two], cursor=1))
    moved = answer(ann["row_id"], "a", row_id=two["row_id"])  # two now claims one's field
    store.apply_page(page([moved, person("Bob")], cursor=2))
    assert [r.row_id for r in store.set_aside_rows()] == [two["row_id"]]
    assert count(signed_in, Person) == 2


def test_children_of_a_set_aside_person_are_set_aside_too(signed_in, store):
    ann = person("Ann")
    del ann["fields"]["family_name"]
    store.apply_page(page([ann, answer(ann["row_id"]), person("Bob")], cursor=5))
    assert sorted(r.table_name for r in store.set_aside_rows()) == ["assessment_values",
                                                                    "people"]
    assert count(signed_in, Person) == 1


def test_an_earlier_versions_rows_are_tried_again_after_an_upgrade(signed_in, store,
                                                                 monkeypatch):
    monkeypatch.setattr(config, "app_version", lambda: "1.4.0")
    ann_id = str(uuid.uuid4())
    early = answer(ann_id)  # arrived before its person: set aside
    store.apply_page(page([early], cursor=1))
    store.apply_page(page([person("Ann", ann_id)], cursor=2))
    store.position()  # the same version: not tried again
    assert [r.row_id for r in store.set_aside_rows()] == [early["row_id"]]

    monkeypatch.setattr(config, "app_version", lambda: "1.5.0")
    assert store.position() == (2, None)  # the start of the next pull tries it
    assert store.set_aside_rows() == []
    with signed_in.transaction() as db:
        assert db.get(AssessmentValue, early["row_id"]).person_id == ann_id


def test_a_row_that_fails_again_after_an_upgrade_stays_under_the_new_version(store,
                                                                            monkeypatch):
    monkeypatch.setattr(config, "app_version", lambda: "1.4.0")
    store.apply_page(page([row("outcome_forms", str(uuid.uuid4()), {})], cursor=1))
    monkeypatch.setattr(config, "app_version", lambda: "1.5.0")
    store.position()
    [kept] = store.set_aside_rows()
    assert kept.app_version == "1.5.0" and "outcome_forms" in kept.reason


def test_try_again_retries_this_versions_rows_when_asked(signed_in, store):
    ann_id = str(uuid.uuid4())
    early = answer(ann_id)
    store.apply_page(page([early], cursor=1))
    store.apply_page(page([person("Ann", ann_id)], cursor=2))
    assert store.retry_set_aside() == 0  # not by itself
    assert store.retry_set_aside(everything=True) == 1
    assert store.set_aside_rows() == []


def test_a_newer_revision_that_applies_drops_the_set_aside_copy(signed_in, store):
    ann = person("Ann")
    broken = json.loads(json.dumps(ann))
    broken["fields"]["family_name"] = None
    store.apply_page(page([broken], cursor=1))
    assert len(store.set_aside_rows()) == 1
    store.apply_page(page([ann], cursor=2))  # the same row, a later revision, stored
    assert store.set_aside_rows() == []
    assert count(signed_in, Person) == 1


def test_an_older_copy_in_the_same_page_is_not_kept_behind_a_stored_newer_one(store):
    ann = person("Ann")
    broken = json.loads(json.dumps(ann)) | {"revision_id": str(uuid.uuid4())}
    broken["fields"] = {}
    store.apply_page(page([broken, ann], cursor=1))
    assert store.set_aside_rows() == []


def test_a_second_failure_of_one_row_replaces_the_first(store):
    bad = person("Ann")
    bad["fields"]["given_name"] = 1
    store.apply_page(page([bad], cursor=1))
    bad = json.loads(json.dumps(bad)) | {"revision_id": str(uuid.uuid4())}
    bad["fields"]["given_name"] = 2
    store.apply_page(page([bad], cursor=2))
    [kept] = store.set_aside_rows()
    assert json.loads(kept.row_json)["fields"]["given_name"] == 2


def test_a_person_moved_away_takes_their_set_aside_rows_along(store):
    ann_id = str(uuid.uuid4())
    store.apply_page(page([answer(ann_id)], cursor=1))
    evicting = page([], cursor=2)
    evicting["evicted_people"] = [ann_id]
    store.apply_page(evicting)
    assert store.set_aside_rows() == []


def test_set_aside_rows_are_in_the_encrypted_store_table(signed_in, store):
    store.apply_page(page([row("people", "x", {}, row_id="x")], cursor=1))
    assert count(signed_in, SetAsideRow) == 1
