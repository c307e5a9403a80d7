"""HTTP to the central server: explicit timeouts, retries with backoff, Retry-After honoured.

Network failures and 5xx are retried; a 4xx is the server's considered answer and is
raised at once. A revoked device gets DeviceRevoked, whatever it was asking.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import msgspec
import requests

from sync import protocol as p
from sync.client.errors import (
    ServerNotTrusted,
    ServerUnreachable,
    SyncError,
    explain,
)
from sync.client.trust import new_session, trust_system_store
from sync.client.urls import require_secure

__all__ = ["DeviceRevoked", "HttpTransport", "ServerNotTrusted", "ServerRefused",
           "ServerUnreachable", "SyncError"]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_JSON = msgspec.json.Encoder()


DEFAULT_REVOKED = ("This laptop has been revoked by IT. Its local keys have been "
                   "destroyed; contact IT to enrol it again.")


class DeviceRevoked(SyncError):
    """str(): the server's sentence (when, and the reason IT typed), else a fixed one."""

    def __init__(self, message: str = DEFAULT_REVOKED, *, reason: str = "",
                 revoked_at: str = "") -> None:
        super().__init__(message or DEFAULT_REVOKED)
        self.reason, self.revoked_at = reason, revoked_at

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> DeviceRevoked:
        # Older servers send a technical sentence with no reason: keep ours.
        if not body.get("revoked_at") and not body.get("reason"):
            return cls()
        return cls(str(body.get("message", "")), reason=str(body.get("reason") or ""),
                   revoked_at=str(body.get("revoked_at") or ""))


class ServerRefused(SyncError):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"The server refused the request ({status}): "
                         f"{body.get('message', 'no reason given')}")
        self.status, self.body = status, body
        self.brief = f"refused by the server ({status})"


