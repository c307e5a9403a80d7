"""The names a laptop writes beside its rows, checked on the server through real HTTP: a
journey event's recorded_by_name and an allocation's allocated_by_name are the author's
name as the server knows it, and an allocation's key_worker_name is the name of the
worker its key_worker_id names. A laptop copies these from the server at sign-in, so
any other name is a laptop claiming to be someone it is not."""

from __future__ import annotations

import time
import uuid

import pytest

from sync import protocol as p
from tests.server.conftest import API, PASSWORD
from tests.server.test_sync import change, credential
from tests.sync_rows import NOW, stamp


def add_named_worker(world, username: str, display_name: str, team: str = "Custody North",
                     role: str = "worker") -> str:
    """A worker whose display name is not their username (the world fixture's are)."""
    from sync.server.crypto import password_hasher
    from sync.server.models import Team
    from sync.server.services import org

    with world.sessions.begin() as s:
        worker = org.create_worker(
            s, password_hasher(world.settings), username=username, display_name=display_name,
            role=role, password=PASSWORD, team=s.get(Team, world.teams[team]), actor="test")
        world.workers[username] = worker.id
    return worker.id


def allocation(person_id: str, key_worker: str, key_worker_name: str, by_name: str) -> dict:
    return change(person_id, row_id=str(uuid.uuid4()), table="key_worker_allocations",
                  append_only=True, fields={"key_worker_id": key_worker,
                                            "key_worker_name": key_worker_name,
                                            "allocated_by_name": by_name,
                                            "allocated_at": NOW})


def event(person_id: str, recorded_by: str) -> dict:
    return change(person_id, row_id=str(uuid.uuid4()), table="journey_events",
                  append_only=True, fields={"recorded_by_name": recorded_by})


def push_as(world, device, *made: tuple[str, dict]) -> list[dict]:
    """Push changes each made by its worker (username, change), in one batch, with every
    worker's credential: as a laptop two workers share pushes. Stamps rise in batch order,
    as a laptop's clock makes them."""
    first_ms = time.time_ns() // 1_000_000
    held: dict[str, str] = {}
    for offset, (username, body) in enumerate(made):
        worker_id, token = credential(world, device, username)
        held[worker_id] = token
        body["worker_id"] = worker_id  # neither is part of the content hash
        body["hlc"] = stamp(device.id, first_ms + offset)
    reply = world.client.post(f"{API}{p.SYNC_PUSH_PATH}", headers=device.headers(),
                              json={"changes": [body for _, body in made],
                                    "credentials": held})
    assert reply.status_code == 200, reply.text
    return reply.json()["results"]


def new_person(world, device, username: str = "ann") -> str:
    person = str(uuid.uuid4())
    assert [r["code"] for r in push_as(world, device, (username, change(person)))] == [201]
    return person


def _outcome(result: dict) -> tuple[str, int]:
    return result["status"], result["code"]


def test_an_event_under_its_authors_own_name_is_stored(world):
    add_named_worker(world, "ada", "Ada Lovelace")
    custody = world.enrol("Custody North")
    person = new_person(world, custody, "ada")

    [result] = push_as(world, custody, ("ada", event(person, "Ada Lovelace")))

    assert _outcome(result) == ("applied", 201), result


@pytest.mark.parametrize("written", ["lee", "ada lovelace", "Ada", "", "Lee (for Ada Lovelace)"])
def test_an_event_recorded_under_another_name_is_refused(world, written: str):
    add_named_worker(world, "ada", "Ada Lovelace")
    custody = world.enrol("Custody North")
    person = new_person(world, custody, "ada")

    refused, stored = push_as(world, custody, ("ada", event(person, written)),
                              ("ada", event(person, "Ada Lovelace")))

    assert _outcome(refused) == ("refused", 422), refused
    assert "recorded_by_name" in refused["message"]
    assert "'Ada Lovelace'" in refused["message"]
    assert _outcome(stored) == ("applied", 201), stored  # never blocks the rows after it


