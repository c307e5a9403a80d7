"""Which server addresses a laptop may talk to: https://, or plain http:// on this machine only.

Enrolment, sign-in and every sync send the worker's password, the device token and the
escrowed store key. Over plain HTTP anyone on the network path (custody suite Wi-Fi, a
prison's proxy) reads them, so the client refuses it before anything is sent. Loopback
stays allowed: nothing leaves the machine, and tests and local trials need it.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

_LOOPBACK_NAMES = frozenset({"localhost", "localhost."})

HOW_TO_FIX = ("Use the address that starts with https://, or ask IT for the right address.")


class InsecureServerAddress(ValueError):
    """The server address would send passwords and keys unencrypted; str() says what to do."""


def require_secure(url: str) -> str:
    """Return `url` unchanged if it is https://, or http:// to this machine; else raise."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "https" and parts.hostname:
        return url
    if scheme == "http" and is_loopback(parts.hostname or ""):
        return url
    raise InsecureServerAddress(_refusal(url, scheme))


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: traffic that never leaves this machine."""
    host = host.lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name other than localhost may resolve anywhere
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def _refusal(url: str, scheme: str) -> str:
    if not url.strip():
        return f"No server address is set. {HOW_TO_FIX}"
    if scheme == "http":
        return (f"The server address {url.strip()} is not secure (http://): passwords and keys "
                f"would cross the network unencrypted. {HOW_TO_FIX}")
    return f"The server address {url.strip()} must start with https://. {HOW_TO_FIX}"
