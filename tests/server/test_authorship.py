"""The server, not the laptop, decides who wrote a change, which role may write, and which
clock stamps it takes (the outside review's medium findings and the disabled worker)."""

from __future__ import annotations

import json
import uuid

import sqlalchemy as sa

from sync import protocol as p
from sync.protocol.tables import answer_id, natural_id
from sync.server.models import AuditEvent, SyncChange, Worker, utcnow
from sync.server.services import credentials
from tests.server.conftest import API
from tests.server.test_sync import change, credential, pull_all, push
from tests.sync_rows import stamp


def _raw_push(world, device, changes, creds):
    reply = world.client.post(f"{API}{p.SYNC_PUSH_PATH}", headers=device.headers(),
                              json={"changes": changes, "credentials": creds})
    assert reply.status_code == 200, reply.text
    return reply.json()["results"]


def _refusals(world) -> list[dict]:
    with world.sessions() as s:
        return [json.loads(e.detail) | {"worker_id": e.worker_id, "person_id": e.person_id}
                for e in s.scalars(sa.select(AuditEvent).where(
                    AuditEvent.action == "sync.change_refused").order_by(AuditEvent.id))]


def test_a_change_in_another_workers_name_is_not_taken(world):
    """Stamped with another team's worker id, with no credential of theirs: it waits on
    the laptop (401), and is never stored as theirs."""
    laptop = world.enrol("Custody North")
    ann, token = credential(world, laptop)
    forged = change(str(uuid.uuid4()))
    forged["hlc"], forged["worker_id"] = stamp(laptop.id), world.workers["bob"]
    [result] = _raw_push(world, laptop, [forged], {ann: token})
    assert (result["status"], result["code"]) == ("refused", p.NOT_VERIFIED)
    # A credential presented under another worker's id counts as none.
    [result] = _raw_push(world, laptop, [forged], {world.workers["bob"]: token})
    assert result["code"] == p.NOT_VERIFIED
    assert pull_all(world, laptop)[0] == []


def test_the_ledger_says_whose_change_it_was(world):
    laptop = world.enrol("Custody North")
    person = str(uuid.uuid4())
    [result] = push(world, laptop, change(person))
    assert result["status"] == "applied"
    with world.sessions() as s:
        entry = s.scalars(sa.select(SyncChange)).one()
    assert (entry.worker_id, entry.person_id, entry.table_name, entry.row_id) == (
        world.workers["ann"], person, "people", person)
    [row], _, _ = pull_all(world, laptop)
    assert row["worker_id"] == world.workers["ann"]


def test_a_disabled_workers_changes_are_refused_audited_and_every_laptop_told(world):
    laptop, other = world.enrol("Custody North", "a"), world.enrol("Custody North", "b")
    person = str(uuid.uuid4())
    push(world, laptop, change(person))  # ann, before
    with world.sessions.begin() as s:
        s.get_one(Worker, world.workers["ann"]).disabled_at = utcnow()
    [result] = push(world, laptop, change(person, row_id=str(uuid.uuid4()),
                                          table="contacts"))
    assert (result["status"], result["code"]) == ("refused", 403)
    assert "switched off" in result["message"]
    [event] = _refusals(world)
    assert (event["worker_id"], event["person_id"]) == (world.workers["ann"], person)
    for device in (laptop, other):  # the next pull of every laptop of the team says so
        page = world.client.get(f"{API}{p.SYNC_PULL_PATH}", headers=device.headers()).json()
        assert page["disabled_workers"] == [world.workers["ann"]]
    prison = world.enrol("Prison In-Reach")
    page = world.client.get(f"{API}{p.SYNC_PULL_PATH}", headers=prison.headers()).json()
    assert page["disabled_workers"] == []


def test_only_roles_that_may_write_get_a_credential_or_write(world):
    """A partner (read-only) gets no credential at sign-in, and one made for them by
    hand is refused: the push no longer lets a read-only team create people."""
    partner_laptop = world.enrol("Probation Partners")
    reply = world.client.post(f"{API}/auth/sign-in", headers=partner_laptop.headers(),
                              json={"username": "pat", "password": "long enough password 1"})
    assert reply.status_code == 200, reply.text
    assert reply.json()["sync_credential"] is None
    with world.sessions.begin() as s:
        token = credentials.issue(s, s.get_one(Worker, world.workers["pat"]),
                                  partner_laptop.id)
    person = str(uuid.uuid4())
    created = change(person)
    created["hlc"], created["worker_id"] = stamp(partner_laptop.id), world.workers["pat"]
    [result] = _raw_push(world, partner_laptop, [created], {world.workers["pat"]: token})
    assert (result["status"], result["code"]) == ("refused", 403)
    assert "partner_readonly" in result["message"]


def test_a_workers_new_credential_ends_their_old_one_on_that_laptop(world):
    laptop = world.enrol("Custody North")
    ann, old = credential(world, laptop)
    with world.sessions.begin() as s:
        credentials.issue(s, s.get_one(Worker, ann), laptop.id)
    created = change(str(uuid.uuid4()))
    created["hlc"], created["worker_id"] = stamp(laptop.id), ann
    [result] = _raw_push(world, laptop, [created], {ann: old})
    assert result["code"] == p.NOT_VERIFIED


def test_clock_stamps_must_be_the_devices_own_and_not_from_the_future(world):
    laptop, other = world.enrol("Custody North", "a"), world.enrol("Custody North", "b")
    ann, token = credential(world, laptop)
    borrowed, future = change(str(uuid.uuid4())), change(str(uuid.uuid4()))
    borrowed["hlc"] = stamp(other.id)  # another device's node
    future["hlc"] = f"{10**15 - 1:015d}-00000-{laptop.id}"  # the year 33658
    for body in (borrowed, future):
        body["worker_id"] = ann
    results = _raw_push(world, laptop, [borrowed, future], {ann: token})
    assert [(r["status"], r["code"]) for r in results] == [("refused", 403),
                                                           ("refused", p.NOT_YET)]
    assert "ahead" in results[1]["message"]
    assert pull_all(world, laptop)[0] == []


