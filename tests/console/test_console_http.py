"""The console over plain HTTP (no JavaScript), in process, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from sync import protocol as p
from sync.server.models import AuditEvent, ConsoleRecoveryCode, ConsoleTotp, Device
from tests.console.helpers import code_now, csrf_of, secret_of, sign_in
from tests.server.conftest import PASSWORD


def _admin(world) -> str:
    from sync.server.crypto import password_hasher
    from sync.server.services import org

    with world.sessions.begin() as s:
        return org.create_worker(s, password_hasher(world.settings), username="ita",
                                 display_name="Ita Admin", role="admin", password=PASSWORD,
                                 team=None, actor="test").id


def _admin_signed_in(world, client) -> list[str]:
    """Sign in as a new admin, set up TOTP, return the recovery codes."""
    _admin(world)
    enrol = sign_in(client, "ita", PASSWORD)
    assert enrol.status_code == 200 and "Set up your second factor" in enrol.text
    done = client.post("/console/second-factor", data={
        "csrf": csrf_of(enrol.text), "code": code_now(secret_of(enrol.text))})
    assert done.status_code == 200, done.text
    return [c for c in done.text.split("<code>")[1:]][:10]


def test_a_worker_is_refused_with_a_clear_page(world, client, db):
    reply = sign_in(client, "ann", PASSWORD)
    assert reply.status_code == 403
    assert "The console is not for this account" in reply.text
    assert "InsideOut app on your laptop" in reply.text
    assert "insideout_console=" not in reply.headers.get("set-cookie", "")
    actions = db.scalars(select(AuditEvent.action).where(
        AuditEvent.worker_id == world.workers["ann"])).all()
    assert "console.sign_in_refused" in actions


def test_a_wrong_password_is_refused_audited_and_counted(world, client, db):
    reply = sign_in(client, "lee", "not the password at all")
    assert reply.status_code == 401 and "wrong password" in reply.text
    assert db.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "console.sign_in_failed")) is not None


def test_the_account_lock_the_api_uses_holds_here_too(world, client, monkeypatch):
    from sync.server.services import account_limits

    monkeypatch.setattr(account_limits, "ACCOUNT_FAILURES", 2)
    for _ in range(2):
        sign_in(client, "lee", "not the password at all")
    assert sign_in(client, "lee", PASSWORD).status_code == 429  # right password, locked
    # The lead is told where the guessing came from: the console, not a laptop's enrolment.
    from sync.server.models import Notification
    with world.sessions() as s:
        [told] = s.scalars(select(Notification).where(Notification.kind == "sign_in_locked"))
    assert "last through the web console's sign-in" in told.detail
    assert "enrol" not in told.detail


def test_a_team_lead_signs_in_and_a_forged_form_is_refused(world, client):
    home = client.get("/console/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/console/sign-in"
    signed = sign_in(client, "lee", PASSWORD, follow=False)
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Max-Age=" in cookie
    page = client.get("/console/team/notifications")
    assert page.status_code == 200 and "Team notifications" in page.text
    assert page.headers["cache-control"] == "no-store"
    forged = client.post("/console/sign-out", data={"csrf": "0" * 64})
    assert forged.status_code == 403 and "security token" in forged.text
    assert client.get("/console/team/notifications").status_code == 200  # still signed in
    assert client.get("/console/devices").status_code == 403  # IT's page


def test_an_admin_needs_totp_and_codes_work_once(world, client, db):
    recovery = _admin_signed_in(world, client)
    assert len(recovery) == 10
    assert client.get("/console/devices").status_code == 200
    client.cookies.clear()
    pending = sign_in(client, "ita", PASSWORD)
    assert "authenticator code" in pending.text  # the password alone opens nothing
    assert client.get("/console/devices", follow_redirects=False).status_code == 303
    code = recovery[0].split("<")[0]
    ok = client.post("/console/second-factor", data={"csrf": csrf_of(pending.text), "code": code})
    assert ok.status_code == 200 and "Laptops" in ok.text
    client.cookies.clear()
    again = sign_in(client, "ita", PASSWORD)
    reused = client.post("/console/second-factor", data={"csrf": csrf_of(again.text),
                                                         "code": code})
    assert reused.status_code == 401  # a recovery code works once
    stored = db.scalars(select(ConsoleRecoveryCode.code_hash)).all()
    assert code.replace("-", "") not in " ".join(stored)  # kept hashed only
    assert db.scalar(select(ConsoleTotp.confirmed_at)) is not None


def test_an_admin_issues_a_code_that_enrols_a_laptop_and_revokes_it(world, client, db):
    _admin_signed_in(world, client)
    page = client.get("/console/devices")
    team = world.teams["Custody North"]
    issued = client.post("/console/devices/codes", data={
        "csrf": csrf_of(page.text), "team_id": team, "hours": "24"})
    assert issued.status_code == 200 and "<svg" in issued.text
    code = issued.text.split('id="enrolment-code">')[1].split("<")[0]
    enrolled = client.post(f"{p.API_PREFIX}/devices/enrol",
                           json={"code": code, "device_name": "Custody North laptop 9"})
    assert enrolled.status_code == 201, enrolled.text
    device_id = enrolled.json()["device_id"]
    listed = client.get("/console/devices").text
    assert "Custody North laptop 9" in listed and "not reported yet" in listed
    token = enrolled.json()["device_token"]
    reported = client.put(f"{p.API_PREFIX}{p.APP_VERSION_PATH}", json={"version": "0.3.1"},
                          headers={"Authorization": f"Bearer {token}"})
    assert reported.status_code == 200, reported.text
    assert "<td>0.3.1</td>" in client.get("/console/devices").text
    form = client.get(f"/console/devices/{device_id}/revoke")
    assert "cannot be undone" in form.text
    done = client.post(f"/console/devices/{device_id}/revoke",
                       data={"csrf": csrf_of(form.text), "reason": "stolen from a car"})
    assert done.status_code == 200 and "is revoked" in done.text
    db.expire_all()
    assert db.get(Device, device_id).revoked_reason == "stolen from a car"
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "device.revoked"))
    assert event.actor.startswith("worker:")


def test_the_audit_page_searches_and_verifies_the_chain(world, client):
    _admin_signed_in(world, client)
    found = client.get("/console/audit", params={"event": "console."})
    assert "console.totp_enrolled" in found.text and "worker.created" not in found.text
    checked = client.post("/console/audit/verify", data={"csrf": csrf_of(found.text)})
    assert checked.status_code == 200 and "Intact:" in checked.text
    lost = client.post("/console/audit/verify", data={"csrf": csrf_of(found.text),
                                                      "anchor": "ab" * 32})
    assert "no longer in the chain" in lost.text


def test_the_console_is_not_in_the_api_schema(client):
    schema = client.get(f"{p.API_PREFIX}/openapi.json").json()
    assert not [path for path in schema["paths"] if "console" in path]


def test_over_https_the_cookie_is_secure(world, client):
    client.base_url = "https://testserver"
    signed = sign_in(client, "lee", PASSWORD, follow=False)
    assert signed.status_code == 303
    assert "; secure" in signed.headers["set-cookie"].lower()


def test_an_idle_session_ends(world, client, monkeypatch):
    from sync.server.console import access

    sign_in(client, "lee", PASSWORD)
    assert client.get("/console/team", follow_redirects=False).status_code == 200
    monkeypatch.setattr(access, "IDLE_MINUTES", -1)  # as if the idle time had passed
    gone = client.get("/console/team", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == "/console/sign-in"
    monkeypatch.setattr(access, "IDLE_MINUTES", 30)
    assert client.get("/console/team", follow_redirects=False).status_code == 303  # deleted
