"""Worker sign-in on a device: the checks an offline device cannot make for itself."""

from __future__ import annotations

import sqlalchemy as sa

from sync import protocol as p
from sync.server.models import AuditEvent, Worker
from sync.server.services import org
from tests.server.conftest import API, clear_of_a_rate_window_edge


def _sign_in(world, device, username, password):
    return world.client.post(f"{API}/auth/sign-in", headers=device.headers(),
                             json={"username": username, "password": password})


def test_first_sign_in_returns_worker_and_session(world):
    device = world.enrol("Custody North")
    reply = _sign_in(world, device, "lee", "long enough password 1")
    assert reply.status_code == 200
    body = reply.json()
    assert body["worker"]["role"] == "team_lead"
    assert body["worker"]["team_id"] == world.teams["Custody North"]
    assert body["store_key"] is None  # nothing escrowed yet
    assert len(body["session_token"]) >= 40


def test_wrong_password_is_refused_and_the_failure_is_audited(world, db):
    device = world.enrol("Custody North")
    reply = _sign_in(world, device, "ann", "not the password")
    assert reply.status_code == 401
    assert reply.json()["error"] == p.ERR_INVALID_CREDENTIALS
    unknown = _sign_in(world, device, "nobody", "whatever")
    assert unknown.json() == reply.json()  # no hint whether the username exists
    failures = db.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "worker.sign_in_failed")).all()
    assert len(failures) == 2
    assert "not the password" not in "".join(e.detail for e in failures)


def test_disabled_worker_is_refused_at_sign_in_and_on_open_sessions(world):
    device = world.enrol("Custody North")
    session_token = world.sign_in(device, "ann")
    with world.sessions.begin() as s:
        org.set_disabled(s, s.get_one(Worker, world.workers["ann"]), disabled=True, actor="t")
    reply = _sign_in(world, device, "ann", "long enough password 1")
    assert reply.status_code == 403
    assert reply.json()["error"] == p.ERR_WORKER_DISABLED
    open_session = world.client.get(f"{API}/people", headers=device.headers(session_token))
    assert open_session.status_code == 403
    assert open_session.json()["error"] == p.ERR_WORKER_DISABLED


def test_worker_of_another_team_is_refused_on_this_device(world):
    device = world.enrol("Custody North")
    reply = _sign_in(world, device, "bob", "long enough password 1")
    assert reply.status_code == 401  # as a wrong password: see test_hardening_sign_in
    assert reply.json()["error"] == p.ERR_INVALID_CREDENTIALS


def test_a_session_is_bound_to_the_device_it_was_opened_on(world):
    first, second = world.enrol("Custody North"), world.enrol("Custody North")
    session_token = world.sign_in(first, "ann")
    reply = world.client.get(f"{API}/people", headers=second.headers(session_token))
    assert reply.status_code == 401
    assert reply.json()["error"] == p.ERR_SESSION_REQUIRED


def test_sign_in_is_rate_limited_with_retry_after(world):
    device = world.enrol("Custody North")
    limit = world.settings.auth_rate_limit
    clear_of_a_rate_window_edge(world.settings.auth_rate_window_s)
    # A different username each time: the per-account limit must not be what stops it.
    codes = [_sign_in(world, device, f"user{n}", "wrong").status_code for n in range(limit)]
    assert set(codes) == {401}
    refused = _sign_in(world, device, "ann", "long enough password 1")  # even the right one
    assert refused.status_code == 429
    assert refused.json()["error"] == p.ERR_RATE_LIMITED
    assert 1 <= int(refused.headers["Retry-After"]) <= world.settings.auth_rate_window_s


def test_second_worker_on_a_device_receives_the_escrowed_key(world):
    device = world.enrol("Custody North")
    world.sign_in(device, "ann")
    key_b64 = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA="
    put = world.client.put(f"{API}/devices/me/escrow", headers=device.headers(),
                           json={"store_key": key_b64})
    assert put.status_code == 200
    second = _sign_in(world, device, "lee", "long enough password 1")
    assert second.json()["store_key"] == key_b64


def _sign_in_key(world, device) -> str:
    reply = world.client.post(f"{API}{p.SIGN_IN_KEY_PATH}", headers=device.headers())
    assert reply.status_code == 200
    return reply.json()["sign_in_key"]


