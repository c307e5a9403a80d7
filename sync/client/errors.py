"""What went wrong talking to the server, in a worker's words.

A library's message ("HTTPConnectionPool(host=…): Max retries exceeded…") says nothing
to a drug worker in a custody suite and is clipped in the status bar. Each failure is
named here in a sentence that says what to do; the library's own text goes to the log,
where IT looks.
"""

from __future__ import annotations

import logging
import socket
import ssl
from collections.abc import Iterator

import requests

_log = logging.getLogger(__name__)

CERTIFICATE_ADVICE = "ask IT to install your organisation's certificate authority"


class SyncError(Exception):
    """Sync could not finish; the message says why in a worker's words. `brief`: the
    same in a few words, for the status bar (the full sentence goes in its tooltip).
    `offline`: the server was not reached at all (else it was, and failed or said no)."""

    brief = "sync problem"
    offline = False


class ServerUnreachable(SyncError):
    """No usable answer from the server: worth trying again later."""

    def __init__(self, message: str, brief: str = "server not reachable", *,
                 offline: bool = True) -> None:
        super().__init__(message)
        self.brief, self.offline = brief, offline


class ServerNotTrusted(ServerUnreachable):
    """The server answered, but with a certificate this laptop does not trust. Not
    retried: only IT can fix it, and saying "cannot be reached" sends them the wrong way."""

    def __init__(self, message: str, brief: str) -> None:
        super().__init__(message, brief, offline=False)


def explain(error: requests.RequestException) -> ServerUnreachable:
    """The worker's sentence for a failed request; the library's text is logged."""
    _log.warning("request to the server failed: %s", error)
    causes = list(_causes(error))
    verify = next((c for c in causes if isinstance(c, ssl.SSLCertVerificationError)), None)
    if verify is not None:
        return _not_trusted(verify)
    if any(isinstance(c, ssl.SSLError) for c in causes) or isinstance(
            error, requests.exceptions.SSLError):
        return ServerUnreachable(
            "A secure connection to the server could not be set up: check the server "
            "address with IT (it must be the address the server's certificate is for).",
            "secure connection failed", offline=False)
    return ServerUnreachable(*_unreachable(error, causes))


def _unreachable(error: requests.RequestException,
                 causes: list[BaseException]) -> tuple[str, str]:
    """(sentence, brief) for a network failure: most specific first."""
    if any(isinstance(c, socket.gaierror) for c in causes):
        return ("The server cannot be reached: this laptop cannot find the server's address "
                "(no network here, or the address is wrong).", "no network")
    if isinstance(error, requests.exceptions.ProxyError):
        return ("The server cannot be reached: the network's proxy would not pass the "
                "connection on. Ask IT.", "proxy refused")
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return ("The server cannot be reached: it did not answer in time (the network may "
                "be slow or blocked).", "server not answering")
    if isinstance(error, requests.exceptions.Timeout):
        return ("The server cannot be reached: it took too long to reply (the network "
                "may be slow).", "server too slow")
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return ("The server cannot be reached: it refused the connection (it may be down "
                "or restarting).", "server not running")
    return ("The server cannot be reached: the connection failed or was cut off (the "
            "network may be down).", "server not reachable")


def _not_trusted(error: ssl.SSLCertVerificationError) -> ServerNotTrusted:
    """Which certificate problem, in words: an unknown issuer is the common one (an
    organisation's own certificate authority that this laptop has not been given)."""
    reason = (error.verify_message or "").lower()
    if "expired" in reason or "not yet valid" in reason:
        return ServerNotTrusted(
            "The server's certificate is not trusted by this laptop (it has expired or is "
            "not yet valid): check this laptop's date and time, then ask IT to renew the "
            "server's certificate.", "certificate out of date: ask IT")
    if "hostname" in reason or "ip address mismatch" in reason:
        return ServerNotTrusted(
            "The server's certificate is not trusted by this laptop (it was issued for "
            "another address): check the server address with IT.",
            "certificate for another address: ask IT")
    detail = error.verify_message or "its issuer is unknown here"
    return ServerNotTrusted(
        f"The server's certificate is not trusted by this laptop ({detail}): "
        f"{CERTIFICATE_ADVICE}.", "certificate not trusted: ask IT")


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error and every error inside it: requests wraps urllib3, which wraps the
    socket's or the SSL library's own."""
    seen: set[int] = set()
    todo = [error]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        inner = (current.__cause__, current.__context__, getattr(current, "reason", None),
                 *current.args)
        todo += [x for x in inner if isinstance(x, BaseException)]
