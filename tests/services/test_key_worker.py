"""Each person has a key worker; My people are the people allocated to me."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from app.services import allocation
from app.services.caseload import caseload
from app.services.errors import InvalidInput
from app.store.sync.store import EncryptedSyncStore
from tests.careplan.helpers import add_person
from tests.services.test_set_aside import page, person, row

SAM = str(uuid.uuid4())


def _mine(session) -> set[str]:
    return {s.id for s in caseload(session=session, mine_only=True)}


def test_whoever_records_a_person_is_their_key_worker(signed_in) -> None:
    person_id = add_person(signed_in)

    now = allocation.key_worker(session=signed_in, person_id=person_id)
    assert (now.key_worker_id, now.key_worker_name) == (signed_in.worker.id, "Jo Bloggs")
    assert person_id in _mine(signed_in)
    sent = EncryptedSyncStore(signed_in.open_store).pending_changes(100)
    assert "key_worker_allocations" in {c["table"] for c in sent}


def test_a_worker_cannot_give_their_person_to_someone_else(signed_in) -> None:
    person_id = add_person(signed_in)
    signed_in.worker = dataclasses.replace(signed_in.worker, role="worker")

    with pytest.raises(InvalidInput, match="team lead"):
        allocation.allocate(session=signed_in, person_id=person_id, worker_id=SAM,
                            worker_name="Sam Patel")
    assert allocation.key_worker(session=signed_in, person_id=person_id).key_worker_id == (
        signed_in.worker.id)


def test_a_team_lead_reassigns_and_my_people_follows(signed_in) -> None:
    person_id = add_person(signed_in)
    assert signed_in.worker.role == "team_lead"  # a standalone laptop's first worker

    allocation.allocate(session=signed_in, person_id=person_id, worker_id=SAM,
                        worker_name="Sam Patel")

    assert person_id not in _mine(signed_in)  # touched by me, but allocated to Sam
    history = allocation.allocations(session=signed_in, person_id=person_id)
    assert [a.key_worker_name for a in history] == ["Jo Bloggs", "Sam Patel"]
    assert history[-1].allocated_by == "Jo Bloggs"


def test_an_allocation_from_another_laptop_moves_the_person_into_my_people(signed_in) -> None:
    someone = person("Lee")
    store = EncryptedSyncStore(signed_in.open_store)
    store.apply_page(page([someone], 5))
    assert someone["row_id"] not in _mine(signed_in)

    given = row("key_worker_allocations", someone["row_id"], {
        "created_hlc": someone["fields"]["created_hlc"], "person_id": someone["row_id"],
        "key_worker_id": signed_in.worker.id, "key_worker_name": "Jo Bloggs",
        "allocated_by_name": "Team Lead", "allocated_at": "2026-12-05T09:00:00+00:00"},
        append_only=True)
    store.apply_page(page([given], 6))

    assert someone["row_id"] in _mine(signed_in)
