"""Sign-in limits per ACCOUNT (across laptops, addresses and credentials) and one answer
for a wrong password and a worker of another team."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from sync import protocol as p
from sync.server.models import AuditEvent
from sync.server.services import account_limits
from tests.server.conftest import API, PASSWORD

FAILURES = account_limits.ACCOUNT_FAILURES


def _sign_in(world, headers, username, password):
    return world.client.post(f"{API}/auth/sign-in", headers=headers,
                             json={"username": username, "password": password})


def _sign_in_key(world, device) -> dict[str, str]:
    reply = world.client.post(f"{API}{p.SIGN_IN_KEY_PATH}", headers=device.headers())
    assert reply.status_code == 200, reply.text
    return {"Authorization": f"Bearer {reply.json()['sign_in_key']}"}


def _events(db, action):
    return db.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def _lead_notes(world, team="Custody North", lead="lee"):
    device = world.enrol(team, "lead's laptop")
    reply = world.client.get(f"{API}/team/notifications",
                             headers=device.headers(world.sign_in(device, lead)))
    assert reply.status_code == 200, reply.text
    return reply.json()


def _guess_across_laptops_and_credentials(world, username, guesses):
    """Wrong passwords spread over two laptops and both credentials that reach sign-in."""
    first, second = world.enrol("Custody North", "one"), world.enrol("Custody North", "two")
    credentials = [first.headers(), _sign_in_key(world, first), second.headers(),
                   _sign_in_key(world, second)]
    return [_sign_in(world, credentials[n % 4], username, f"guess number {n}").status_code
            for n in range(guesses)], second


def test_wrong_passwords_from_anywhere_lock_the_account_even_for_the_right_one(world, db):
    statuses, laptop = _guess_across_laptops_and_credentials(world, "ann", FAILURES)
    assert statuses == [401] * FAILURES
    right = _sign_in(world, laptop.headers(), "ann", PASSWORD)
    assert right.status_code == 429
    assert right.json()["error"] == p.ERR_RATE_LIMITED
    wait = int(right.headers["Retry-After"])
    assert account_limits.ACCOUNT_LOCK_S - 60 <= wait <= account_limits.ACCOUNT_LOCK_S
    assert "try again in" in right.json()["message"]
    # Other accounts are untouched.
    assert _sign_in(world, laptop.headers(), "lee", PASSWORD).status_code == 200


def test_a_lock_is_audited_and_the_team_lead_told_once(world, db):
    _guess_across_laptops_and_credentials(world, "ann", FAILURES + 5)
    locked = _events(db, "worker.sign_in_locked")
    assert [(e.worker_id, json.loads(e.detail)["failures"]) for e in locked] == [
        (world.workers["ann"], FAILURES)]
    notes = [n for n in _lead_notes(world) if n["kind"] == "sign_in_locked"]
    assert len(notes) == 1
    assert notes[0]["worker_id"] == world.workers["ann"] and "ann" in notes[0]["detail"]
    assert [n for n in _lead_notes(world, "Prison In-Reach", "pia")
            if n["kind"] == "sign_in_locked"] == []  # another team's lead hears nothing


def test_the_lock_ends_and_the_right_password_works_again(world, monkeypatch):
    _, laptop = _guess_across_laptops_and_credentials(world, "ann", FAILURES)
    assert _sign_in(world, laptop.headers(), "ann", PASSWORD).status_code == 429
    later = account_limits.clock() + account_limits.ACCOUNT_LOCK_S + 1
    monkeypatch.setattr(account_limits, "clock", lambda: later)
    assert _sign_in(world, laptop.headers(), "ann", PASSWORD).status_code == 200


def test_an_unknown_username_locks_the_same_way(world):
    """Otherwise the lock would tell a guesser which usernames exist."""
    statuses, _ = _guess_across_laptops_and_credentials(world, "nobody", FAILURES + 1)
    assert statuses == [401] * FAILURES + [429]


def test_a_worker_of_another_team_gets_the_wrong_password_answer(world, db):
    """The right password on another team's laptop must not say the password was right."""
    laptop = world.enrol("Custody North")
    wrong_team = _sign_in(world, laptop.headers(), "bob", PASSWORD)
    wrong_password = _sign_in(world, laptop.headers(), "bob", "not bob's password")
    assert wrong_team.status_code == wrong_password.status_code == 401
    assert wrong_team.json() == wrong_password.json() == {
        "error": p.ERR_INVALID_CREDENTIALS, "message": "unknown username or wrong password"}
    [refused] = _events(db, "worker.sign_in_refused")
    assert (refused.worker_id, json.loads(refused.detail)["error"]) == (
        world.workers["bob"], p.ERR_WRONG_TEAM)  # the server still knows the real reason


def test_wrong_team_answers_count_like_wrong_passwords(world):
    """Not counting them would show as a lock that comes one guess late."""
    laptop = world.enrol("Custody North")
    for n in range(FAILURES):
        password = PASSWORD if n % 2 else f"guess {n}"
        assert _sign_in(world, laptop.headers(), "bob", password).status_code == 401
    assert _sign_in(world, laptop.headers(), "bob", PASSWORD).status_code == 429


class _CountingHasher:
    """Wraps the app's hasher; records each Argon2 call a sign-in makes."""

    def __init__(self, hasher):
        self._hasher, self.calls = hasher, []

    def __getattr__(self, name):
        attribute = getattr(self._hasher, name)
        if name in {"hash", "verify", "check_needs_rehash"}:
            def counted(*args, **kwargs):
                self.calls.append(name)
                return attribute(*args, **kwargs)
            return counted
        return attribute


@pytest.mark.parametrize("username", ["bob", "ann"])
def test_wrong_team_spends_the_same_argon2_work_as_a_wrong_password(world, username):
    laptop = world.enrol("Custody North")
    counting = _CountingHasher(world.client.app.state.hasher)
    world.client.app.state.hasher = counting
    _sign_in(world, laptop.headers(), username, PASSWORD if username == "bob" else "wrong one")
    assert counting.calls == ["verify"]
