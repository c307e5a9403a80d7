"""A real server process and real encrypted client stores talking HTTP on loopback."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

import main
from app.config import resolve_paths
from app.services.device import DeviceService
from app.services.session import WorkerSession
from app.store.keys import KdfParams
from sync import protocol as p
from sync.server.__main__ import main as server_main

PASSWORD = "long enough password 1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    data_dir: Path
    database_url: str
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None
    extra_args: tuple[str, ...] = ()  # more `serve` flags, as a deployment would give

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("INSIDEOUT_SERVER_")}
        log = (self.data_dir.parent / f"server-{self.port}.log").open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sync.server", "serve", "--port", str(self.port),
             "--data-dir", str(self.data_dir), "--database-url", self.database_url,
             *self.extra_args],
            stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "server exited early"
            try:
                if requests.get(f"{self.url}{p.API_PREFIX}/health", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise AssertionError("server did not become healthy")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def admin(self, *args: str, stdin: str = "") -> str:
        saved_in, saved_out = sys.stdin, sys.stdout
        sys.stdin, sys.stdout = io.StringIO(stdin), io.StringIO()
        try:
            code = server_main(["admin", "--database-url", self.database_url,
                                "--data-dir", str(self.data_dir), *args])
            output = sys.stdout.getvalue()
        finally:
            sys.stdin, sys.stdout = saved_in, saved_out
        assert code == 0, output
        return output

    def enrolment_code(self, team: str) -> str:
        return self.admin("issue-enrolment-code", "--team", team).split()[-1]


@dataclass
class Laptop:
    device: DeviceService
    session: WorkerSession


@pytest.fixture
def server(tmp_path) -> Iterator[Server]:
    data_dir = tmp_path / "server"
    data_dir.mkdir()
    srv = Server(data_dir, f"sqlite:///{data_dir / 'server.sqlite3'}")
    srv.admin("init")
    srv.admin("create-team", "--name", "Custody North")
    srv.admin("create-team", "--name", "Prison In-Reach", "--agency", "prison")
    for user, team in (("ann", "Custody North"), ("cal", "Custody North"),
                       ("bob", "Prison In-Reach")):
        srv.admin("create-worker", "--team", team, "--username", user, "--display-name",
                  user.capitalize(), "--password-stdin", stdin=PASSWORD + "\n")
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def enrol(server, tmp_path):
    """enrol("ann", "Custody North") -> a Laptop with an encrypted store, enrolled and signed in."""
    laptops: list[Laptop] = []

    def _enrol(username: str, team: str) -> Laptop:
        paths = resolve_paths(tmp_path / f"laptop-{len(laptops)}-{username}")
        device = main.build_device_service(paths, kdf=KdfParams.fast_for_tests())
        session = device.enrol(server_url=server.url, code=server.enrolment_code(team),
                               device_name=f"laptop {len(laptops)}", username=username,
                               password=PASSWORD)
        laptops.append(Laptop(device, session))
        return laptops[-1]

    yield _enrol
    for laptop in laptops:
        if laptop.session.is_open:
            laptop.session.close()
