"""Certificates are checked against the operating system's trust store.

NHS trusts and councils run their servers on certificates from their own certificate
authority, which IT installs in Windows' machine store (Group Policy) or in Linux's
/usr/local/share/ca-certificates. requests on its own trusts only the certifi bundle
shipped with it, so such a server was refused. `truststore` verifies with the system's
own verifier (Windows CryptoAPI, macOS Security, OpenSSL's system paths on Linux).

Per connection pool, not truststore.inject_into_ssl(): the rest of the process (the
server in tests, other libraries) keeps Python's defaults. A CA bundle named the
requests way (REQUESTS_CA_BUNDLE, or `verify=` a path) is trusted as well, as before.
"""

from __future__ import annotations

import ssl
from typing import Any

import requests
import truststore
from requests.adapters import HTTPAdapter


def _system_context() -> ssl.SSLContext:
    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # type: ignore[return-value]


class SystemTrustAdapter(HTTPAdapter):
    """An HTTPS adapter whose connections verify against the operating system's store."""

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False,
                         **pool_kwargs: Any) -> None:
        pool_kwargs.setdefault("ssl_context", _system_context())
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        proxy_kwargs.setdefault("ssl_context", self.poolmanager.connection_pool_kw.get(
            "ssl_context") or _system_context())
        return super().proxy_manager_for(proxy, **proxy_kwargs)

    def cert_verify(self, conn: Any, url: str, verify: bool | str, cert: Any) -> None:
        """requests would add its certifi bundle to every connection: with verify=True
        only the system's store decides; a bundle given by path is added to it."""
        super().cert_verify(conn, url, verify, cert)
        if verify is True:
            conn.ca_certs = conn.ca_cert_dir = None


def trust_system_store(session: requests.Session) -> requests.Session:
    """Make `session`'s HTTPS verify against the system store (once: a pool in use
    keeps its open connections)."""
    if not isinstance(session.get_adapter("https://"), SystemTrustAdapter):
        session.mount("https://", SystemTrustAdapter())
    return session


def new_session() -> requests.Session:
    """A requests Session for the central server."""
    return trust_system_store(requests.Session())
