"""Who may give a person a key worker, checked on the server through real HTTP: a team
lead gives anyone of the team; a worker may take a person on themselves, and no one may
allocate to a worker outside the team."""

from __future__ import annotations

import uuid

from tests.server.test_sync import change, push
from tests.sync_rows import NOW


def _allocation(world, person_id: str, key_worker: str, by: str) -> dict:
    """Given to `key_worker` by `by` (usernames), each under their name as the server
    knows it (the world's workers' display names are their usernames)."""
    return change(person_id, row_id=str(uuid.uuid4()), table="key_worker_allocations",
                  append_only=True, fields={"key_worker_id": world.workers[key_worker],
                                            "key_worker_name": key_worker,
                                            "allocated_by_name": by,
                                            "allocated_at": NOW})


def _person(world, device) -> str:
    person = str(uuid.uuid4())
    assert [r["code"] for r in push(world, device, change(person))] == [201]
    return person


def test_a_team_lead_gives_a_person_to_a_worker_of_the_team(world):
    custody = world.enrol("Custody North")
    person = _person(world, custody)

    [result] = push(world, custody, _allocation(world, person, "ann", "lee"), as_worker="lee")

    assert (result["status"], result["code"]) == ("applied", 201), result


def test_a_worker_takes_a_person_on_but_cannot_give_them_to_someone_else(world):
    custody = world.enrol("Custody North")
    person = _person(world, custody)

    took, gave = push(world, custody, _allocation(world, person, "ann", "ann"),
                      _allocation(world, person, "lee", "ann"), as_worker="ann")

    assert (took["status"], took["code"]) == ("applied", 201), took
    assert (gave["status"], gave["code"]) == ("refused", 403)
    assert "only a team lead" in gave["message"]


def test_nobody_allocates_to_a_worker_outside_the_team(world):
    custody = world.enrol("Custody North")
    person = _person(world, custody)

    [result] = push(world, custody, _allocation(world, person, "bob", "lee"), as_worker="lee")

    assert (result["status"], result["code"]) == ("refused", 422)
    assert "not a worker of this team" in result["message"]
