"""The trial of rollout to forty laptops: what the server got wrong.

Enrolment checks the worker before it spends the code; revocation says why and when,
and the laptop's wipe is reported back; a lookup says whose a person is and whether a
fetch would be allowed; a refused fetch is audited."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from sync import protocol as p
from sync.server.models import AuditEvent, Device, EnrolmentCode, Team, utcnow
from sync.server.services import org
from tests.server.conftest import API, PASSWORD, new_person

ENROL = f"{API}{p.ENROL_PATH}"


def _code(world, team: str = "Custody North") -> str:
    with world.sessions.begin() as s:
        return org.issue_enrolment_code(s, s.get_one(Team, world.teams[team]), hours=1,
                                        actor="test")


def _enrol(world, code: str, username: str, password: str = PASSWORD, name: str = "laptop"):
    return world.client.post(ENROL, json={"code": code, "device_name": name,
                                          "username": username, "password": password})


def _devices(db) -> int:
    db.expire_all()
    return db.scalar(sa.select(sa.func.count()).select_from(Device))


def _actions(db, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def it_admin(world):
    from sync.server.crypto import password_hasher

    with world.sessions.begin() as s:
        org.create_worker(s, password_hasher(world.settings), username="it", display_name="IT",
                          role="admin", password=PASSWORD, team=None, actor="test")


@pytest.mark.parametrize(("username", "password", "status", "said"), [
    ("ann", "not the password at all", 401, "wrong username or password"),
    ("nobody", PASSWORD, 401, "wrong username or password"),
    ("it", PASSWORD, 403, "IT accounts cannot enrol a laptop: use a worker's account"),
    ("bob", PASSWORD, 403, "that account is not in the team this code is for"),
    ("pat", PASSWORD, 403, "partner (read-only) accounts cannot enrol a laptop"),
])
def test_a_refused_enrolment_spends_no_code_and_leaves_no_device(
        world, db, it_admin, username, password, status, said):
    code = _code(world)
    refused = _enrol(world, code, username, password)
    assert refused.status_code == status, refused.text
    assert said in refused.json()["message"]
    assert _devices(db) == 0
    assert [e.detail for e in _actions(db, "device.enrol_refused")]  # audited, committed
    # The same code still enrols, for the right worker.
    assert _enrol(world, code, "ann").status_code == 201
    assert _devices(db) == 1


def test_a_disabled_account_cannot_enrol(world, db):
    with world.sessions.begin() as s:
        org.set_disabled(s, org.worker_by_username(s, "ann"), disabled=True, actor="test")
    code = _code(world)
    refused = _enrol(world, code, "ann")
    assert (refused.status_code, refused.json()["error"]) == (403, p.ERR_WORKER_DISABLED)
    assert _devices(db) == 0 and _enrol(world, code, "lee").status_code == 201


def test_enrolment_with_the_worker_signs_them_in_by_the_same_call(world, db):
    reply = _enrol(world, _code(world), "ANN", name="Custody North laptop 12 (the spare)")
    assert reply.status_code == 201, reply.text
    body = reply.json()
    signed = body["sign_in"]
    assert signed["worker"]["username"] == "ann" and signed["sync_credential"]
    headers = {"Authorization": f"Bearer {body['device_token']}",
               p.SESSION_HEADER: signed["session_token"]}
    assert world.client.get(f"{API}/people", headers=headers).status_code == 200
    [enrolled] = _actions(db, "device.enrolled")
    assert enrolled.worker_id == world.workers["ann"]
    assert db.get(Device, body["device_id"]).name == "Custody North laptop 12 (the spare)"


def test_username_without_password_is_refused_before_the_code_is_looked_at(world, db):
    code = _code(world)
    reply = world.client.post(ENROL, json={"code": code, "device_name": "x", "username": "ann"})
    assert reply.status_code == 422 and _devices(db) == 0


def test_an_expired_code_is_called_expired(world, db):
    code = _code(world)
    db.execute(sa.update(EnrolmentCode).values(expires_at=utcnow()))
    db.commit()
    reply = _enrol(world, code, "ann")
    assert (reply.status_code, reply.json()["error"]) == (401, p.ERR_BAD_ENROLMENT_CODE)
    assert "expired" in reply.json()["message"]


def test_a_code_must_live_at_least_an_hour(world):
    for hours in (0, -3):
        with pytest.raises(org.Refused, match="at least 1 hour"), world.sessions.begin() as s:
            org.issue_enrolment_code(s, s.get_one(Team, world.teams["Custody North"]),
                                     hours=hours, actor="test")


def test_usernames_are_one_case(world):
    from sync.server.crypto import password_hasher

    with pytest.raises(org.Refused, match="taken"), world.sessions.begin() as s:
        org.create_worker(s, password_hasher(world.settings), username="Ann",
                          display_name="Ann again", role="worker", password=PASSWORD,
                          team=s.get(Team, world.teams["Custody North"]), actor="test")
    device = world.enrol("Custody North")
    assert world.sign_in(device, "Ann")  # typed with a capital, the same account


# ---- revocation: why and when, and the wipe reported back ------------------------------
def _revoked(world, reason: str = "left on a train at Colchester"):
    device = world.enrol("Custody North")
    with world.sessions.begin() as s:
        org.revoke_device(s, device.id, reason=reason, actor="test")
    return device


def test_the_revoked_reply_carries_the_reason_and_the_time(world):
    device = _revoked(world)
    for reply in (world.client.get(f"{API}{p.SYNC_PULL_PATH}", headers=device.headers()),
                  world.client.post(f"{API}{p.SIGN_IN_KEY_PATH}", headers=device.headers())):
        body = reply.json()
        assert (reply.status_code, body["error"]) == (403, p.ERR_DEVICE_REVOKED)
        assert body["reason"] == "left on a train at Colchester"
        assert body["revoked_at"].startswith(utcnow().strftime("%Y-%m-%d"))
        assert "left on a train at Colchester" in body["message"]
        assert "IT revoked this laptop on " in body["message"]


def test_a_revoked_device_reports_its_wipe_once_and_nothing_else(world, db):
    device = _revoked(world)
    wiped = f"{API}{p.WIPED_PATH}"
    first = world.client.post(wiped, headers=device.headers())
    assert first.status_code == 200, first.text
    again = world.client.post(wiped, headers=device.headers())
    assert again.json()["wiped_at"] == first.json()["wiped_at"]
    [event] = _actions(db, "device.wiped")
    assert event.device_id == device.id
    row = db.get(Device, device.id)
    assert row.wiped_at is not None and row.last_seen_at is not None
    assert org.device_status(row).startswith("revoked ") and ", wiped " in org.device_status(row)
    # The token is good for that and nothing more.
    pull = world.client.get(f"{API}{p.SYNC_PULL_PATH}", headers=device.headers())
    assert pull.json()["error"] == p.ERR_DEVICE_REVOKED


def test_a_device_in_service_or_unknown_cannot_report_a_wipe(world, db):
    device = world.enrol("Custody North")
    wiped = f"{API}{p.WIPED_PATH}"
    assert world.client.post(wiped, headers=device.headers()).status_code == 409
    assert world.client.post(wiped, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert world.client.post(wiped).status_code == 401
    assert db.get(Device, device.id).wiped_at is None and not _actions(db, "device.wiped")


# ---- a person known to another team ----------------------------------------------------
@pytest.fixture
def two_teams(world):
    custody, prison = world.enrol("Custody North"), world.enrol("Prison In-Reach")
    return (custody.headers(world.sign_in(custody, "ann")),
            prison.headers(world.sign_in(prison, "bob")))


def _person(world, headers, consents):
    person = new_person(consents)
    assert world.client.post(f"{API}/people", headers=headers, json=person).status_code == 201
    return person["person_id"]


def test_a_lookup_says_whose_the_person_is_and_whether_consent_allows_a_fetch(world, two_teams):
    ann, bob = two_teams
    covered = _person(world, bob, {"treatment_provider": True})
    refused = _person(world, bob, {"treatment_provider": False, "police": True})
    found = world.client.post(f"{API}{p.LOOKUP_PATH}", headers=ann,
                              json={"linkage_key": "DS07031986M"}).json()
    assert {m["person_id"]: (m["team_name"], m["consent"]) for m in found} == {
        covered: ("Prison In-Reach", True), refused: ("Prison In-Reach", False)}


def test_a_refused_fetch_is_audited_and_says_whom_to_ask(world, db, two_teams):
    ann, bob = two_teams
    refused = _person(world, bob, {"treatment_provider": False})
    reply = world.client.post(f"{API}/people/{refused}/fetch", headers=ann,
                              json={"reason": "arrived at custody this morning"})
    assert (reply.status_code, reply.json()["error"]) == (403, p.ERR_CONSENT_REQUIRED)
    message = reply.json()["message"]
    assert "break glass" not in message
    assert message == "their consent does not cover your agency; ask your team lead"
    [event] = _actions(db, "person.fetch_refused")
    assert (event.person_id, event.worker_id) == (refused, world.workers["ann"])
    assert json.loads(event.detail)["reason"] == "arrived at custody this morning"


# ---- what a push leaves in the server's audit log --------------------------------------
def test_consents_recorded_on_a_laptop_are_in_the_server_audit(world, db):
    """Consent decides what partners see: each pushed one is an audit event. A person
    first recorded on a laptop is traced by the ledger (admin record-writes), not by an
    audit event per pushed row: those serialize every push on the audit chain."""
    import uuid

    from tests.server.test_sync import change, push

    laptop = world.enrol("Custody North")
    person, consent = str(uuid.uuid4()), str(uuid.uuid4())
    row = change(person, fields={"given_name": "Dee", "family_name": "Stone"})
    given = change(person, row_id=consent, table="consents", fields={
        "agency": "probation", "withdrawn_on": None, "deleted": False})
    assert [r["status"] for r in push(world, laptop, row, given)] == ["applied", "applied"]
    withdrawn = change(person, row_id=consent, table="consents", base=given["revision_id"],
                       fields={"agency": "probation", "withdrawn_on": "2026-11-27",
                               "deleted": False})
    push(world, laptop, withdrawn)
    assert push(world, laptop, given)[0]["status"] == "duplicate"  # a resend: not again
    consents = [json.loads(e.detail) for e in _actions(db, "consent.recorded")]
    assert [(c["agency"], c["granted"]) for c in consents] == [("probation", True),
                                                               ("probation", False)]
