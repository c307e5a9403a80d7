"""Driving the console's forms over plain HTTP, as a browser without JavaScript would."""

from __future__ import annotations

import re

from sync.server.console import totp

CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')
SECRET = re.compile(r'id="totp-secret">([A-Z2-7 ]+)<')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def secret_of(html: str) -> bytes:
    import base64

    raw = SECRET.search(html).group(1).replace(" ", "")
    return base64.b32decode(raw + "=" * (-len(raw) % 8))


def code_now(secret: bytes, *, later_steps: int = 0) -> str:
    return totp.code_at(secret, totp.current_step() + later_steps)


def sign_in(client, username: str, password: str, *, follow: bool = True):
    page = client.get("/console/sign-in")
    return client.post("/console/sign-in", data={"csrf": csrf_of(page.text),
                                                 "username": username, "password": password},
                       follow_redirects=follow)
