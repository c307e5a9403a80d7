"""Sealed rows open only where they were written; rows from before migration 0009 are
read as they are and sealed by seal_existing. Both backends (the suite's `world`)."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime

import pytest
import sqlalchemy as sa

from sync import protocol as p
from sync.server.models import Device
from sync.server.services import sealing, sync_pull
from sync.server.services.seal_existing import seal_existing
from tests.server.conftest import API
from tests.server.test_sync import credential


def _change(device, worker_id: str, person_id: str, fields: dict,
            base: str | None = None) -> dict:
    stamp = f"{time.time_ns() // 1_000_000:015d}-00000-{device.id}"
    body = {"change_id": str(uuid.uuid4()), "table": "people", "row_id": person_id,
            "person_id": person_id, "revision_id": str(uuid.uuid4()),
            "base_revision_id": base, "hlc": stamp, "worker_id": worker_id,
            "append_only": False, "fields": {"created_hlc": stamp, **fields},
            "linkage_key": "AS01011990F"}
    body["content_hash"] = p.content_hash(body)
    return body


def _push(world, device, *changes) -> list[dict]:
    """With the sync credential of the changes' worker on that device (Ann's)."""
    worker_id, token = credential(world, device)
    assert all(change["worker_id"] == worker_id for change in changes)
    reply = world.client.post(f"{API}{p.SYNC_PUSH_PATH}", headers=device.headers(),
                              json={"changes": list(changes), "credentials": {worker_id: token}})
    assert reply.status_code == 200, reply.text
    return reply.json()["results"]


def _pull_rows(world, device_id: str) -> list[dict]:
    with world.sessions() as session:
        device = session.get_one(Device, device_id)
        page = sync_pull.pull(session, device, 0, 500, True, None, None)
    return [json.loads(row) for row in page.rows]


def test_a_ciphertext_copied_onto_another_row_does_not_open(world) -> None:
    laptop = world.enrol("Custody North")
    ann = world.workers["ann"]
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    _push(world, laptop, _change(laptop, ann, first, {"given_name": "Ann", "family_name": "A"}))
    edit_base = _change(laptop, ann, second, {"given_name": "Bea", "family_name": "B"})
    _push(world, laptop, edit_base)
    with world.sessions.begin() as session:
        session.execute(sa.text(
            "UPDATE sync_rows SET fields_json = (SELECT fields_json FROM sync_rows "
            "WHERE row_id = :first) WHERE row_id = :second"),
            {"first": first, "second": second})
    with pytest.raises(sealing.UnreadableRow, match=second):
        _pull_rows(world, laptop.id)
    # The push's merge reads it too: refused loudly, never merged against nothing.
    with pytest.raises(sealing.UnreadableRow, match=second):
        _push(world, laptop, _change(laptop, ann, second, {"given_name": "Bee",
              "family_name": "B"}, base=str(uuid.uuid4())))


def _legacy_person(world, device_id: str, team_id: str) -> tuple[str, dict]:
    """A person as a server before migration 0009 held them: in plaintext throughout."""
    person, revision, old, conflict = (str(uuid.uuid4()) for _ in range(4))
    fields = {"given_name": "Legacy", "family_name": "Person", "nhs_number": "9434765919"}
    conflict_fields = {"table_name": "people", "row_id": person, "field": "town",
                       "kept_value": '"Harlow"', "other_value": '"Ware"'}
    with world.sessions.begin() as s:
        s.execute(sa.text("INSERT INTO people (id, owning_team_id, linkage_key, created_at) "
                          "VALUES (:id, :team, 'LP01011980M', :now)"),
                  {"id": person, "team": team_id, "now": datetime(2024, 1, 1)})
        s.execute(sa.text("INSERT INTO person_identifiers (person_id, kind, value) "
                          "VALUES (:id, 'nhs', '9434765919')"), {"id": person})
        for row_id, table, rev, body in ((person, "people", revision, fields),
                                         (conflict, p.CONFLICTS_TABLE, conflict,
                                          conflict_fields)):
            s.execute(sa.text("UPDATE sync_counter SET value = value + 1 WHERE id = 1"))
            s.execute(sa.text(
                "INSERT INTO sync_rows (table_name, row_id, person_id, seq, revision_id, hlc, "
                "device_id, worker_id, append_only, fields_json) VALUES (:t, :r, :p, "
                "(SELECT value FROM sync_counter WHERE id = 1), :v, 'h', :d, 'w', false, :f)"),
                {"t": table, "r": row_id, "p": person, "v": rev, "d": device_id,
                 "f": json.dumps(body)})
        s.execute(sa.text("INSERT INTO sync_revisions (table_name, row_id, revision_id, "
                          "fields_json) VALUES ('people', :r, :v, :f)"),
                  {"r": person, "v": old, "f": json.dumps({**fields, "given_name": "Old"})})
    return person, fields


def _stored(world) -> list[str]:
    with world.sessions() as s:
        return [*s.scalars(sa.text("SELECT fields_json FROM sync_rows")),
                *s.scalars(sa.text("SELECT fields_json FROM sync_revisions")),
                *s.scalars(sa.text("SELECT linkage_key FROM people")),
                *s.scalars(sa.text("SELECT value FROM person_identifiers"))]


def _lookup(world, device, session_token: str, body: dict) -> list[str]:
    reply = world.client.post(f"{API}/people/lookup", headers=device.headers(session_token),
                              json=body)
    assert reply.status_code == 200, reply.text
    return [match["person_id"] for match in reply.json()]


def test_legacy_rows_are_read_as_they_are_and_seal_existing_seals_them(world) -> None:
    laptop = world.enrol("Custody North")
    token = world.sign_in(laptop, "ann")
    person, fields = _legacy_person(world, laptop.id, world.teams["Custody North"])
    before = _pull_rows(world, laptop.id)
    assert next(r for r in before if r["table"] == "people")["fields"] == fields
    assert _lookup(world, laptop, token, {"linkage_key": "LP01011980M"}) == [person]

    with world.sessions() as session:
        sealed = seal_existing(session, batch=1)  # batches of one: the loop is exercised
    assert sealed == {"sync_rows": 2, "sync_revisions": 1, "people": 1,
                      "person_identifiers": 1}
    stored = _stored(world)
    assert not [text for text in stored if "Legacy" in text or "9434765919" in text
                or "LP01011980M" in text or "Harlow" in text]
    assert all(text.startswith((sealing.RECORD_PREFIX, sealing.HASH_PREFIX))
               for text in stored)

    assert _pull_rows(world, laptop.id) == before  # the same rows, the same fields
    for body in ({"linkage_key": "LP01011980M"},
                 {"identifier": {"kind": "nhs", "value": "9434765919"}}):
        assert _lookup(world, laptop, token, body) == [person]
    shown = world.client.get(f"{API}/people/{person}", headers=laptop.headers(token)).json()
    assert (shown["linkage_key"], shown["identifiers"]) == (
        "LP01011980M", [{"kind": "nhs", "value": "9434765919"}])
    with world.sessions() as session:
        assert set(seal_existing(session).values()) == {0}  # nothing left: idempotent
