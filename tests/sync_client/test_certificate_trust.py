"""A server on an organisation's own CA is trusted once IT installs
that CA where the laptop looks: the operating system's store (here: OpenSSL's, through
SSL_CERT_FILE, in a child process) or the CA bundle option (REQUESTS_CA_BUNDLE). Until
then it is refused with a sentence that says it was reached and what IT must do.

Also: connection failures in plain words, never the library's text.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sync.client.errors import ServerNotTrusted, ServerUnreachable
from sync.client.transport import HttpTransport
from sync.client.trust import SystemTrustAdapter

ROOT = Path(__file__).resolve().parents[2]
NOT_TRUSTED = "The server's certificate is not trusted by this laptop ("
ADVICE = "ask IT to install your organisation's certificate authority."


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _throwaway_ca_and_server_cert(folder: Path) -> tuple[Path, Path, Path]:
    """A council's CA (ca.pem) and the server certificate it issued for 127.0.0.1."""
    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(
        ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name("Test Council Root CA"))
          .issuer_name(_name("Test Council Root CA")).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(minutes=5))
          .not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                       False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder().subject_name(_name("insideout.council.test"))
            .issuer_name(ca.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = folder / "ca.pem", folder / "server.pem", folder / "server-key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"status": "ok", "protocol_version": 1}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def council_server(tmp_path) -> Iterator[tuple[str, Path]]:
    """An HTTPS server on 127.0.0.1 with a certificate from a throwaway CA: (url, ca.pem)."""
    ca, cert, key = _throwaway_ca_and_server_cert(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}", ca
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _no_bundle_from_the_developer(monkeypatch):
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)


def test_an_unknown_ca_is_refused_in_words_and_not_retried(council_server):
    url, _ca = council_server
    waits: list[float] = []
    with pytest.raises(ServerNotTrusted) as refused:
        HttpTransport(url, attempts=5, sleep=waits.append).health()
    message = str(refused.value)
    assert message.startswith(NOT_TRUSTED) and message.endswith(ADVICE)
    assert "cannot be reached" not in message and "HTTPSConnectionPool" not in message
    assert refused.value.brief == "certificate not trusted: ask IT"
    assert not refused.value.offline  # it was reached
    assert waits == []  # retrying cannot help: only IT can


def test_the_ca_bundle_option_still_works(council_server, monkeypatch):
    url, ca = council_server
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca))
    assert HttpTransport(url, attempts=1).health()["status"] == "ok"


def _health_in_a_child(url: str, **env: str) -> subprocess.CompletedProcess[str]:
    """A fresh process, as a laptop starts: it reads the system store at its own start."""
    code = ("import sys\nfrom sync.client.transport import HttpTransport, SyncError\n"
            "try:\n    print(HttpTransport(sys.argv[1], attempts=1).health()['status'])\n"
            "except SyncError as error:\n    print(error)\n")
    clean = {k: v for k, v in os.environ.items()
             if k not in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE",
                          "SSL_CERT_DIR")}
    return subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True,
                          timeout=60, cwd=ROOT, env={**clean, **env}, check=True)


def test_the_ca_in_the_system_store_is_trusted(council_server, tmp_path):
    url, ca = council_server
    refused = _health_in_a_child(url)
    assert refused.stdout.startswith(NOT_TRUSTED), refused.stdout + refused.stderr
    # What update-ca-certificates gives OpenSSL on Linux: a store that holds the CA.
    accepted = _health_in_a_child(url, SSL_CERT_FILE=str(ca))
    assert accepted.stdout.strip() == "ok", accepted.stdout + accepted.stderr


def test_a_shared_session_is_made_to_use_the_system_store():
    shared = requests.Session()
    HttpTransport("https://insideout.example.nhs.uk", session=shared)
    adapter = shared.get_adapter("https://insideout.example.nhs.uk")
    assert isinstance(adapter, SystemTrustAdapter)
    HttpTransport("https://insideout.example.nhs.uk", session=shared)
    assert shared.get_adapter("https://insideout.example.nhs.uk") is adapter  # pool kept


# ---- plain words for the network's failures ---------------------------------------------

def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _failure(url: str, **kwargs: object) -> ServerUnreachable:
    with pytest.raises(ServerUnreachable) as failed:
        HttpTransport(url, attempts=1, **kwargs).health()  # type: ignore[arg-type]
    assert "ConnectionPool" not in str(failed.value) and "Errno" not in str(failed.value)
    return failed.value


def test_connection_refused_in_words():
    failure = _failure(f"http://127.0.0.1:{_unused_port()}")
    assert str(failure) == ("The server cannot be reached: it refused the connection (it "
                            "may be down or restarting).")
    assert failure.offline


def test_a_name_that_does_not_resolve_in_words():
    failure = _failure("https://insideout.invalid")
    assert "cannot find the server's address" in str(failure) and failure.brief == "no network"


def test_a_server_that_never_answers_in_words():
    with socket.socket() as silent:  # accepts, then says nothing
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        failure = _failure(f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=(2, 0.3))
    assert "took too long to reply" in str(failure)
