"""The person registry has one writer, and its two ways in agree: a person and their
consent made through the API leave the same audit events as the same pushed from a
laptop, and the identifiers a laptop's columns hold are kinds the API takes."""

from __future__ import annotations

import json
import uuid

import sqlalchemy as sa

from sync import protocol as p
from sync.server.models import AuditEvent
from sync.server.services import people_audit, registry
from tests.server.conftest import API, new_person
from tests.server.test_sync import change, push

_HOW = {"via", "pushed_at"}  # what says how an event came, and nothing else differs


def _events(world, person_id: str) -> list[tuple[str, str | None, set[str]]]:
    with world.sessions() as session:
        found = session.scalars(sa.select(AuditEvent).where(
            AuditEvent.person_id == person_id).order_by(AuditEvent.id))
        return [(e.action, e.worker_id, set(json.loads(e.detail or "{}")) - _HOW)
                for e in found]


def test_a_person_and_consent_leave_the_same_events_either_way(world) -> None:
    laptop = world.enrol("Custody North")
    headers = laptop.headers(world.sign_in(laptop, "ann"))
    made = new_person({"probation": True})
    assert world.client.post(f"{API}/people", headers=headers, json=made).status_code == 201

    pushed = str(uuid.uuid4())
    consent = change(pushed, row_id=str(uuid.uuid4()), table="consents", fields={
        "agency": "probation", "withdrawn_on": None, "deleted": False})
    assert [r["status"] for r in push(world, laptop, change(pushed), consent)] == [
        "applied", "applied"]
    with world.sessions.begin() as session:
        people_audit.record_pushed_people(session)

    by_api, by_sync = _events(world, made["person_id"]), _events(world, pushed)
    assert sorted(by_api) == sorted(by_sync)
    assert {action for action, _worker, _detail in by_api} == {"person.created",
                                                               "consent.recorded"}
    assert {worker for _action, worker, _detail in by_api} == {world.workers["ann"]}


def test_a_laptop_column_names_an_identifier_kind_the_api_takes() -> None:
    assert set(registry.IDENTIFIER_COLUMNS.values()) <= set(p.IDENTIFIER_KINDS)
