"""Journey events through real HTTP: the server stores the kinds laptops know, with
details of the shape every laptop can read, and refuses anything else."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.server.test_sync import change, push


def _event(person_id: str, **fields) -> dict:
    # Recorded by "ann", who pushes (the server refuses any name but its author's own).
    return change(person_id, row_id=str(uuid.uuid4()), table="journey_events",
                  append_only=True, fields={"recorded_by_name": "ann", **fields})


def _person(world, device) -> str:
    person = str(uuid.uuid4())
    assert [r["code"] for r in push(world, device, change(person))] == [201]
    return person


def test_an_event_with_plain_details_is_stored(world):
    custody = world.enrol("Custody North")
    person = _person(world, custody)

    [result] = push(world, custody, _event(person, details_json=json.dumps(
        {"offence": "theft", "trigger_offence": True})))

    assert (result["status"], result["code"]) == ("applied", 201), result


@pytest.mark.parametrize(("fields", "problem"), [
    ({"details_json": json.dumps(["theft"])}, "object"),
    ({"details_json": json.dumps({"offence": {"nested": "x"}})}, "named text"),
    ({"details_json": json.dumps({"dose": 1.5})}, "named text"),
    ({"kind": "holiday"}, "kind"),
    ({"occurred_on": "05/03/2026"}, "occurred_on"),
])
def test_an_event_no_laptop_could_read_is_refused(world, fields: dict, problem: str):
    custody = world.enrol("Custody North")
    person = _person(world, custody)

    [result] = push(world, custody, _event(person, **fields))

    assert (result["status"], result["code"]) == ("refused", 422), result
    assert problem in result["message"]
