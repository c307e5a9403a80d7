"""The server as IT runs it: real `python -m sync.server` processes on real ports."""

from __future__ import annotations

import io
import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from sync.server.__main__ import main as server_main
from tests.server.conftest import API, PASSWORD, new_person

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(data_dir: Path, *extra: str, scheme: str = "http",
                   log_to: list[Path] | None = None) -> Iterator[str]:
    """Start `python -m sync.server serve`, wait for health, stop it afterwards."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSIDEOUT_SERVER_")}
    command = [sys.executable, "-m", "sync.server", "serve", "--port", str(port),
               "--data-dir", str(data_dir), "--create", *extra]
    log = data_dir.parent / f"server-{port}.log"
    if log_to is not None:
        log_to.append(log)
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"{scheme}://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc, log)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_healthy(base: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}{API}/health", timeout=1, verify=False).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"server did not answer health within 30 s:\n{log.read_text()}")


def test_serve_starts_on_sqlite_in_its_data_dir_and_answers_health(tmp_path):
    data_dir = tmp_path / "server-data"
    with running_server(data_dir) as base:
        reply = httpx.get(f"{base}{API}/health", timeout=5)
        assert reply.status_code == 200
        assert reply.json()["database"] == "ok"
    assert (data_dir / "server.sqlite3").is_file()
    assert (data_dir / "master.key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("flags", [(), ("--access-log",)], ids=["default", "access-log"])
def test_a_line_per_request_only_when_asked_for(tmp_path, flags):
    logs: list[Path] = []
    with running_server(tmp_path / "data", *flags, log_to=logs) as base:
        assert httpx.get(f"{base}{API}/health", timeout=5).status_code == 200
    request_lines = [line for line in logs[0].read_text().splitlines()
                     if f"GET {API}/health" in line]
    assert bool(request_lines) == bool(flags)  # (waiting for health asked it too)


def _admin(url: str, data_dir: Path, *args: str, stdin: str = "") -> None:
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = server_main(["admin", "--database-url", url, "--data-dir", str(data_dir), *args])
    finally:
        sys.stdin = saved
    assert code == 0


@pytest.mark.postgres
def test_two_processes_on_one_postgres_serve_the_same_data(
    tmp_path, fresh_postgres_database, capsys
):
    url, data_dir = fresh_postgres_database, tmp_path / "shared"
    _admin(url, data_dir, "create-team", "--name", "Custody North")
    _admin(url, data_dir, "create-worker", "--team", "Custody North", "--username", "ann",
           "--password-stdin", stdin=PASSWORD + "\n")
    capsys.readouterr()
    _admin(url, data_dir, "issue-enrolment-code", "--team", "Custody North")
    code = capsys.readouterr().out.strip().rsplit(" ", 1)[-1]
    with running_server(data_dir, "--database-url", url) as one, \
            running_server(data_dir, "--database-url", url) as two:
        enrolled = httpx.post(f"{one}{API}/devices/enrol", timeout=10,
                              json={"code": code, "device_name": "laptop"}).json()
        device = {"Authorization": f"Bearer {enrolled['device_token']}"}
        signed = httpx.post(f"{two}{API}/auth/sign-in", headers=device, timeout=10,
                            json={"username": "ann", "password": PASSWORD})
        assert signed.status_code == 200  # process two knows the device process one enrolled
        headers = {**device, "X-InsideOut-Session": signed.json()["session_token"]}
        person = new_person()
        assert httpx.post(f"{one}{API}/people", headers=headers, json=person,
                          timeout=10).status_code == 201
        listed = httpx.get(f"{two}{API}/people", headers=headers, timeout=10).json()
        assert [row["person_id"] for row in listed["people"]] == [person["person_id"]]


def _self_signed(directory: Path) -> tuple[Path, Path]:
    import ipaddress
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=1)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_serve_with_tls_answers_https(tmp_path):
    cert, key = _self_signed(tmp_path)
    data_dir = tmp_path / "tls-data"
    with running_server(data_dir, "--tls-cert", str(cert), "--tls-key", str(key),
                        scheme="https") as base:
        assert base.startswith("https://")
        trust = ssl.create_default_context(cafile=str(cert))  # verify for real, not verify=False
        reply = httpx.get(f"{base}{API}/health", verify=trust, timeout=5)
        assert reply.status_code == 200
