"""Throwaway PostgreSQL databases and real sync-server processes for the sync benchmarks.

Everything here cleans up after itself: a database is dropped and a server process is
stopped (by its own pid) when the `with` block ends, whatever happened inside it.
"""

from __future__ import annotations

import base64
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
from sync.server.models import Worker
from sync.server.services import credentials, org
from sync.server.settings import MASTER_KEY_ENV, Settings

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
    master_key: bytes  # the server's, given to it: sessions that write audit events need it

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
        return db.session_factory(self.engine, master_key=self.master_key)()


@contextmanager
def sync_server(database_url: str, *, workers: int) -> Iterator[Server]:
    """`python -m sync.server serve --database-url ... --workers N` on a free loopback port.

    Its log goes to a temp file that is shown only if it fails to start.
    """
    with tempfile.TemporaryDirectory(prefix="insideout-bench-server-") as tmp:
        data_dir, port = Path(tmp) / "server", free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("INSIDEOUT_SERVER_")}
        master_key = secrets.token_bytes(crypto.KEY_BYTES)
        env[MASTER_KEY_ENV] = base64.b64encode(master_key).decode()
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
                             log_path, proc.pid, master_key)
            finally:
                stop(proc)
                engine.dispose()


def add_team(server: Server, name: str, usernames: list[str]) -> dict[str, str]:
    """A team and its workers, written straight into the server's database (as `admin` does).
    Returns each worker's id by username: a push's changes must name one of them."""
    hasher = crypto.password_hasher(server.settings)
    with server.session() as session, session.begin():
        team = org.create_team(session, name=name, agency="police", actor="bench")
        return {username: org.create_worker(
                    session, hasher, username=username, display_name=username.title(),
                    role="worker", password=PASSWORD, team=team, actor="bench").id
                for username in usernames}


def enrolment_code(server: Server, team: str) -> str:
    with server.session() as session, session.begin():
        return org.issue_enrolment_code(session, org.team_by_name(session, team), hours=1,
                                        actor="bench")


@dataclass(frozen=True)
class SimDevice:
    """A simulated device: the server's id for it, its bearer token, and the one worker
    who records on it with that worker's sync credential for this device. The server
    takes a change only from a worker whose credential the push carries."""

    device_id: str
    token: str
    worker_id: str
    credential: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def credentials(self) -> dict[str, str]:
        """What every push from this device carries (the body's "credentials")."""
        return {self.worker_id: self.credential}


def enrol_devices(server: Server, team: str, count: int, worker_id: str) -> list[SimDevice]:
    """Enrol `count` devices in-process, each with a sync credential for `worker_id` (a
    worker of `team`), as a sign-in on it would issue: the HTTP enrol and sign-in
    endpoints are rate-limited per address (rightly), and the figures that use these
    are about syncing, not enrolling."""
    devices = []
    with server.session() as session, session.begin():
        worker = session.get_one(Worker, worker_id)
        for n in range(count):
            code = org.issue_enrolment_code(session, org.team_by_name(session, team), hours=1,
                                            actor="bench")
            enrolled = org.enrol_with_code(session, org.usable_code(session, code),
                                           device_name=f"sim {n}", worker=worker)
            device_id = enrolled.device.id
            devices.append(SimDevice(device_id, enrolled.token, worker_id,
                                     credentials.issue(session, worker, device_id)))
    return devices
