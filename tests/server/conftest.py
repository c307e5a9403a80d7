"""Server fixtures: one migrated database per backend, each test in a rolled-back transaction.

`engine` is parametrized over SQLite and the real PostgreSQL, so every test that uses
`client` (or `db`) runs on both. Tests are isolated by an outer transaction that is
rolled back; the app's sessions join it with SAVEPOINTs (STYLE.md #8).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from sync import protocol as p
from sync.server import db as server_db
from sync.server.app import create_app
from sync.server.services import org
from sync.server.settings import Settings
from tests.conftest import temporary_postgres_database

MASTER_KEY = bytes(range(32))
PASSWORD = "long enough password 1"
API = p.API_PREFIX


def cheap_settings(data_dir, url: str, **overrides) -> Settings:
    """Argon2id at its minimum cost: the suite hashes dozens of passwords."""
    return Settings(data_dir=data_dir, database_url=url, argon2_time_cost=1,
                    argon2_memory_kib=8, **overrides)


@pytest.fixture(scope="session")
def _postgres_test_db(postgres_admin_url: str) -> Iterator[str]:
    with temporary_postgres_database(postgres_admin_url, "insideout_srv") as url:
        yield url


@pytest.fixture(
    scope="session",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def engine(request, tmp_path_factory) -> Iterator[sa.Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('srv') / 'server.sqlite3'}"
    else:
        url = request.getfixturevalue("_postgres_test_db")
    engine = server_db.make_engine(url)
    server_db.migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: sa.Engine) -> Iterator[sa.Connection]:
    conn = engine.connect()
    outer = conn.begin()
    try:
        yield conn
    finally:
        outer.rollback()
        conn.close()


@pytest.fixture
def sessions(connection: sa.Connection) -> sessionmaker[Session]:
    return server_db.session_factory(connection, master_key=MASTER_KEY)


@pytest.fixture
def db(sessions) -> Iterator[Session]:
    with sessions() as session:
        yield session


@pytest.fixture
def settings(tmp_path, engine: sa.Engine) -> Settings:
    return cheap_settings(tmp_path, engine.url.render_as_string(hide_password=False))


@pytest.fixture
def client(settings, sessions) -> Iterator[TestClient]:
    app = create_app(settings, sessions=sessions, master_key=MASTER_KEY)
    with TestClient(app) as test_client:
        yield test_client


@dataclass
class Device:
    id: str
    token: str
    team_id: str

    def headers(self, session_token: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"}
        if session_token:
            headers[p.SESSION_HEADER] = session_token
        return headers


@dataclass
class World:
    """Two clinical teams and a probation partner team, with people and devices."""

    client: TestClient
    sessions: sessionmaker[Session]
    settings: Settings
    teams: dict[str, str] = field(default_factory=dict)
    workers: dict[str, str] = field(default_factory=dict)

    def add_team(self, name: str, agency: str = "treatment_provider") -> str:
        with self.sessions.begin() as s:
            self.teams[name] = org.create_team(s, name=name, agency=agency, actor="test").id
        return self.teams[name]

    def add_worker(self, username: str, team: str, role: str = "worker",
                   partner_agency: str | None = None) -> str:
        from sync.server.crypto import password_hasher
        from sync.server.models import Team

        with self.sessions.begin() as s:
            worker = org.create_worker(
                s, password_hasher(self.settings), username=username, display_name=username,
                role=role, password=PASSWORD, team=s.get(Team, self.teams[team]),
                partner_agency=partner_agency, actor="test")
            self.workers[username] = worker.id
        return self.workers[username]

    def enrol(self, team: str, name: str = "laptop") -> Device:
        from sync.server.models import Team

        with self.sessions.begin() as s:
            code = org.issue_enrolment_code(s, s.get_one(Team, self.teams[team]), hours=1,
                                            actor="test")
        reply = self.client.post(f"{API}/devices/enrol", json={"code": code, "device_name": name})
        assert reply.status_code == 201, reply.text
        body = reply.json()
        return Device(id=body["device_id"], token=body["device_token"], team_id=body["team_id"])

    def approve(self, device: Device, username: str) -> None:
        """Approve `username` for `device` ahead (as IT's `admin allow-worker` does), so a
        first sign-in there through its sign-in key is given the key (policy approval)."""
        from sync.server.services import escrow

        with self.sessions.begin() as s:
            escrow.decide(s, device_id=device.id, worker_id=self.workers[username],
                          approve=True, actor="test")

    def sign_in(self, device: Device, username: str, password: str = PASSWORD) -> str:
        reply = self.client.post(f"{API}/auth/sign-in", headers=device.headers(),
                                 json={"username": username, "password": password})
        assert reply.status_code == 200, reply.text
        return reply.json()["session_token"]


@pytest.fixture
def world(client, sessions, settings) -> World:
    w = World(client=client, sessions=sessions, settings=settings)
    w.add_team("Custody North")
    w.add_team("Prison In-Reach")
    w.add_team("Probation Partners", agency="probation")
    w.add_worker("ann", "Custody North")
    w.add_worker("lee", "Custody North", role="team_lead")
    w.add_worker("bob", "Prison In-Reach")
    w.add_worker("pia", "Prison In-Reach", role="team_lead")
    w.add_worker("pat", "Probation Partners", role="partner_readonly", partner_agency="probation")
    return w


def new_person(consents: dict[str, bool] | None = None, linkage: str = "DS07031986M") -> dict:
    return {
        "person_id": str(uuid.uuid4()),
        "linkage_key": linkage,
        "identifiers": [{"kind": "pnc", "value": "1986/0123456X"}],
        "consents": [{"agency": a, "granted": g} for a, g in (consents or {}).items()],
    }


def clear_of_a_rate_window_edge(window_s: int, margin_s: float = 5.0) -> None:
    """Rate limits count in fixed windows: a burst that straddles a window's end starts
    counting again and the limit is not reached. Wait (at most `margin_s`) so it cannot."""
    import time

    left = window_s - time.time() % window_s
    if left < margin_s:
        time.sleep(left + 0.05)
