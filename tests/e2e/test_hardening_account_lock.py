"""Over real HTTP, against a real server process: a guesser who rotates addresses (here
through a proxy the server trusts, which reports each caller's own address) and switches
between a laptop's device token and its sign-in key is stopped by the per-account limit,
and the worker's team lead is told."""

from __future__ import annotations

import requests

from sync import protocol as p
from sync.server.services.account_limits import ACCOUNT_FAILURES
from tests.e2e.conftest import PASSWORD, Server

GUESSES = 45  # what the review made from rotating addresses before the right password
API = p.API_PREFIX


def _server(tmp_path) -> Server:
    """The server as deployed behind a proxy on the same host, whose X-Forwarded-For it
    trusts: each request then counts against the address the proxy names."""
    data_dir = tmp_path / "server"
    data_dir.mkdir()
    server = Server(data_dir, f"sqlite:///{data_dir / 'server.sqlite3'}",
                    extra_args=("--forwarded-allow-ips", "127.0.0.1"))
    server.admin("init")
    server.admin("create-team", "--name", "Custody North")
    for username, role in (("ann", "worker"), ("lee", "team_lead")):
        server.admin("create-worker", "--team", "Custody North", "--username", username,
                     "--display-name", username.capitalize(), "--role", role,
                     "--password-stdin", stdin=PASSWORD + "\n")
    return server


def _laptop(http: requests.Session, server: Server) -> tuple[dict, dict]:
    """(device token headers, sign-in key headers) of a newly enrolled laptop."""
    enrolled = http.post(f"{server.url}{API}/devices/enrol", timeout=30, json={
        "code": server.enrolment_code("Custody North"), "device_name": "laptop"})
    assert enrolled.status_code == 201, enrolled.text
    token = {"Authorization": f"Bearer {enrolled.json()['device_token']}"}
    key = http.post(f"{server.url}{API}{p.SIGN_IN_KEY_PATH}", headers=token, timeout=30)
    assert key.status_code == 200, key.text
    return token, {"Authorization": f"Bearer {key.json()['sign_in_key']}"}


def _sign_in(http, server, credential, address, username, password) -> requests.Response:
    return http.post(f"{server.url}{API}{p.SIGN_IN_PATH}", timeout=30,
                     headers={**credential, "X-Forwarded-For": address},
                     json={"username": username, "password": password})


def test_guessing_from_rotating_addresses_locks_the_account_and_tells_the_lead(tmp_path):
    server = _server(tmp_path)
    server.start()
    try:
        with requests.Session() as http:
            credentials = _laptop(http, server)
            guesses = [_sign_in(http, server, credentials[n % 2], f"203.0.113.{n + 1}", "ann",
                                f"guess number {n}") for n in range(GUESSES)]
            right = _sign_in(http, server, credentials[0], "198.51.100.1", "ann", PASSWORD)
            lead = _sign_in(http, server, credentials[0], "198.51.100.2", "lee", PASSWORD)
            notes = http.get(f"{server.url}{API}{p.NOTIFICATIONS_PATH}", timeout=30, headers={
                **credentials[0], p.SESSION_HEADER: lead.json()["session_token"]})
    finally:
        server.stop()
    statuses = [reply.status_code for reply in guesses]
    assert statuses == [401] * ACCOUNT_FAILURES + [429] * (GUESSES - ACCOUNT_FAILURES)
    assert right.status_code == 429, right.text  # the right password, too late
    assert "for this account" in right.json()["message"]  # not the per-address limit
    assert 0 < int(right.headers["Retry-After"]) <= 15 * 60
    assert lead.status_code == 200  # a colleague is not locked out with ann
    locked = [n for n in notes.json() if n["kind"] == "sign_in_locked"]
    assert len(locked) == 1 and "Ann (ann)" in locked[0]["detail"]
