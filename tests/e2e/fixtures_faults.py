"""Shared pieces for the robustness tests: the faulty proxy as a fixture, laptops enrolled
through any URL, and the checks behind "zero lost, zero duplicated" on laptops and server.

Test modules import what they use from here (tests/e2e/conftest.py stays the lead's).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

import main
from app.config import resolve_paths
from app.services.session import WorkerSession
from app.store.keys import KdfParams
from app.store.sync.models import OutboxEntry, SyncConflict, SyncState
from app.store.sync.tables import TABLES
from sync import protocol as p
from sync.client.transport import HttpTransport
from tests.e2e.conftest import PASSWORD, Laptop, Server
from tests.e2e.faulty_proxy import FaultyProxy

Dump = dict[str, dict[str, dict[str, Any]]]  # table -> row id -> column -> value
# Local bookkeeping, not part of the shared record: when this laptop applied a conflict;
# and for rows, the base and clock stamp of the writer's own last edit (the writing
# laptop keeps its own when its revision comes back). Every field and the revision id
# must be identical everywhere.
LOCAL_ONLY = {"sync_conflicts": {"created_at"}, "*": {"base_revision_id", "updated_hlc"}}


TEAMS = (("Custody North", "treatment_provider"), ("Prison In-Reach", "prison"))
WORKERS = (("ann", "Custody North"), ("cal", "Custody North"), ("bob", "Prison In-Reach"))


def start_server(data_dir: Path, database_url: str | None = None) -> Server:
    """The same world as conftest's `server` fixture, for any scope or database."""
    data_dir.mkdir(parents=True)
    srv = Server(data_dir, database_url or f"sqlite:///{data_dir / 'server.sqlite3'}")
    srv.admin("init")
    for team, agency in TEAMS:
        srv.admin("create-team", "--name", team, "--agency", agency)
    for user, team in WORKERS:
        srv.admin("create-worker", "--team", team, "--username", user, "--display-name",
                  user.capitalize(), "--password-stdin", stdin=PASSWORD + "\n")
    srv.start()
    return srv


@pytest.fixture(scope="module", name="shared_server")
def shared_server_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server process for a whole module: starting one costs seconds."""
    srv = start_server(tmp_path_factory.mktemp("shared") / "server")
    yield srv
    srv.stop()


@pytest.fixture(scope="module", name="shared_proxy")
def shared_proxy_fixture(shared_server: Server) -> Iterator[FaultyProxy]:
    """A pass-through proxy in front of `shared_server`; tests add rules to it."""
    faulty = FaultyProxy(shared_server.port).start()
    yield faulty
    faulty.stop()


def enrol_laptop(server: Server, root: Path, username: str, team: str,
                 url: str | None = None) -> Laptop:
    """A laptop with an encrypted store, enrolled (through `url`, e.g. a proxy) and signed in."""
    device = main.build_device_service(resolve_paths(root), kdf=KdfParams.fast_for_tests())
    session = device.enrol(server_url=url or server.url, code=server.enrolment_code(team),
                           device_name=root.name, username=username, password=PASSWORD)
    return Laptop(device, session)


def sign_in_again(laptop: Laptop) -> Laptop:
    """The same laptop after a restart: unlock its store from the key wraps on disk."""
    username = laptop.session.worker.username
    if laptop.session.is_open:
        laptop.session.close()
    return Laptop(laptop.device, laptop.device.sign_in(username=username, passphrase=PASSWORD))


def device_token(session: WorkerSession) -> str:
    with session.transaction() as db:
        return db.get_one(SyncState, "device_token").value


class SleepLog(list[float]):
    """Stands in for time.sleep in a transport: remembers each wait, waits only briefly."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)
        time.sleep(min(seconds, 0.01))


def fast_transport(session: WorkerSession, url: str, *, read_timeout: float = 5.0,
                   attempts: int = 6, sleeps: SleepLog | None = None) -> HttpTransport:
    """The real transport with short timeouts and (almost) no backoff, so faults are quick."""
    return HttpTransport(url, device_token(session), timeout=(2.0, read_timeout),
                         attempts=attempts, sleep=sleeps if sleeps is not None else SleepLog())


