"""A stolen laptop and any teammate's password must not open it.

Under the server policy `approval` (the default) a worker new to a laptop is given its
store key (and a session) only once approved for it: ahead by IT or the team lead, or
after asking (the first attempt asks the lead). The password is checked before anything.
Through the API on both backends; the CLI on a committed database on both backends."""

from __future__ import annotations

import base64
import io
import json
import sys
from dataclasses import replace

import pytest
import sqlalchemy as sa

from sync import protocol as p
from sync.server import db as server_db
from sync.server.__main__ import main as server_main
from sync.server.models import AuditEvent, Notification, WorkerSession
from sync.server.models.org import KeyRelease
from sync.server.services import escrow
from sync.server.settings import KEY_RELEASE_ENV, MASTER_KEY_ENV, Settings
from tests.server.conftest import API, MASTER_KEY, PASSWORD, Device, World
from tests.server.test_auth import _sign_in_key, _with_key
from tests.server.test_escrow import _committed_world

STORE_KEY = base64.b64encode(bytes(range(100, 132))).decode()


def _laptop(world: World) -> tuple[Device, dict[str, str]]:
    """Ann's laptop (she signs in with its token, as its enrolling worker does), its key
    escrowed; and its sign-in key, as a thief holding the laptop has it."""
    world.add_worker("cal", "Custody North")
    device = world.enrol("Custody North", "ann's laptop")
    world.sign_in(device, "ann")
    assert world.client.put(f"{API}{p.ESCROW_PATH}", headers=device.headers(),
                            json={"store_key": STORE_KEY}).status_code == 200
    return device, _with_key(_sign_in_key(world, device))


def _first_sign_in(world: World, key: dict[str, str], username: str,
                   password: str = PASSWORD):
    return world.client.post(f"{API}{p.SIGN_IN_PATH}", headers=key,
                             json={"username": username, "password": password})


def _lead(world: World) -> dict[str, str]:
    """Lee, the team lead, signed in on a laptop of his own."""
    lead = world.enrol("Custody North", "lee's laptop")
    return lead.headers(world.sign_in(lead, "lee"))


def _decision(world: World, lead: dict[str, str], device: Device, username: str, verb: str):
    return world.client.post(
        f"{API}{p.TEAM_DEVICES_PATH}/{device.id}/workers/{world.workers[username]}/{verb}",
        headers=lead)


def _actions(db, action: str) -> list[AuditEvent]:
    db.expire_all()
    return db.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def _notes(db, kind: str) -> list[Notification]:
    return db.scalars(sa.select(Notification).where(Notification.kind == kind)).all()


def test_a_teammate_new_to_the_laptop_gets_no_key_but_the_lead_is_asked(world, db):
    device, key = _laptop(world)
    reply = _first_sign_in(world, key, "cal")
    assert reply.status_code == 403
    body = reply.json()
    assert body["error"] == p.ERR_KEY_RELEASE_PENDING
    assert body["message"] == escrow.PENDING
    assert "store_key" not in body and "session_token" not in body
    cal = world.workers["cal"]
    assert db.scalars(sa.select(WorkerSession).where(WorkerSession.worker_id == cal)).all() == []
    assert _actions(db, "worker.signed_in")[-1].worker_id != cal  # no session, not even undone
    [request] = _actions(db, "key_release.requested")
    assert (request.worker_id, request.device_id) == (cal, device.id)
    [note] = _notes(db, "key_release_requested")
    assert note.team_id == world.teams["Custody North"] and "cal" in note.detail
    assert "ann's laptop" in note.detail
    lead = _lead(world)
    listed = world.client.get(f"{API}{p.KEY_RELEASES_PATH}", headers=lead).json()
    assert [(r["device_id"], r["username"], r["state"]) for r in listed] == [
        (device.id, "cal", "pending")]
    notes = world.client.get(f"{API}{p.NOTIFICATIONS_PATH}", headers=lead).json()
    assert "key_release_requested" in [n["kind"] for n in notes]

    again = _first_sign_in(world, key, "cal")  # asking again asks nobody new
    assert again.status_code == 403 and again.json()["error"] == p.ERR_KEY_RELEASE_PENDING
    assert len(_notes(db, "key_release_requested")) == 1
    [withheld] = _actions(db, "key_release.withheld")
    assert json.loads(withheld.detail)["state"] == "pending"