def test_whitespace_at_the_ends_of_a_name_is_not_another_name(world):
    # A server name typed with a space at its end: the laptop strips a name it chooses
    # from a list, so an exact comparison would refuse its allocations for good.
    add_named_worker(world, "ada", "Ada Lovelace ")
    add_named_worker(world, "kit", "Kit Marlowe", role="team_lead")
    custody = world.enrol("Custody North")
    person = new_person(world, custody, "kit")

    recorded, given = push_as(
        world, custody, ("ada", event(person, "Ada Lovelace")),
        ("kit", allocation(person, world.workers["ada"], "Ada Lovelace", " Kit Marlowe")))

    assert _outcome(recorded) == ("applied", 201), recorded
    assert _outcome(given) == ("applied", 201), given


def test_an_allocation_under_the_leads_own_name_and_the_key_workers_is_stored(world):
    add_named_worker(world, "ada", "Ada Lovelace")
    add_named_worker(world, "kit", "Kit Marlowe", role="team_lead")
    custody = world.enrol("Custody North")
    person = new_person(world, custody, "kit")

    [result] = push_as(world, custody, ("kit", allocation(
        person, world.workers["ada"], "Ada Lovelace", "Kit Marlowe")))

    assert _outcome(result) == ("applied", 201), result


def test_an_allocation_made_under_someone_elses_name_is_refused(world):
    add_named_worker(world, "ada", "Ada Lovelace")
    add_named_worker(world, "kit", "Kit Marlowe", role="team_lead")
    custody = world.enrol("Custody North")
    person = new_person(world, custody, "kit")

    [result] = push_as(world, custody, ("kit", allocation(
        person, world.workers["ada"], "Ada Lovelace", "Ada Lovelace")))

    assert _outcome(result) == ("refused", 422), result
    assert "allocated_by_name" in result["message"]
    assert "'Kit Marlowe'" in result["message"]


@pytest.mark.parametrize("written", ["Kit Marlowe", "someone", "ADA LOVELACE"])
def test_an_allocation_naming_its_key_worker_wrongly_is_refused(world, written: str):
    add_named_worker(world, "ada", "Ada Lovelace")
    add_named_worker(world, "kit", "Kit Marlowe", role="team_lead")
    custody = world.enrol("Custody North")
    person = new_person(world, custody, "kit")

    [result] = push_as(world, custody, ("kit", allocation(
        person, world.workers["ada"], written, "Kit Marlowe")))

    assert _outcome(result) == ("refused", 422), result
    assert "key_worker_name" in result["message"]
    assert "'Ada Lovelace'" in result["message"]


def test_a_worker_taking_a_person_on_names_themselves_both_ways(world):
    add_named_worker(world, "ada", "Ada Lovelace")
    custody = world.enrol("Custody North")
    person = new_person(world, custody, "ada")

    wrong, right = push_as(
        world, custody,
        ("ada", allocation(person, world.workers["ada"], "Ada Lovelace", "Kit Marlowe")),
        ("ada", allocation(person, world.workers["ada"], "Ada Lovelace", "Ada Lovelace")))

    assert _outcome(wrong) == ("refused", 422), wrong
    assert _outcome(right) == ("applied", 201), right


WORK_NAMES = {"appointments": "booked_by_name", "appointment_outcomes": "recorded_by_name",
              "referrals": "sent_by_name", "referral_updates": "recorded_by_name",
              "keywork_sessions": "recorded_by_name", "task_decisions": "decided_by_name",
              "top_forms": "recorded_by_name"}


@pytest.mark.parametrize("table", sorted(WORK_NAMES))
def test_the_workers_day_rows_carry_their_authors_own_name(world, table: str):
    add_named_worker(world, "ada", "Ada Lovelace")
    custody = world.enrol("Custody North")
    person = new_person(world, custody, "ada")
    name_field = WORK_NAMES[table]

    def row(name: str) -> dict:
        return change(person, row_id=str(uuid.uuid4()), table=table, append_only=True,
                      fields={name_field: name})

    refused, stored = push_as(world, custody, ("ada", row("Lee")), ("ada", row("Ada Lovelace")))

    assert _outcome(refused) == ("refused", 422), refused
    assert name_field in refused["message"] and "'Ada Lovelace'" in refused["message"]
    assert _outcome(stored) == ("applied", 201), stored
