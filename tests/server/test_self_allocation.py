"""A worker takes on only a person nobody holds, checked on the server through real HTTP
(the laptop asks the same: app/services/allocation.py). The person's key worker now is
the stored allocation with the latest clock stamp, or an earlier one in the same push;
a holder switched off or gone from the team holds nobody; only a team lead moves a
person from one worker to another."""

from __future__ import annotations

import uuid

import pytest

from sync.server.models import Team, Worker, utcnow
from sync.server.services import access
from tests.server.test_author_names import add_named_worker, allocation, new_person, push_as
from tests.server.test_sync import change

pytestmark = pytest.mark.usefixtures("_names")


@pytest.fixture
def _names(world) -> None:
    add_named_worker(world, "ada", "Ada Lovelace")
    add_named_worker(world, "cid", "Cid Jones")
    add_named_worker(world, "kit", "Kit Marlowe", role="team_lead")


_NAMES = {"ada": "Ada Lovelace", "cid": "Cid Jones", "kit": "Kit Marlowe"}


def _given(world, by: str, to: str, person: str) -> tuple[str, dict]:
    return by, allocation(person, world.workers[to], _NAMES[to], _NAMES[by])


def _outcome(result: dict) -> tuple[str, int]:
    return result["status"], result["code"]


def test_a_worker_takes_on_a_person_nobody_holds(world):
    custody = world.enrol("Custody North")
    person = new_person(world, custody, "ada")

    [took] = push_as(world, custody, _given(world, "ada", "ada", person))

    assert _outcome(took) == ("applied", 201), took


def test_a_worker_cannot_take_a_person_a_colleague_holds(world):
    custody = world.enrol("Custody North")
    person = new_person(world, custody, "kit")
    [given] = push_as(world, custody, _given(world, "kit", "cid", person))
    assert _outcome(given) == ("applied", 201), given

    [took] = push_as(world, custody, _given(world, "ada", "ada", person))

    assert _outcome(took) == ("refused", 403), took
    assert "only a team lead can move them" in took["message"]


def test_the_latest_allocation_by_clock_stamp_is_who_holds_them(world):
    custody = world.enrol("Custody North")
    person, other = new_person(world, custody, "kit"), new_person(world, custody, "kit")
    # Ada held both once; a lead then moved one of them to Cid (a later stamp).
    push_as(world, custody, _given(world, "kit", "ada", person),
            _given(world, "kit", "ada", other))
    push_as(world, custody, _given(world, "kit", "cid", person))

    moved, still_hers = push_as(world, custody, _given(world, "ada", "ada", person),
                                _given(world, "ada", "ada", other))

    assert _outcome(moved) == ("refused", 403), moved
    assert _outcome(still_hers) == ("applied", 201), still_hers  # taking on her own again


def test_an_earlier_allocation_in_the_same_push_counts(world):
    custody = world.enrol("Custody North")
    person = new_person(world, custody, "kit")
    brand_new = str(uuid.uuid4())

    results = push_as(world, custody, _given(world, "kit", "cid", person),
                      _given(world, "ada", "ada", person),
                      ("kit", change(brand_new)),  # a person new in this very push
                      _given(world, "kit", "cid", brand_new),
                      _given(world, "ada", "ada", brand_new))

    assert [_outcome(r) for r in results] == [
        ("applied", 201), ("refused", 403), ("applied", 201), ("applied", 201),
        ("refused", 403)], results


def test_a_person_whose_key_worker_is_switched_off_can_be_taken_on(world):
    custody = world.enrol("Custody North")
    person = new_person(world, custody, "kit")
    push_as(world, custody, _given(world, "kit", "cid", person))
    with world.sessions.begin() as s:
        s.get_one(Worker, world.workers["cid"]).disabled_at = utcnow()

    [took] = push_as(world, custody, _given(world, "ada", "ada", person))

    assert _outcome(took) == ("applied", 201), took


def test_a_person_whose_key_worker_left_the_team_can_be_taken_on(world):
    custody = world.enrol("Custody North")
    person = new_person(world, custody, "kit")
    push_as(world, custody, _given(world, "kit", "cid", person))
    with world.sessions.begin() as s:
        s.get_one(Worker, world.workers["cid"]).team_id = s.get_one(
            Team, world.teams["Prison In-Reach"]).id

    [took] = push_as(world, custody, _given(world, "ada", "ada", person))

    assert _outcome(took) == ("applied", 201), took


def test_a_team_lead_moves_a_person_a_colleague_holds(world):
    custody = world.enrol("Custody North")
    person = new_person(world, custody, "kit")
    push_as(world, custody, _given(world, "kit", "cid", person))

    to_ada, to_self = push_as(world, custody, _given(world, "kit", "ada", person),
                              _given(world, "kit", "kit", person))

    assert _outcome(to_ada) == ("applied", 201), to_ada
    assert _outcome(to_self) == ("applied", 201), to_self


def test_who_holds_a_person_is_read_only_for_a_worker_taking_one_on(world, monkeypatch):
    custody = world.enrol("Custody North")
    person = new_person(world, custody, "kit")
    asked: list[set[str]] = []
    real = access.allocation_context

    def spy(session, team_id, taken_on):
        asked.append(set(taken_on))
        return real(session, team_id, taken_on)

    monkeypatch.setattr(access, "allocation_context", spy)
    push_as(world, custody, _given(world, "kit", "cid", person))  # a lead's: nothing read
    push_as(world, custody, _given(world, "ada", "ada", person))

    assert asked == [set(), {person}]