def test_a_laptop_cannot_write_the_servers_conflicts_but_can_resolve_one(world):
    a, b = world.enrol("Custody North", "a"), world.enrol("Custody North", "b")
    person = str(uuid.uuid4())
    created = change(person, fields={"town": "X"})
    push(world, a, created)
    push(world, a, change(person, base=created["revision_id"], fields={"town": "Harlow"}))
    push(world, b, change(person, base=created["revision_id"], fields={"town": "Basildon"}))
    rows, _, _ = pull_all(world, a)
    [conflict] = [r for r in rows if r["table"] == p.CONFLICTS_TABLE]

    forged = change(person, row_id=conflict["row_id"], table=p.CONFLICTS_TABLE,
                    base=conflict["revision_id"],
                    fields={**conflict["fields"], "kept_value": '"Anywhere"'})
    [result] = push(world, a, forged)
    assert (result["status"], result["code"]) == ("refused", 403)

    resolution = change(person, row_id=str(uuid.uuid4()), table=p.RESOLUTIONS_TABLE,
                        append_only=True, fields={
                            "conflict_id": conflict["row_id"],
                            "resolved_at": "2026-12-05T01:00:00+00:00",
                            "resolved_by": "The Chief Inspector"})
    [result] = push(world, a, resolution)
    assert result["status"] == "applied", result
    rows, _, _ = pull_all(world, b)
    [resolved] = [r for r in rows if r["table"] == p.CONFLICTS_TABLE]
    # Who decided: the credential's worker as the server knows them, not the laptop's word.
    assert resolved["fields"] == {**conflict["fields"], "resolved_at":
                                  "2026-12-05T01:00:00+00:00", "resolved_by": "ann"}
    assert not [r for r in rows if r["table"] == p.RESOLUTIONS_TABLE]


def test_a_resolution_cannot_reach_another_persons_conflict(world):
    a = world.enrol("Custody North")
    person, other = str(uuid.uuid4()), str(uuid.uuid4())
    created = change(person, fields={"town": "X"})
    push(world, a, created, change(other))
    push(world, a, change(person, base=created["revision_id"], fields={"town": "Y"}))
    push(world, a, change(person, base=created["revision_id"], fields={"town": "Z"}))
    [conflict] = [r for r in pull_all(world, a)[0] if r["table"] == p.CONFLICTS_TABLE]
    sneaky = change(other, row_id=str(uuid.uuid4()), table=p.RESOLUTIONS_TABLE,
                    append_only=True, fields={"conflict_id": conflict["row_id"],
                                              "resolved_at": "2026-12-05T01:00:00+00:00",
                                              "resolved_by": "Ann"})
    [result] = push(world, a, sneaky)
    assert (result["status"], result["code"]) == ("refused", 403)


def test_a_second_answer_to_the_same_question_is_refused(world):
    """The outside review's sixth poison row: another row for the same person, section and
    field, which no laptop could store beside the first. Both ids below are made from the
    person (with and without their salt), so only the unique key can tell."""
    laptop = world.enrol("Custody North")
    person, salt = str(uuid.uuid4()), uuid.uuid4().hex
    answer = {"section": "substance", "field": "main", "value_json": '"Alcohol"'}
    first = change(person, table="assessment_values", fields=answer)
    twin = change(person, row_id=answer_id(person, salt, "substance", "main"),
                  table="assessment_values", fields=answer, exact_id=True)
    results = push(world, laptop, change(person, fields={"id_salt": salt}), first, twin)
    assert [(r["status"], r["code"]) for r in results] == [
        ("applied", 201), ("applied", 201), ("refused", 409)]
    moved = change(person, row_id=first["row_id"], table="assessment_values", exact_id=True,
                   base=first["revision_id"], fields={**answer, "field": "other"})
    [result] = push(world, laptop, moved)
    assert (result["status"], result["code"]) == ("refused", 422)
    edited = change(person, row_id=first["row_id"], table="assessment_values",
                    base=first["revision_id"], fields={**answer, "value_json": '"Crack"'})
    assert push(world, laptop, edited)[0]["status"] == "applied"
    rows, _, _ = pull_all(world, laptop)
    assert [r["row_id"] for r in rows if r["table"] == "assessment_values"] == [first["row_id"]]


def test_an_answers_id_must_be_made_from_its_own_person(world):
    """The squat the review found, for people recorded before salts too: another team
    pushes, under a person of its own, the id a person's answer will have (worked out
    from their looked-up id); refused, so the owning team's answer still lands."""
    ours, theirs = world.enrol("Custody North"), world.enrol("Prison In-Reach")
    victim, decoy = str(uuid.uuid4()), str(uuid.uuid4())
    push(world, ours, change(victim))
    squat = change(decoy, row_id=natural_id(victim, "health", "gp"), exact_id=True,
                   table="assessment_values",
                   fields={"section": "health", "field": "gp", "value_json": '"Dr Who"'})
    results = push(world, theirs, change(decoy), squat)
    assert [(r["status"], r["code"]) for r in results] == [("applied", 201), ("refused", 422)]
    answer = change(victim, table="assessment_values",
                    fields={"section": "health", "field": "gp", "value_json": '"Dr Foster"'})
    assert answer["row_id"] == natural_id(victim, "health", "gp")
    assert push(world, ours, answer)[0]["status"] == "applied"
