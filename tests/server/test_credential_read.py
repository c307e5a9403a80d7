"""A push reads the credentials it carries and their workers in ONE joined statement
(storage/push_batch.credentials_later): every standing the two reads gave is still given, on both
backends, and a refused worker's change is still refused."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from sync import protocol as p
from sync.server.models import Team, Worker, WorkerCredential, utcnow
from sync.server.services import credentials, org
from sync.server.storage import push_batch
from tests.server.test_sync import change, credential, push


def _issue(world, username: str, device_id: str) -> tuple[str, str]:
    with world.sessions.begin() as session:
        worker = session.get_one(Worker, world.workers[username])
        return worker.id, credentials.issue(session, worker, device_id)


def _judged(world, device, presented: dict[str, str]) -> dict[str, credentials.Author]:
    """What the push decides of `presented` (worker id -> token), read as a push reads."""
    claimed = credentials.hashes(presented)
    with world.sessions() as session:
        held = push_batch.credentials_later(session, claimed)()
    return credentials.judge(claimed, held, device_id=device.id, team_id=device.team_id)


def test_each_standing_comes_from_one_joined_read(world) -> None:
    laptop, other_laptop = world.enrol("Custody North"), world.enrol("Custody North", "b")
    ann, lee = _issue(world, "ann", laptop.id), _issue(world, "lee", laptop.id)
    bob = _issue(world, "bob", laptop.id)  # another team's worker
    world.add_worker("cat", "Custody North")
    cat = _issue(world, "cat", laptop.id)
    with world.sessions.begin() as session:
        org.set_disabled(session, session.get_one(Worker, cat[0]), disabled=True, actor="t")
    world.add_worker("dan", "Custody North")
    dan = _issue(world, "dan", other_laptop.id)  # good, but for another laptop
    world.add_worker("eve", "Custody North")
    eve_old = _issue(world, "eve", laptop.id)
    _issue(world, "eve", laptop.id)  # ends the old one
    authors = _judged(world, laptop, dict([ann, lee, bob, cat, dan, eve_old]))
    assert {worker: author.refusal for worker, author in authors.items()} == {
        ann[0]: None, lee[0]: None,
        bob[0]: (403, "this worker is not in this laptop's team"),
        cat[0]: credentials.DISABLED,
        dan[0]: credentials.UNVERIFIED, eve_old[0]: credentials.UNVERIFIED}
    assert authors[ann[0]].name == "ann"  # the name the server knows them by


def test_an_unknown_credential_or_one_shown_for_another_worker_counts_as_none(world) -> None:
    laptop = world.enrol("Custody North")
    ann, lee = _issue(world, "ann", laptop.id), _issue(world, "lee", laptop.id)
    assert _judged(world, laptop, {ann[0]: "no such credential"}) == {}
    assert _judged(world, laptop, {lee[0]: ann[1]}) == {}  # ann's, shown as lee's
    assert credentials.refusal_for({}, ann[0]) == credentials.UNVERIFIED


def test_a_credential_whose_worker_is_gone_is_not_verified(world) -> None:
    laptop = world.enrol("Custody North")
    ghost = str(uuid.uuid4())
    with world.sessions.begin() as session:
        session.add(WorkerCredential(token_hash=credentials.hashes({ghost: "t"}).popitem()[0],
                                     worker_id=ghost, device_id=laptop.id,
                                     created_at=utcnow()))
    [author] = _judged(world, laptop, {ghost: "t"}).values()
    assert author == credentials.Author(credentials.UNVERIFIED, "")


def test_a_push_with_an_unknown_or_disabled_workers_credential_is_not_taken(world) -> None:
    laptop = world.enrol("Custody North")
    worker_id, _token = credential(world, laptop)
    body = change(str(uuid.uuid4()))
    body["worker_id"] = worker_id
    reply = world.client.post(f"{p.API_PREFIX}{p.SYNC_PUSH_PATH}", headers=laptop.headers(),
                              json={"changes": [body], "credentials": {worker_id: "forged"}})
    [result] = reply.json()["results"]
    assert (result["status"], result["code"]) == ("refused", p.NOT_VERIFIED)
    with world.sessions.begin() as session:
        org.set_disabled(session, session.get_one(Worker, worker_id), disabled=True,
                         actor="t")
    [result] = push(world, laptop, change(str(uuid.uuid4())))
    assert (result["status"], result["code"]) == ("refused", 403)
    with world.sessions() as session:  # and nothing of either was stored
        assert session.scalar(sa.text("SELECT count(*) FROM sync_rows")) == 0
        assert session.get_one(Team, laptop.team_id) is not None
