"""Enrolment with one-time codes, revocation, and last contact."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from sync import protocol as p
from sync.server.models import Device, EnrolmentCode, Team, utcnow
from sync.server.services import org
from tests.server.conftest import API, new_person


def _code(world, team="Custody North", hours=1) -> str:
    with world.sessions.begin() as s:
        return org.issue_enrolment_code(s, s.get_one(Team, world.teams[team]), hours=hours,
                                        actor="test")


def test_enrolment_gives_a_device_its_own_credential(world, db):
    device = world.enrol("Custody North", name="custody laptop 3")
    row = db.get(Device, device.id)
    assert row.team_id == world.teams["Custody North"]
    assert row.name == "custody laptop 3"
    assert device.token not in row.token_hash  # only a hash is kept
    assert len(row.token_hash) == 64


def test_enrolment_code_is_hashed_at_rest_and_single_use(world, db):
    code = _code(world)
    stored = db.scalars(sa.select(EnrolmentCode.code_hash)).all()
    assert all(code.replace("-", "") not in h for h in stored)
    body = {"code": code, "device_name": "first"}
    assert world.client.post(f"{API}/devices/enrol", json=body).status_code == 201
    again = world.client.post(f"{API}/devices/enrol", json={**body, "device_name": "second"})
    assert again.status_code == 401
    assert again.json()["error"] == p.ERR_BAD_ENROLMENT_CODE


def test_enrolment_code_expires(world, db):
    code = _code(world)
    db.execute(sa.update(EnrolmentCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    reply = world.client.post(f"{API}/devices/enrol", json={"code": code, "device_name": "x"})
    assert reply.status_code == 401
    assert reply.json()["error"] == p.ERR_BAD_ENROLMENT_CODE


def test_code_typed_in_lower_case_without_dashes_still_works(world):
    code = _code(world).replace("-", "").lower()
    reply = world.client.post(f"{API}/devices/enrol", json={"code": code, "device_name": "x"})
    assert reply.status_code == 201


def test_revoked_device_is_refused_and_told_to_destroy_its_keys(world):
    device = world.enrol("Custody North")
    session_token = world.sign_in(device, "ann")
    with world.sessions.begin() as s:
        org.revoke_device(s, device.id, reason="laptop stolen", actor="test")
    calls = [
        ("get", f"{API}/people", None),
        ("post", f"{API}/people", new_person()),
        ("put", f"{API}/devices/me/escrow", {"store_key": "A" * 43 + "="}),
        ("post", f"{API}/auth/sign-in", {"username": "ann", "password": "x"}),
    ]
    for method, url, body in calls:
        reply = world.client.request(method, url, json=body,
                                     headers=device.headers(session_token))
        assert reply.status_code == 403, (url, reply.text)
        assert reply.json()["error"] == p.ERR_DEVICE_REVOKED
        assert reply.json()["action"] == p.ACTION_DESTROY_LOCAL_KEYS


def test_other_devices_of_the_team_keep_working_after_a_revocation(world):
    stolen, kept = world.enrol("Custody North"), world.enrol("Custody North")
    with world.sessions.begin() as s:
        org.revoke_device(s, stolen.id, reason="lost", actor="test")
    session_token = world.sign_in(kept, "ann")
    assert world.client.get(f"{API}/people", headers=kept.headers(session_token)).status_code == 200


def test_list_devices_shows_last_contact(world, db):
    device = world.enrol("Custody North")
    assert db.get(Device, device.id).last_seen_at is None
    world.sign_in(device, "ann")
    db.expire_all()
    listed = {d.id: d for d, _team in org.list_devices(db)}
    assert listed[device.id].last_seen_at is not None
    assert (utcnow() - listed[device.id].last_seen_at) < timedelta(minutes=1)


def test_unknown_token_is_401_not_revoked(world):
    reply = world.client.get(f"{API}/people", headers={"Authorization": "Bearer nope"})
    assert reply.status_code == 401
    assert reply.json()["error"] == p.ERR_UNAUTHENTICATED


def test_a_sync_records_last_contact_at_most_once_a_minute(world, db):
    device = world.enrol("Custody North")
    pull = f"{API}{p.SYNC_PULL_PATH}"

    def last_seen_after_a_pull(was: datetime | None) -> datetime | None:
        with world.sessions.begin() as s:
            s.get(Device, device.id).last_seen_at = was
        assert world.client.get(pull, headers=device.headers()).status_code == 200
        db.expire_all()
        return db.get(Device, device.id).last_seen_at

    assert utcnow() - last_seen_after_a_pull(None) < timedelta(seconds=10)
    moments_ago = utcnow() - timedelta(seconds=30)
    assert last_seen_after_a_pull(moments_ago) == moments_ago  # no write on every request
    assert utcnow() - last_seen_after_a_pull(utcnow() - timedelta(hours=2)) < timedelta(
        seconds=10)