def test_once_the_lead_approves_the_next_sign_in_gets_the_key(world, db):
    device, key = _laptop(world)
    assert _first_sign_in(world, key, "cal").status_code == 403
    lead = _lead(world)
    approved = _decision(world, lead, device, "cal", "approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "approved"
    assert approved.json()["decided_by"] == f"worker:{world.workers['lee']}"
    reply = _first_sign_in(world, key, "cal")
    assert reply.status_code == 200, reply.text
    assert reply.json()["store_key"] == STORE_KEY and reply.json()["session_token"]
    [event] = _actions(db, "key_release.approved")[-1:]
    assert (event.worker_id, json.loads(event.detail)["for_worker_id"]) == (
        world.workers["lee"], world.workers["cal"])
    assert _actions(db, "escrow.released_to_new_worker")[-1].worker_id == world.workers["cal"]
    assert world.client.get(f"{API}{p.KEY_RELEASES_PATH}", headers=lead).json() == []


def test_a_lead_approves_ahead_of_any_request(world):
    device, key = _laptop(world)
    assert _decision(world, _lead(world), device, "cal", "approve").json()["requested_at"] \
        is None
    assert _first_sign_in(world, key, "cal").json()["store_key"] == STORE_KEY


def test_a_refused_request_stays_refused(world, db):
    device, key = _laptop(world)
    _first_sign_in(world, key, "cal")
    lead = _lead(world)
    refused = _decision(world, lead, device, "cal", "refuse")
    assert refused.status_code == 200 and refused.json()["state"] == "refused"
    for _ in range(2):
        reply = _first_sign_in(world, key, "cal")
        assert reply.status_code == 403
        assert reply.json()["error"] == p.ERR_KEY_RELEASE_REFUSED
        assert "store_key" not in reply.json()
    assert len(_notes(db, "key_release_requested")) == 1  # the lead is not asked again
    assert _actions(db, "key_release.refused")
    assert world.client.get(f"{API}{p.KEY_RELEASES_PATH}", headers=lead).json() == []
    decided = world.client.get(f"{API}{p.KEY_RELEASES_PATH}?decided=true", headers=lead)
    states = {(r["username"], r["state"]) for r in decided.json()}
    assert ("cal", "refused") in states and ("ann", "approved") in states


def test_a_wrong_password_asks_nobody_and_says_nothing_of_approval(world, db):
    _device, key = _laptop(world)
    wrong = _first_sign_in(world, key, "cal", "not cal's password")
    unknown = _first_sign_in(world, key, "nobody", "not cal's password")
    other_team = _first_sign_in(world, key, "bob")  # right password, another team
    for reply in (wrong, unknown, other_team):
        assert reply.status_code == 401
        assert reply.json() == unknown.json()  # the answer a wrong password gets
    assert db.scalars(sa.select(KeyRelease).where(
        KeyRelease.state == "pending")).all() == []
    assert _notes(db, "key_release_requested") == []
    assert _actions(db, "key_release.requested") == []
    assert len(_actions(db, "worker.sign_in_failed")) == 2  # counted as ever


def test_the_enrolling_worker_is_approved_for_their_laptop(world, db):
    from sync.server.models import Team
    from sync.server.services import org

    with world.sessions.begin() as s:
        code = org.issue_enrolment_code(s, s.get_one(Team, world.teams["Custody North"]),
                                        hours=1, actor="test")
    enrolled = world.client.post(f"{API}{p.ENROL_PATH}", json={
        "code": code, "device_name": "ann's", "username": "ann", "password": PASSWORD})
    assert enrolled.status_code == 201, enrolled.text
    device = Device(enrolled.json()["device_id"], enrolled.json()["device_token"], "")
    assert escrow.release_state(db, device.id, world.workers["ann"]) == "approved"
    world.client.put(f"{API}{p.ESCROW_PATH}", headers=device.headers(),
                     json={"store_key": STORE_KEY})
    # Her key wrap lost (a new profile, say): the sign-in key gets her the key again.
    reply = _first_sign_in(world, _with_key(_sign_in_key(world, device)), "ann")
    assert reply.status_code == 200 and reply.json()["store_key"] == STORE_KEY


def test_only_the_laptops_team_lead_decides(world):
    device, _key = _laptop(world)
    ann = world.client.post(
        f"{API}{p.TEAM_DEVICES_PATH}/{device.id}/workers/{world.workers['cal']}/approve",
        headers=device.headers(world.sign_in(device, "ann")))
    assert ann.status_code == 403 and ann.json()["error"] == p.ERR_FORBIDDEN_ROLE
    other = world.enrol("Prison In-Reach", "pia's laptop")
    pia = _decision(world, other.headers(world.sign_in(other, "pia")), device, "cal", "approve")
    assert pia.status_code == 403 and pia.json()["error"] == p.ERR_WRONG_TEAM
    bad = world.client.post(f"{API}{p.TEAM_DEVICES_PATH}/not-a-uuid/workers/x/approve",
                            headers=_lead(world))
    assert bad.status_code == 422


def test_the_notify_policy_gives_the_key_and_tells_the_lead_as_before(world, db):
    world.client.app.state.settings = replace(world.settings, key_release="notify")
    _device, key = _laptop(world)
    reply = _first_sign_in(world, key, "cal")
    assert reply.status_code == 200 and reply.json()["store_key"] == STORE_KEY
    assert [n.kind for n in _notes(db, "new_worker_on_laptop")] == ["new_worker_on_laptop"]
    assert _notes(db, "key_release_requested") == []


def test_it_decides_with_the_admin_commands(world, db):
    """The CLI's commands, in this test's transaction (the real CLI: the next test)."""
    from argparse import Namespace

    from sync.server import cli

    device, key = _laptop(world)
    _first_sign_in(world, key, "cal")
    args = Namespace(command="approve-key-release", device_id=device.id, username="cal")
    with world.sessions.begin() as s:
        cli._decide(s, args, world.settings)
    assert _first_sign_in(world, key, "cal").status_code == 200
    [note] = _notes(db, "key_release_approved")  # the lead hears what IT did
    assert "IT approved" in note.detail


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def committed_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite3'}"
    return request.getfixturevalue("fresh_postgres_database")


def test_it_approves_ahead_with_the_real_cli_and_sees_the_policy(committed_url, tmp_path,
                                                                 monkeypatch, capsys):
    monkeypatch.setenv(MASTER_KEY_ENV, base64.b64encode(MASTER_KEY).decode())
    monkeypatch.delenv(KEY_RELEASE_ENV, raising=False)
    world, engine = _committed_world(tmp_path, committed_url)
    try:
        device, key = _laptop(world)

        def admin(*args: str) -> str:
            monkeypatch.setattr(sys, "stdin", io.StringIO(""))
            code = server_main(["admin", "--database-url", committed_url, "--data-dir",
                                str(tmp_path), *args])
            out = capsys.readouterr()
            assert code == 0, out.err
            return out.out

        shown = admin("key-release")
        assert "approval (the default" in shown
        out = admin("allow-worker", "--device-id", device.id, "--username", "cal")
        assert "approved ahead" in out
        assert "cal" in admin("list-key-releases", "--all")
        assert _first_sign_in(world, key, "cal").json()["store_key"] == STORE_KEY
        with world.sessions.begin() as s:  # as `serve --key-release notify` does at start
            assert escrow.record_policy(s, "notify", actor="server")
            assert not escrow.record_policy(s, "notify", actor="server")
        assert "key release: notify" in admin("key-release")
    finally:
        engine.dispose()


def test_the_policy_comes_from_the_flag_or_the_environment(monkeypatch, tmp_path):
    from sync.server.__main__ import _parser

    monkeypatch.delenv(KEY_RELEASE_ENV, raising=False)
    assert Settings.from_env(data_dir=tmp_path).key_release == "approval"
    monkeypatch.setenv(KEY_RELEASE_ENV, "notify")
    assert Settings.from_env(data_dir=tmp_path).key_release == "notify"
    assert Settings.from_env(data_dir=tmp_path).to_env()[KEY_RELEASE_ENV] == "notify"
    monkeypatch.setenv(KEY_RELEASE_ENV, "whatever")
    with pytest.raises(ValueError, match="approval or notify"):
        Settings.from_env(data_dir=tmp_path)
    args = _parser().parse_args(["serve", "--key-release", "notify"])
    assert args.key_release == "notify"
    with pytest.raises(SystemExit):
        _parser().parse_args(["serve", "--key-release", "open"])


def test_the_migration_approves_those_who_used_a_laptop_before(committed_url):
    """Workers holding a sync credential for a laptop before 0015 (they have a key wrap
    there) never have to ask; a credential whose laptop is gone is skipped."""
    engine = server_db.make_engine(committed_url)
    server_db.migrate(engine, "0014")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO teams (id, name, agency, created_at) VALUES "
                             "('t', 'T', 'police', :now)"), {"now": "2024-01-01 00:00:00"})
        conn.execute(sa.text(
            "INSERT INTO workers (id, username, display_name, role, team_id, password_hash, "
            "created_at) VALUES ('w', 'w', 'W', 'worker', 't', 'x', '2024-01-01 00:00:00')"))
        conn.execute(sa.text(
            "INSERT INTO devices (id, team_id, name, token_hash, enrolled_at) VALUES "
            "('d', 't', 'L', 'h', '2024-01-01 00:00:00')"))
        for token, device in (("a", "d"), ("b", "d"), ("c", "gone")):
            conn.execute(sa.text(
                "INSERT INTO worker_credentials (token_hash, worker_id, device_id, created_at) "
                "VALUES (:t, 'w', :d, '2024-01-01 00:00:00')"), {"t": token, "d": device})
    server_db.migrate(engine)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT device_id, worker_id, state FROM key_releases")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("d", "w", "approved")]


def test_a_team_lead_cannot_approve_a_laptop_for_themselves():
    """A lead's password on a stolen laptop must not be enough to open it (review)."""
    import pytest as _pytest

    from sync.server.errors import Refused
    from sync.server.services.escrow import _check_decider

    class _Person:
        def __init__(self, id_: str, role: str) -> None:
            self.id, self.role, self.team_id = id_, role, "t1"

    class _Laptop:
        team_id, revoked_at, name = "t1", None, "laptop"

    lead = _Person("w1", "team_lead")
    with _pytest.raises(Refused, match="cannot approve a laptop for themselves"):
        _check_decider(lead, _Laptop(), lead)
    _check_decider(lead, _Laptop(), _Person("w2", "drug_worker"))  # another worker: fine
