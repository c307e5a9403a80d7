"""Throwaway PostgreSQL databases and real sync-server processes for the sync benchmarks.

Everything here cleans up after itself: a database is dropped and a server process is
stopped (by its own pid) when the `with` block ends, whatever happened inside it.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import crypto, db
from sync.server.services import org
from sync.server.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
# The bench machine's PostgreSQL (trust auth); override to point somewhere else.
ADMIN_URL = os.environ.get("INSIDEOUT_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "bench password long enough"
START_TIMEOUT_S = 60


@contextmanager
def throwaway_database() -> Iterator[str]:
    """A fresh PostgreSQL database at head; yields its SQLAlchemy URL, drops it after."""
    name = f"insideout_bench_{secrets.token_hex(4)}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        engine = db.make_engine(url)
        db.migrate(engine)
        engine.dispose()
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def quiet_database_server() -> None:
    """Write out what earlier figures left in PostgreSQL's buffers now, so that its
    checkpoint does not land in the middle of the next figure's timed part."""
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CHECKPOINT"))
    admin.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes], path: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server on {url} exited early ({proc.returncode})")
        try:
            if requests.get(url + path, timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server on {url} did not become healthy")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM first so uvicorn stops its worker processes itself; SIGKILL if it hangs."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass(frozen=True)
class Server:
    url: str
    settings: Settings
    engine: Engine  # the benchmark's own connection to the server's database
    log_path: Path  # the server's output: where a figure with errors finds out why
    pid: int  # the serving process (its workers are its children)

    def first_error(self) -> str:
        """The last line of the first traceback in the server's log, or ""."""
        lines = self.log_path.read_text(errors="replace").splitlines()
        starts = [i for i, line in enumerate(lines) if line.startswith("Traceback")]
        for line in lines[starts[0]:] if starts else []:
            if line and not line.startswith((" ", "Traceback", "The above", "During")):
                return line.strip()[:160]
        return ""

    def session(self) -> Session:
        """A session on the server's database, for setting up teams and devices in-process."""
        return db.session_factory(self.engine)()


@contextmanager
def sync_server(database_url: str, *, workers: int) -> Iterator[Server]:
    """`python -m sync.server serve --database-url ... --workers N` on a free loopback port.

    Its log goes to a temp file that is shown only if it fails to start.
    """
    with tempfile.TemporaryDirectory(prefix="insideout-bench-server-") as tmp:
        data_dir, port = Path(tmp) / "server", free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("INSIDEOUT_SERVER_")}
        log_path = Path(tmp) / "server.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "sync.server", "serve", "--host", "127.0.0.1",
                 "--port", str(port), "--workers", str(workers), "--data-dir", str(data_dir),
                 "--database-url", database_url],
                stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
            url = f"http://127.0.0.1:{port}"
            engine = db.make_engine(database_url)
            try:
                try:
                    wait_healthy(url, proc, p.API_PREFIX + p.HEALTH_PATH)
                except RuntimeError:
                    print(log_path.read_text(errors="replace")[-3000:], file=sys.stderr)
                    raise
                yield Server(url, Settings(data_dir=data_dir, database_url=database_url), engine,
                             log_path, proc.pid)
            finally:
                stop(proc)
                engine.dispose()


def add_team(server: Server, name: str, usernames: list[str]) -> None:
    """A team and its workers, written straight into the server's database (as `admin` does)."""
    hasher = crypto.password_hasher(server.settings)
    with server.session() as session, session.begin():
        team = org.create_team(session, name=name, agency="police", actor="bench")
        for username in usernames:
            org.create_worker(session, hasher, username=username, display_name=username.title(),
                              role="worker", password=PASSWORD, team=team, actor="bench")


def enrolment_code(server: Server, team: str) -> str:
    with server.session() as session, session.begin():
        return org.issue_enrolment_code(session, org.team_by_name(session, team), hours=1,
                                        actor="bench")


@dataclass(frozen=True)
class SimDevice:
    """A simulated device: just the server's id for it and its bearer token."""

    device_id: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def enrol_devices(server: Server, team: str, count: int) -> list[SimDevice]:
    """Enrol `count` devices in-process: the HTTP enrol endpoint is rate-limited per address
    (rightly), and the figures that use these are about syncing, not enrolling."""
    devices = []
    with server.session() as session, session.begin():
        for n in range(count):
            code = org.issue_enrolment_code(session, org.team_by_name(session, team), hours=1,
                                            actor="bench")
            enrolled = org.enrol_device(session, code=code, device_name=f"sim {n}")
            devices.append(SimDevice(enrolled.device.id, enrolled.token))
    return devices
