"""The rest of the outside review's push findings, through the API on both backends: the
six poison rows refused (and a team's sync going on around them), consent recorded by a
push audited, a stranger told 401 before anything about their body, and a team lead told
when a worker new to a laptop is given its key."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

import pytest
import sqlalchemy as sa

from sync import protocol as p
from sync.protocol.tables import answer_id
from sync.server.models import AuditEvent, Notification
from tests.server.conftest import API
from tests.server.test_auth import _sign_in_key, _with_key
from tests.server.test_sync import change, pull_all, push

SALT = uuid.uuid4().hex


def _poison(person: str) -> list[dict]:
    """As the review pushed them (each made valid but for its one fault)."""
    unknown = str(uuid.uuid4())
    answer = {"section": "substance", "field": "main", "value_json": '"Alcohol"'}
    first_answer = change(person, table="assessment_values", fields=answer)
    # Made from the person too (with their salt): only the unique key tells them apart.
    twin = change(person, row_id=answer_id(person, SALT, "substance", "main"),
                  table="assessment_values", fields=answer, exact_id=True)
    empty_person = change(str(uuid.uuid4()))
    empty_person["fields"] = {}
    orphan = change(person, row_id=str(uuid.uuid4()), table="assessment_values",
                    fields={**answer, "person_id": unknown, "field": "x"})
    conflict = change(person, row_id=str(uuid.uuid4()), table=p.CONFLICTS_TABLE)
    conflict["fields"] = {}
    huge = change(person, row_id=str(uuid.uuid4()), table="care_plan_versions",
                  fields={"number": 2**70})
    no_setting = change(person, row_id=str(uuid.uuid4()), table="contacts")
    del no_setting["fields"]["setting"]
    for body in (empty_person, orphan, conflict, huge, no_setting):
        body["content_hash"] = p.content_hash(body)
    return [first_answer, empty_person, orphan, conflict, huge, no_setting, twin]


def test_the_six_poison_rows_are_refused_and_the_teams_sync_goes_on(world):
    a, b = world.enrol("Custody North", "a"), world.enrol("Custody North", "b")
    person = str(uuid.uuid4())
    poison = _poison(person)
    results = push(world, a, change(person, fields={"id_salt": SALT}), *poison)
    assert [(r["status"], r["code"]) for r in results] == [
        ("applied", 201), ("applied", 201), ("refused", 422), ("refused", 422),
        ("refused", 403), ("refused", 422), ("refused", 422), ("refused", 409)]
    after = change(person, row_id=str(uuid.uuid4()), table="contacts")
    assert push(world, b, after)[0]["status"] == "applied"
    rows, _, _ = pull_all(world, a)
    assert {(r["table"], r["row_id"]) for r in rows} == {
        ("people", person), ("assessment_values", poison[0]["row_id"]),
        ("contacts", after["row_id"])}


def test_consent_recorded_by_a_push_is_audited_with_its_worker(world):
    laptop = world.enrol("Custody North")
    person = str(uuid.uuid4())
    consent = change(person, row_id=str(uuid.uuid4()), table="consents")
    push(world, laptop, change(person), consent)
    with world.sessions() as s:
        [event] = s.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "consent.recorded")).all()
    assert (event.person_id, event.worker_id) == (person, world.workers["ann"])
    assert json.loads(event.detail).items() >= {"agency": "probation", "granted": True,
                                                "via": "sync"}.items()


@pytest.mark.parametrize("body", [b"{not json", b'{"changes": []}', b'{"x": 1}'])
def test_a_push_without_a_good_token_is_401_whatever_its_body(world, body):
    reply = world.client.post(f"{API}{p.SYNC_PUSH_PATH}", content=body,
                              headers={"Authorization": "Bearer nobody",
                                       "Content-Type": "application/json"})
    assert reply.status_code == 401, reply.text


def test_the_team_lead_is_told_when_a_worker_new_to_a_laptop_gets_its_key(world):
    """A stolen laptop and any teammate's password open it: the lead hears of every
    key handed to a worker new to a laptop, so a thief's use is seen and revoked. (The
    server policy `notify`, today's behaviour; `approval` is tests/server/test_key_release.)"""
    world.client.app.state.settings = replace(world.settings, key_release="notify")
    device = world.enrol("Custody North")
    world.client.put(f"{API}/devices/me/escrow", headers=device.headers(),
                     json={"store_key": "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA="})
    reply = world.client.post(f"{API}/auth/sign-in", headers=_with_key(_sign_in_key(
        world, device)), json={"username": "ann", "password": "long enough password 1"})
    assert reply.status_code == 200 and reply.json()["store_key"]
    with world.sessions() as s:
        [note] = s.scalars(sa.select(Notification).where(
            Notification.kind == "new_worker_on_laptop")).all()
    assert note.team_id == world.teams["Custody North"] and "ann" in note.detail