# ---- what a laptop holds ---------------------------------------------------------------
def store_dump(session: WorkerSession) -> Dump:
    """Every synced row and every conflict on a laptop, all columns."""
    out: Dump = {}
    with session.transaction() as db:
        for table in [*TABLES.values()]:
            columns = [c for c in table.columns() if c not in LOCAL_ONLY["*"]]
            out[table.name] = {row.id: _columns(row, columns)
                               for row in db.scalars(sa.select(table.model))}
        columns = [c.key for c in SyncConflict.__table__.columns
                   if c.key not in LOCAL_ONLY["sync_conflicts"]]
        out["sync_conflicts"] = {row.id: _columns(row, columns)
                                 for row in db.scalars(sa.select(SyncConflict))}
    return out


def _columns(row: object, names: list[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def outbox(session: WorkerSession) -> Counter[str]:
    """Outbox entries by state ("pending", "refused")."""
    with session.transaction() as db:
        return Counter(db.scalars(sa.select(OutboxEntry.state)))


# ---- what the server holds -------------------------------------------------------------
def server_rows(server: Server) -> dict[tuple[str, str], dict[str, Any]]:
    """(table, row id) -> the row's fields, straight from the server's database, opened
    with its master key (the record text is sealed at rest)."""
    from sync.server import crypto
    from sync.server import db as server_db
    from sync.server.services import sealing
    from sync.server.settings import Settings

    key = crypto.load_master_key(Settings(data_dir=server.data_dir,
                                          database_url=server.database_url), create=False)
    engine = sa.create_engine(server.database_url, poolclass=NullPool)
    try:
        with server_db.session_factory(engine, master_key=key)() as session:
            rows = list(session.execute(sa.text(
                "SELECT table_name, row_id, revision_id, fields_json FROM sync_rows")))
            texts = sealing.open_records(session, [tuple(row) for row in rows])
            return {(t, r): json.loads(text) for (t, r, _v, _f), text in zip(rows, texts,
                                                                               strict=True)}
    finally:
        engine.dispose()


def server_scalar(database_url: str, query: str) -> Any:
    engine = sa.create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(query)).scalar()
    finally:
        engine.dispose()


def server_ledger(database_url: str) -> list[str]:
    engine = sa.create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text("SELECT change_id FROM sync_changes")).scalars())
    finally:
        engine.dispose()


# ---- the verdict -----------------------------------------------------------------------
def assert_converged(server: Server, sessions: list[WorkerSession],
                     people: set[str] | None = None) -> Dump:
    """Zero lost, zero duplicated: every laptop holds exactly what the server holds.

    - no outbox entry is pending or refused on any laptop;
    - every laptop holds the same rows with the same values, conflicts included;
    - every row the server has is on every laptop with the server's values and vice versa
      (so nothing a laptop wrote is missing from the server, and nothing is there twice:
      the server keys rows by (table, row id), and a duplicate would be a second row id);
    - the people are exactly `people`, once each.
    """
    for session in sessions:
        assert outbox(session) == Counter(), f"{session.worker.username}: outbox not empty"
    dumps = [store_dump(session) for session in sessions]
    for other in dumps[1:]:
        for table in dumps[0]:
            assert other[table] == dumps[0][table], f"laptops differ in {table}"
    on_server = server_rows(server)
    held = {(table, row_id): {f: values[f] for f in TABLES[table].field_names()}
            for table, rows in dumps[0].items() if table in TABLES
            for row_id, values in rows.items()}
    synced = {key: fields for key, fields in on_server.items() if key[0] != p.CONFLICTS_TABLE}
    assert set(held) == set(synced), (
        f"missing on server: {sorted(set(held) - set(synced))[:5]}, "
        f"missing on laptops: {sorted(set(synced) - set(held))[:5]}")
    for key, fields in synced.items():
        assert {f: fields.get(f) for f in held[key]} == held[key], f"{key} differs"
    conflicts = {row_id for table, row_id in on_server if table == p.CONFLICTS_TABLE}
    assert conflicts == set(dumps[0]["sync_conflicts"])
    if people is not None:
        assert set(dumps[0]["people"]) == people
    return dumps[0]
