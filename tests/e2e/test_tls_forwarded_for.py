"""X-Forwarded-For is trusted only from proxies IT names, so it cannot dodge the sign-in limit.

Each attempt uses a different unknown username, so only the per-address limit (20 a
minute) is in play, not any per-account one.
"""

from __future__ import annotations

import requests

from sync import protocol as p
from sync.client.transport import HttpTransport
from tests.e2e.test_tls_plain_http import ServeProcess

# The limit is 20 per client address per fixed minute. The attempts take a few seconds,
# so they may straddle one minute's edge (where the count starts again): 41 attempts put
# at least 21 in one minute.
ATTEMPTS = 41


def _server(tmp_path, *extra: str) -> ServeProcess:
    data_dir = tmp_path / "server"
    data_dir.mkdir()
    server = ServeProcess(data_dir, f"sqlite:///{data_dir / 'server.sqlite3'}", extra=extra)
    server.admin("init")
    server.admin("create-team", "--name", "Custody North")
    return server


def _device_token(server: ServeProcess) -> str:
    enrolled = HttpTransport(server.url).enrol(server.enrolment_code("Custody North"), "laptop")
    return enrolled["device_token"]


def _sign_in_statuses(server: ServeProcess) -> list[int]:
    """Up to ATTEMPTS sign-ins from 127.0.0.1, each claiming to come from a new address,
    until the first 429."""
    headers = {"Authorization": f"Bearer {_device_token(server)}"}
    statuses = []
    with requests.Session() as http:
        for n in range(ATTEMPTS):
            reply = http.post(f"{server.url}{p.API_PREFIX}{p.SIGN_IN_PATH}", timeout=30,
                              json={"username": f"nobody.{n}", "password": "wrong password 1"},
                              headers={**headers, "X-Forwarded-For": f"203.0.113.{n + 1}"})
            statuses.append(reply.status_code)
            if reply.status_code == 429:
                break
    return statuses


def test_a_rotating_forwarded_for_does_not_escape_the_limit_by_default(tmp_path):
    server = _server(tmp_path)
    server.start()
    try:
        statuses = _sign_in_statuses(server)
    finally:
        server.stop()
    # Wrong credentials, each counted against 127.0.0.1, until the limit says stop.
    assert statuses[-1] == 429
    assert set(statuses[:-1]) == {401} and 20 <= len(statuses) - 1 < ATTEMPTS


def test_forwarded_for_is_trusted_from_a_proxy_it_names(tmp_path):
    server = _server(tmp_path, "--forwarded-allow-ips", "127.0.0.1")
    server.start()
    try:
        statuses = _sign_in_statuses(server)
    finally:
        server.stop()
    # Each attempt counted against the address the (trusted) proxy reported.
    assert statuses == [401] * ATTEMPTS