class HttpTransport:
    def __init__(self, base_url: str, token: str = "", *, timeout: tuple[float, float] = (5, 30),
                 attempts: int = 5, sleep: Callable[[float], None] = time.sleep,
                 session: requests.Session | None = None, worker_session: str = "") -> None:
        require_secure(base_url)  # before anything is sent: no secrets over plain HTTP
        self._base = base_url.rstrip("/") + p.API_PREFIX
        self._token = token
        self.worker_session = worker_session  # for worker actions: lookup, fetch
        self._timeout = timeout
        self._attempts = attempts
        self._sleep = sleep
        # The system's certificate store decides, so an organisation's own CA is trusted.
        self._http = trust_system_store(session) if session is not None else new_session()

    def push(self, changes: list[p.Change],
             credentials: dict[str, str] | None = None) -> p.PushResponse:
        """`credentials`: worker id -> sync credential, for the workers of `changes`."""
        # msgspec, not requests' json.dumps: a batch of 500 is half a megabyte, encoded
        # in about a sixth of the time.
        body = {"changes": changes, "credentials": credentials or {}}
        return self._request("POST", p.SYNC_PUSH_PATH, data=_JSON.encode(body),
                             headers={"Content-Type": "application/json"})

    def pull(self, cursor: int, limit: int, *, check_scope: bool = True,
             scope_seen: int | None = None) -> p.PullResponse:
        params: dict[str, object] = {"cursor": cursor, "limit": limit,
                                     "check_scope": str(check_scope).lower()}
        if scope_seen is not None:
            params["scope_seen"] = scope_seen
        return self._request("GET", p.SYNC_PULL_PATH, params=params)

    def enrol(self, code: str, device_name: str, *, username: str = "",
              password: str = "") -> p.EnrolResponse:
        """With `username` and `password` the server checks the worker before it spends
        the code and signs them in by the same call (the reply's `sign_in`)."""
        body: dict[str, str] = {"code": code, "device_name": device_name}
        if not username:
            return self._request("POST", p.ENROL_PATH, json=body)
        try:
            return self._request("POST", p.ENROL_PATH,
                                 json=body | {"username": username, "password": password})
        except ServerRefused as refusal:
            if not _unknown_field(refusal, "body.username"):
                raise
        # An older server refuses the fields it does not know (and nothing
        # else: it checks the body before the code). The code alone, then; the caller
        # signs in after, as laptops did then.
        return self._request("POST", p.ENROL_PATH, json=body)

    def report_app_version(self, version: str) -> p.AppVersionReceipt:
        return self._request("PUT", p.APP_VERSION_PATH, json={"version": version})

    def report_wiped(self) -> p.WipedReceipt:
        """Tell the server this revoked laptop has destroyed its keys (its token's last use)."""
        return self._request("POST", p.WIPED_PATH)

    def upload_escrow(self, store_key_b64: str) -> p.EscrowReceipt:
        return self._request("PUT", p.ESCROW_PATH, json={"store_key": store_key_b64})

    def new_sign_in_key(self) -> p.SignInKey:
        return self._request("POST", p.SIGN_IN_KEY_PATH)

    def sign_in(self, username: str, password: str) -> p.SignInResponse:
        return self._request("POST", p.SIGN_IN_PATH,
                             json={"username": username, "password": password})

    def lookup(self, *, linkage_key: str = "", identifier: p.Identifier | None = None
               ) -> list[p.LookupMatch]:
        body: dict[str, Any] = {"linkage_key": linkage_key} if linkage_key else {
            "identifier": identifier}
        return self._request("POST", p.LOOKUP_PATH, json=body)

    def fetch(self, person_id: str, reason: str) -> p.PersonView:
        return self._request("POST", f"{p.PEOPLE_PATH}/{person_id}/fetch",
                             json={"reason": reason})

    def break_glass(self, person_id: str, *, password: str, reason_code: str,
                    reason: str) -> p.PersonView:
        """Emergency access whatever consent says: the password again, a reason code and the
        reason in words; audited on the server and told to both teams' leads."""
        return self._request("POST", f"{p.PEOPLE_PATH}/{person_id}/break-glass",
                             json={"password": password, "reason_code": reason_code,
                                   "reason": reason})

    def notifications(self, *, unread_only: bool = False) -> list[p.Notification]:
        """The team's notifications, newest first (a team lead's sign-in)."""
        path = p.NOTIFICATIONS_PATH + ("?unread_only=true" if unread_only else "")
        found: list[p.Notification] = self._request("GET", path)
        return found

    def mark_read(self, notification_id: int) -> None:
        self._request("POST", f"{p.NOTIFICATIONS_PATH}/{notification_id}/read")

    def teams(self) -> list[p.TeamEntry]:
        """Every team a person may be handed over to (needs the worker's sign-in)."""
        page: p.TeamsPage = self._request("GET", p.TEAMS_PATH)
        return page["teams"]

    def team_workers(self) -> list[p.TeamWorker]:
        """The workers of the signed-in worker's team who can hold a caseload, by name
        (needs the worker's sign-in)."""
        workers: list[p.TeamWorker] = self._request("GET", p.TEAM_WORKERS_PATH)
        return workers

    def team_devices(self) -> list[p.TeamDevice]:
        """The team's laptops, with who has used each (a team lead's sign-in)."""
        laptops: list[p.TeamDevice] = self._request("GET", p.TEAM_DEVICES_PATH)
        return laptops

    def recover_key(self, device_id: str, worker_id: str, reason: str) -> p.RecoverKeyResponse:
        """A laptop's escrowed store key for a worker of the team who forgot their
        password (a team lead's sign-in); audited on the server and told to the team."""
        return self._request("POST", p.RECOVER_PATH, json={
            "device_id": device_id, "worker_id": worker_id, "reason": reason})

    def signing_certificate(self, csr_pem: str) -> dict[str, str]:
        """The organisation CA certifies this laptop's PDF-signing key."""
        return self._request("POST", p.SIGNING_CERT_PATH, json={"csr": csr_pem})

    def signing_revocations(self) -> str:
        """The organisation CA's current list of revoked laptop certificates (PEM)."""
        return self._request("GET", p.SIGNING_CRL_PATH)["crl"]

    def health(self) -> p.Health:
        return self._request("GET", p.HEALTH_PATH)

    def _request(self, method: str, path: str, *, headers: dict[str, str] | None = None,
                 **kwargs: Any) -> Any:
        headers = dict(headers or {})
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        if self.worker_session:
            headers[p.SESSION_HEADER] = self.worker_session
        for attempt in range(1, self._attempts + 1):
            try:
                reply = self._http.request(method, self._base + path, headers=headers,
                                           timeout=self._timeout, **kwargs)
            except requests.RequestException as error:
                failure = explain(error)
                # A certificate this laptop does not trust stays untrusted: no retries.
                if attempt == self._attempts or isinstance(failure, ServerNotTrusted):
                    raise failure from error
                self._sleep(_backoff(attempt))
                continue
            if reply.status_code in RETRY_STATUSES and attempt < self._attempts:
                self._sleep(_retry_after(reply) or _backoff(attempt))
                continue
            return _checked(reply)
        raise ServerUnreachable("The server kept failing; sync will try again later.",
                                "server busy", offline=False)


def _unknown_field(refusal: ServerRefused, field: str) -> bool:
    problems = (refusal.body.get("fields") or []) if refusal.status == 422 else []
    return any(isinstance(f, dict) and f.get("field") == field for f in problems)


def _backoff(attempt: int) -> float:
    return min(30.0, 0.5 * 2 ** (attempt - 1)) * (0.5 + random.random() / 2)


def _retry_after(reply: requests.Response) -> float | None:
    try:
        return min(300.0, float(reply.headers.get("Retry-After", "")))
    except ValueError:
        return None


def _checked(reply: requests.Response) -> Any:
    if reply.status_code == 204:  # done, nothing to say (a notification marked read)
        return None
    try:
        body = reply.json()
    except ValueError:
        # A truncated or garbled reply: the work may or may not have happened; a resend
        # is safe because every change is idempotent.
        raise ServerUnreachable(f"The server sent an unreadable reply ({reply.status_code}).",
                                "unreadable reply", offline=False) from None
    if reply.status_code >= 400:
        if isinstance(body, dict) and body.get("error") == p.ERR_DEVICE_REVOKED:
            raise DeviceRevoked.from_body(body)
        if reply.status_code >= 500:
            raise ServerUnreachable(f"The server failed ({reply.status_code}); will retry.",
                                    "server error", offline=False)
        raise ServerRefused(reply.status_code, body if isinstance(body, dict) else {})
    return body
