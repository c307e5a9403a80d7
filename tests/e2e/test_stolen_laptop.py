"""A stolen laptop and any teammate's password must not open it.

A real server process and real encrypted laptop stores. The thief holds what lies on the
laptop's disk (its sign-in key beside the key wraps) and knows cal's password; cal has
never used that laptop. Under the server's default policy (`approval`) the server keeps
the store key until cal's team lead approves that laptop for cal; the genuine colleague
then signs in as before. Under `--key-release notify` it is handed over as it used to be.
"""

from __future__ import annotations

import base64

import pytest
import requests

from app.services.errors import SignInRefused
from app.services.first_sign_in import AWAITING_APPROVAL
from sync import protocol as p
from tests.e2e.conftest import PASSWORD, Server

API = p.API_PREFIX


def device_id(server: Server, name: str) -> str:
    """A laptop's id on the server, as IT finds it in `admin list-devices`."""
    lines = server.admin("list-devices").splitlines()[1:]
    [found] = [line.split()[0] for line in lines if line.rstrip().endswith(name)]
    return found


def allow_worker(server: Server, laptop_name: str, username: str) -> None:
    """IT approves `username` ahead for the laptop (`admin allow-worker`)."""
    out = server.admin("allow-worker", "--device-id", device_id(server, laptop_name),
                       "--username", username)
    assert "approved ahead" in out or "may be given the key" in out


def _thief_signs_in(server: Server, laptop, username: str) -> requests.Response:
    """What the laptop's disk gives a thief, with a teammate's password, straight to the
    server: no key, no session, whatever the laptop's code would do."""
    sign_in_key = laptop.device._store.sign_in_server().key
    return requests.post(f"{server.url}{API}{p.SIGN_IN_PATH}", timeout=30,
                         headers={"Authorization": f"Bearer {sign_in_key}"},
                         json={"username": username, "password": PASSWORD})


def _lead_headers(server: Server) -> dict[str, str]:
    """Lee, the team lead, enrols a laptop of his own and signs in on it."""
    server.admin("create-worker", "--team", "Custody North", "--username", "lee",
                 "--display-name", "Lee", "--role", "team_lead", "--password-stdin",
                 stdin=PASSWORD + "\n")
    enrolled = requests.post(f"{server.url}{API}{p.ENROL_PATH}", timeout=30, json={
        "code": server.enrolment_code("Custody North"), "device_name": "lee's laptop",
        "username": "lee", "password": PASSWORD})
    assert enrolled.status_code == 201, enrolled.text
    body = enrolled.json()
    return {"Authorization": f"Bearer {body['device_token']}",
            p.SESSION_HEADER: body["sign_in"]["session_token"]}


def _ann_laptop(enrol):
    laptop = enrol("ann", "Custody North")  # "laptop 0"
    laptop.session.close()
    return laptop


def test_the_stolen_laptop_attack_is_refused_and_the_lead_asked(enrol, server):
    laptop = _ann_laptop(enrol)
    reply = _thief_signs_in(server, laptop, "cal")
    assert reply.status_code == 403
    assert reply.json()["error"] == p.ERR_KEY_RELEASE_PENDING
    assert "store_key" not in reply.json() and "session_token" not in reply.json()
    # The laptop's own code: no wrap made, the worker told in words.
    with pytest.raises(SignInRefused) as refused:
        laptop.device.sign_in(username="cal", passphrase=PASSWORD)
    assert str(refused.value) == AWAITING_APPROVAL
    assert laptop.device.usernames() == ["ann"]
    lead = _lead_headers(server)
    pending = requests.get(f"{server.url}{API}{p.KEY_RELEASES_PATH}", headers=lead,
                           timeout=30).json()
    assert [(r["username"], r["device_name"], r["state"]) for r in pending] == [
        ("cal", "laptop 0", "pending")]
    notes = requests.get(f"{server.url}{API}{p.NOTIFICATIONS_PATH}", headers=lead,
                         timeout=30).json()
    assert [n["kind"] for n in notes].count("key_release_requested") == 1
    # The lead, who knows cal is not at that laptop, refuses: it stays refused.
    refuse = requests.post(f"{server.url}{API}{p.TEAM_DEVICES_PATH}/{pending[0]['device_id']}"
                           f"/workers/{pending[0]['worker_id']}/refuse", headers=lead,
                           timeout=30)
    assert refuse.status_code == 200 and refuse.json()["state"] == "refused"
    again = _thief_signs_in(server, laptop, "cal")
    assert again.status_code == 403 and again.json()["error"] == p.ERR_KEY_RELEASE_REFUSED
    log = server.admin("audit-log", "--event", "key_release.")
    for action in ("key_release.requested", "key_release.withheld", "key_release.refused"):
        assert action in log


