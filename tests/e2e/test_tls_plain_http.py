"""No passwords or keys over plain HTTP: the real server process and the real client refuse it.

The server will not listen with plain HTTP beyond this machine unless it serves TLS itself
or is told a TLS proxy sits in front; the client will not send to an http:// address
other than loopback, whether enrolling, syncing or signing in.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sync import protocol as p
from sync.client.transport import HttpTransport, ServerUnreachable
from sync.client.urls import InsecureServerAddress, require_secure
from tests.e2e.conftest import PASSWORD, Server

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@dataclass
class ServeProcess(Server):
    """conftest's Server, started with the listening address and flags a test chooses."""

    host: str = "127.0.0.1"
    extra: tuple[str, ...] = ()
    scheme: str = "http"
    verify: str | bool = True

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "sync.server", "serve", "--host", self.host,
                "--port", str(self.port), "--data-dir", str(self.data_dir),
                "--database-url", self.database_url, "--create", *self.extra]

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("INSIDEOUT_SERVER_")}
        log = (self.data_dir.parent / f"server-{self.port}.log").open("ab")
        self.proc = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                     env=env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log_text()
            try:
                if requests.get(f"{self.url}{p.API_PREFIX}/health", timeout=1,
                                verify=self.verify).ok:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise AssertionError("server did not become healthy")

    def log_text(self) -> str:
        return (self.data_dir.parent / f"server-{self.port}.log").read_text(errors="replace")


def _serve(tmp_path: Path, **kwargs: object) -> ServeProcess:
    data_dir = tmp_path / "server"
    data_dir.mkdir(exist_ok=True)
    return ServeProcess(data_dir, f"sqlite:///{data_dir / 'server.sqlite3'}", **kwargs)


def _run_to_exit(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSIDEOUT_SERVER_")}
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env=env,
                          cwd=ROOT, **kwargs)


# ---- the server -------------------------------------------------------------------------

def test_serve_refuses_plain_http_on_every_interface(tmp_path):
    server = _serve(tmp_path, host="0.0.0.0")
    done = _run_to_exit(server.command())
    assert done.returncode == 2, done.stderr
    assert "refusing to serve plain HTTP on 0.0.0.0" in done.stderr
    assert "--tls-cert" in done.stderr and "--behind-tls-proxy" in done.stderr
    assert "Traceback" not in done.stderr
    with pytest.raises(requests.ConnectionError):  # and nothing listens
        requests.get(f"{server.url}{p.API_PREFIX}/health", timeout=1)


def test_serve_starts_on_every_interface_behind_a_tls_proxy(tmp_path):
    server = _serve(tmp_path, host="0.0.0.0", extra=("--behind-tls-proxy",))
    server.start()
    try:
        assert requests.get(f"{server.url}{p.API_PREFIX}/health", timeout=5).ok
    finally:
        server.stop()


def test_serve_starts_with_plain_http_on_loopback(tmp_path):
    server = _serve(tmp_path, host="127.0.0.1")
    server.start()
    try:
        assert HttpTransport(server.url).health()["status"] == "ok"
    finally:
        server.stop()


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "insideout test")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_serve_with_its_own_tls_on_every_interface_and_the_client_takes_https(
        tmp_path, monkeypatch):
    cert, key = _self_signed(tmp_path)
    server = _serve(tmp_path, host="0.0.0.0", scheme="https", verify=str(cert),
                    extra=("--tls-cert", str(cert), "--tls-key", str(key)))
    server.start()
    try:
        with pytest.raises(ServerUnreachable, match="not trusted by this laptop"):
            HttpTransport(server.url, attempts=1).health()  # certificates are still checked
        # As an organisation with its own CA does it: requests trusts that bundle.
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
        assert HttpTransport(server.url).health()["status"] == "ok"
    finally:
        server.stop()


# ---- the client -------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["http://example.org", "http://10.1.2.3", "http://10.1.2.3:8765/",
                                 "HTTP://sync.example.org", "http://127.0.0.1.example.org",
                                 "ftp://sync.example.org", "sync.example.org", ""])
def test_the_client_refuses_addresses_that_are_not_https_or_loopback(url):
    with pytest.raises(InsecureServerAddress, match="https://"):
        HttpTransport(url)


@pytest.mark.parametrize("url", ["https://sync.example.org", "HTTPS://sync.example.org:8443/",
                                 "http://127.0.0.1:8765", "http://127.8.9.10", "http://[::1]:80",
                                 "http://localhost:8765", "http://LOCALHOST"])
def test_the_client_takes_https_and_loopback(url):
    assert require_secure(url) == url
    HttpTransport(url)


def test_main_enrol_refuses_plain_http_to_another_host_without_a_traceback(tmp_path):
    done = _run_to_exit([sys.executable, "main.py", "--data-dir", str(tmp_path / "laptop"),
                         "enrol", "--server", "http://10.1.2.3:8765", "--code", "AAAAA-BBBBB",
                         "--username", "ann", "--password-stdin"], input=PASSWORD + "\n")
    assert done.returncode == 2, done.stderr
    assert "not secure (http://)" in done.stderr and "https://" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "laptop" / "keywraps.json").exists()  # nothing was set up


def test_main_enrol_over_loopback_http_still_works(server, tmp_path):
    done = _run_to_exit([sys.executable, "main.py", "--data-dir", str(tmp_path / "laptop"),
                         "enrol", "--server", server.url,
                         "--code", server.enrolment_code("Custody North"),
                         "--username", "ann", "--password-stdin"], input=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
