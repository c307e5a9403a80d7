"""The password rule: long, not common or breached, not mostly one character, not the
worker's own names."""

from __future__ import annotations

import pytest

from sync.server.crypto import password_hasher
from sync.server.errors import Refused
from sync.server.models import Team, Worker
from sync.server.services import org, passwords
from tests.server.conftest import PASSWORD


def _problem(password: str, username: str = "ann", display_name: str = "Ann Smith"):
    return passwords.problem_with(password, username=username, display_name=display_name)


@pytest.mark.parametrize("password", [
    PASSWORD,  # the test fixtures' password
    "correct horse battery staple",
    "tidal marmalade orbit 42",
])
def test_passphrases_pass(password):
    assert _problem(password) is None


@pytest.mark.parametrize(("password", "why"), [
    ("aaaaaaaaaaaa", "mostly one character"),
    ("aaaaaaaaaaaaaaaaaaaaaaaaab", "mostly one character"),
    ("short one", "at least 12"),
    ("Password1234!", "too easy to guess"),
    ("qwertyuiop123", "too easy to guess"),
    ("iloveyou12345", "too easy to guess"),
    ("123456789012", "too easy to guess"),
    ("ann was here 2024 ok", "username or your name"),
    ("my friend SMITH rocks", "username or your name"),
])
def test_weak_passwords_are_refused_saying_why(password, why):
    problem = _problem(password)
    assert problem is not None and why in problem


def _create(sessions, settings, team_id, password, username="newbie"):
    with sessions.begin() as s:
        org.create_worker(s, password_hasher(settings), username=username,
                          display_name="New Worker", role="worker", password=password,
                          team=s.get(Team, team_id), actor="test")


def test_creating_a_worker_refuses_a_weak_password_with_what_to_do(world):
    with pytest.raises(Refused) as refused:
        _create(world.sessions, world.settings, world.teams["Custody North"], "aaaaaaaaaaaa")
    assert refused.value.status == 422
    assert "mostly one character" in refused.value.message
    assert "three or four unrelated words" in refused.value.message


def test_setting_a_password_refuses_a_common_one_and_keeps_the_old(world):
    with world.sessions.begin() as s:
        worker = s.get_one(Worker, world.workers["ann"])
        old_hash = worker.password_hash
        with pytest.raises(Refused) as refused:
            org.set_password(s, password_hasher(world.settings), worker, "Password1234!",
                             actor="test")
        assert worker.password_hash == old_hash
    assert "too easy to guess" in refused.value.message


def test_setting_a_good_password_still_works(world):
    with world.sessions.begin() as s:
        worker = s.get_one(Worker, world.workers["ann"])
        org.set_password(s, password_hasher(world.settings), worker,
                         "tidal marmalade orbit 42", actor="test")
    laptop = world.enrol("Custody North")
    assert world.sign_in(laptop, "ann", "tidal marmalade orbit 42")