def test_a_real_colleague_gets_in_once_the_lead_approves(enrol, server):
    laptop = _ann_laptop(enrol)
    with pytest.raises(SignInRefused, match="new to you"):
        laptop.device.sign_in(username="cal", passphrase=PASSWORD)
    lead = _lead_headers(server)
    [request] = requests.get(f"{server.url}{API}{p.KEY_RELEASES_PATH}", headers=lead,
                             timeout=30).json()
    approve = requests.post(f"{server.url}{API}{p.TEAM_DEVICES_PATH}/{request['device_id']}"
                            f"/workers/{request['worker_id']}/approve", headers=lead,
                            timeout=30)
    assert approve.status_code == 200 and approve.json()["state"] == "approved"
    cal = laptop.device.sign_in(username="cal", passphrase=PASSWORD)
    assert cal.worker.username == "cal" and cal.server_token
    cal.close()
    assert laptop.device.usernames() == ["ann", "cal"]
    server.stop()  # from now on cal signs in offline, like anyone who has used it
    laptop.device.sign_in(username="cal", passphrase=PASSWORD).close()


def test_the_enrolling_worker_and_it_approved_workers_need_not_ask(enrol, server):
    laptop = _ann_laptop(enrol)
    assert _thief_signs_in(server, laptop, "ann").status_code == 200  # her own laptop
    allow_worker(server, "laptop 0", "cal")
    reply = _thief_signs_in(server, laptop, "cal")
    assert reply.status_code == 200 and base64.b64decode(reply.json()["store_key"])
    assert "key release: approval" in server.admin("key-release")


def test_the_sign_in_window_says_the_lead_has_been_asked(qtbot, enrol, server):
    from PySide6.QtCore import Qt

    from app.config import Settings
    from app.ui.controller import AppController

    laptop = _ann_laptop(enrol)
    ctrl = AppController(device=laptop.device, settings=Settings(), version="t")
    try:
        ctrl.start()
        window = ctrl.sign_in_window
        window.username.clear()
        qtbot.keyClicks(window.username, "cal")
        qtbot.keyClicks(window.passphrase, PASSWORD)
        qtbot.keyClick(window.passphrase, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.message.text() == AWAITING_APPROVAL, timeout=10_000)
        assert ctrl.main_window is None and window.button.isEnabled()
    finally:
        ctrl.shutdown()


@pytest.fixture
def notify_server(server):
    """The same server restarted with `--key-release notify` (today's behaviour)."""
    server.stop()
    server.extra_args = ("--key-release", "notify")
    server.start()
    return server


def test_the_notify_policy_hands_the_key_over_as_before(enrol, notify_server):
    laptop = _ann_laptop(enrol)
    assert "key release: notify" in notify_server.admin("key-release")
    cal = laptop.device.sign_in(username="cal", passphrase=PASSWORD)
    cal.close()
    assert laptop.device.usernames() == ["ann", "cal"]
    assert "escrow.released_to_new_worker" in notify_server.admin(
        "audit-log", "--event", "escrow.released_to_new_worker")