def _with_key(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_the_sign_in_key_signs_a_new_worker_in_and_hands_over_the_escrowed_key(world):
    device = world.enrol("Custody North")
    key_b64 = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA="
    world.client.put(f"{API}/devices/me/escrow", headers=device.headers(),
                     json={"store_key": key_b64})
    sign_in_key = _sign_in_key(world, device)
    assert sign_in_key != device.token
    world.approve(device, "lee")  # policy approval (tests/server/test_key_release.py)
    reply = world.client.post(f"{API}/auth/sign-in", headers=_with_key(sign_in_key),
                              json={"username": "lee", "password": "long enough password 1"})
    assert reply.status_code == 200
    assert reply.json()["store_key"] == key_b64
    # The session it opens belongs to the device: usable with the device token.
    people = world.client.get(f"{API}/people",
                              headers=device.headers(reply.json()["session_token"]))
    assert people.status_code == 200


def test_the_sign_in_key_opens_nothing_but_sign_in(world):
    device = world.enrol("Custody North")
    sign_in_key = _sign_in_key(world, device)
    for method, path in (("GET", f"{p.SYNC_PULL_PATH}?cursor=0&limit=10"),
                         ("PUT", p.ESCROW_PATH), ("POST", p.SIGN_IN_KEY_PATH)):
        reply = world.client.request(method, f"{API}{path}", headers=_with_key(sign_in_key),
                                     json={"store_key": "AAAA"} if method == "PUT" else None)
        assert reply.status_code == 401, (path, reply.text)
        assert reply.json()["error"] == p.ERR_UNAUTHENTICATED


def test_a_new_sign_in_key_replaces_the_old_and_revocation_stops_it(world):
    device = world.enrol("Custody North")
    old, new = _sign_in_key(world, device), _sign_in_key(world, device)
    body = {"username": "ann", "password": "long enough password 1"}
    world.approve(device, "ann")
    assert world.client.post(f"{API}/auth/sign-in", headers=_with_key(old),
                             json=body).status_code == 401
    assert world.client.post(f"{API}/auth/sign-in", headers=_with_key(new),
                             json=body).status_code == 200
    with world.sessions.begin() as s:
        org.revoke_device(s, device.id, reason="lost on a train", actor="t")
    revoked = world.client.post(f"{API}/auth/sign-in", headers=_with_key(new), json=body)
    assert revoked.status_code == 403
    assert revoked.json()["error"] == p.ERR_DEVICE_REVOKED


def test_a_partner_gets_no_store_key_and_cannot_use_the_sign_in_key(world):
    """A partner may belong to a clinical team, but the app shows a laptop's whole store."""
    world.add_worker("pam", "Custody North", role="partner_readonly", partner_agency="probation")
    device = world.enrol("Custody North")
    world.client.put(f"{API}/devices/me/escrow", headers=device.headers(),
                     json={"store_key": "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA="})
    body = {"username": "pam", "password": "long enough password 1"}
    with_token = world.client.post(f"{API}/auth/sign-in", headers=device.headers(), json=body)
    assert with_token.status_code == 200 and with_token.json()["store_key"] is None
    with_key = world.client.post(f"{API}/auth/sign-in",
                                 headers=_with_key(_sign_in_key(world, device)), json=body)
    assert with_key.status_code == 403
    assert with_key.json()["error"] == p.ERR_FORBIDDEN_ROLE


def test_repeated_wrong_passwords_through_the_sign_in_key_withdraw_it(world, db):
    from sync.server.services.auth import SIGN_IN_KEY_FAILURES

    clear_of_a_rate_window_edge(world.settings.auth_rate_window_s, margin_s=10)
    device = world.enrol("Custody North")
    key = _sign_in_key(world, device)
    for n in range(SIGN_IN_KEY_FAILURES):  # many accounts: no one account's limit is met
        wrong = world.client.post(f"{API}/auth/sign-in", headers=_with_key(key),
                                  json={"username": f"colleague{n}", "password": "a guess"})
        assert wrong.status_code == 401
    right = world.client.post(f"{API}/auth/sign-in", headers=_with_key(key),
                              json={"username": "ann", "password": "long enough password 1"})
    assert right.status_code == 401 and right.json()["error"] == p.ERR_UNAUTHENTICATED
    assert world.client.post(f"{API}/auth/sign-in", headers=device.headers(), json={
        "username": "ann", "password": "long enough password 1"}).status_code == 200
    withdrawn = db.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "device.sign_in_key_withdrawn")).all()
    assert len(withdrawn) == 1
    lead = world.enrol("Custody North", "lead's laptop")
    notes = world.client.get(f"{API}/team/notifications",
                             headers=lead.headers(world.sign_in(lead, "lee"))).json()
    assert [n["kind"] for n in notes] == ["sign_in_key_withdrawn"]
    assert _sign_in_key(world, device) != key  # the laptop can be given a new one
