"""The server's copy of the record is sealed at rest (services/sealing.py).

The scans push through the real API into a database of their own that commits (the
suite's usual rolled-back transaction would leave nothing on disk to scan), then look
at everything the database holds: on SQLite the raw bytes of the file and its WAL, on
PostgreSQL every row of every table as text."""

from __future__ import annotations

import json
import stat
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from sync import protocol as p
from sync.protocol.tables import natural_id
from sync.server import db as server_db
from sync.server.app import create_app
from sync.server.crypto import password_hasher
from sync.server.models import Team, Worker
from sync.server.services import credentials, org
from tests.server.conftest import API, MASTER_KEY, cheap_settings

# Text that must never be found in the database, in any form the server writes.
NAME, FAMILY = "Zephaniah", "Quillfeather"
PHONE, STREET, POSTCODE = "07700 900461", "17 Marigold Terrace", "ZQ9 4XW"
NHS, LINKAGE = "9434765919", "ZQ17051983M"
ANSWER = "sleeps at the Ravenscourt hostel"
TOWN_A, TOWN_B = "Wolverhamptonshire", "Kidderminsterleigh"  # the conflict's two sides
SECRETS = [NAME, FAMILY, PHONE, STREET, POSTCODE, NHS, LINKAGE, ANSWER, TOWN_A, TOWN_B]
CREATED = f"{1764892800000:015d}-00000-{uuid.UUID(int=1)}"  # one stamp for every edit


@dataclass
class Server:
    client: TestClient
    sessions: sessionmaker[Session]
    url: str
    token: str
    device_id: str
    worker_id: str
    credential: str = ""  # Ann's sync credential on the device


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def server(request, tmp_path) -> Iterator[Server]:
    """A server on a database of its own, whose every request commits."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'data' / 'server.sqlite3'}"
    else:
        url = request.getfixturevalue("fresh_postgres_database")
    engine = server_db.make_engine(url)
    server_db.migrate(engine)
    sessions = server_db.session_factory(engine, master_key=MASTER_KEY)
    settings = cheap_settings(tmp_path, url)
    with sessions.begin() as s:
        team = org.create_team(s, name="Custody North", agency="police", actor="test")
        worker = org.create_worker(s, password_hasher(settings), username="ann",
                                   display_name="Ann", role="worker",
                                   password="long enough password 1", team=team, actor="test")
        code = org.issue_enrolment_code(s, s.get_one(Team, team.id), hours=1, actor="test")
        worker_id = worker.id
    app = create_app(settings, sessions=sessions, master_key=MASTER_KEY)
    with TestClient(app) as client:
        reply = client.post(f"{API}/devices/enrol", json={"code": code, "device_name": "l"})
        assert reply.status_code == 201, reply.text
        body = reply.json()
        with sessions.begin() as s:
            token = credentials.issue(s, s.get_one(Worker, worker_id), body["device_id"])
        yield Server(client, sessions, url, body["device_token"], body["device_id"], worker_id,
                     token)
    engine.dispose()


def _change(server: Server, person_id: str, table: str, fields: dict, *,
            row_id: str | None = None, base: str | None = None) -> dict:
    stamp = f"{time.time_ns() // 1_000_000:015d}-00000-{server.device_id}"
    body = {"change_id": str(uuid.uuid4()), "table": table, "row_id": row_id or person_id,
            "person_id": person_id, "revision_id": str(uuid.uuid4()),
            "base_revision_id": base, "hlc": stamp, "worker_id": server.worker_id,
            "append_only": False, "fields": {"created_hlc": CREATED, **fields},
            "linkage_key": LINKAGE if table == "people" else None}
    body["content_hash"] = p.content_hash(body)
    return body


def _push(server: Server, *changes: dict) -> list[dict]:
    reply = server.client.post(f"{API}{p.SYNC_PUSH_PATH}",
                               json={"changes": list(changes),
                                     "credentials": {server.worker_id: server.credential}},
                               headers={"Authorization": f"Bearer {server.token}"})
    assert reply.status_code == 200, reply.text
    return reply.json()["results"]


def _pull(server: Server) -> list[dict]:
    reply = server.client.get(f"{API}{p.SYNC_PULL_PATH}", params={"cursor": 0, "limit": 500},
                              headers={"Authorization": f"Bearer {server.token}"})
    assert reply.status_code == 200, reply.text
    return reply.json()["rows"]


def _record_with_a_conflict(server: Server) -> str:
    """A person with all of SECRETS: contact details, an identifier, an assessment
    answer, and two edits of the town from one base (a merge with one conflict)."""
    person = str(uuid.uuid4())
    details = {"given_name": NAME, "family_name": FAMILY, "phone": PHONE,
               "address_line1": STREET, "postcode": POSTCODE, "nhs_number": NHS,
               "town": "Unknown"}
    created = _change(server, person, "people", details)
    answer = _change(server, person, "assessment_values", {
        "person_id": person, "section": "housing", "field": "housing_notes",
        "value_json": json.dumps(ANSWER)}, row_id=natural_id(person, "housing", "housing_notes"))
    assert [r["status"] for r in _push(server, created, answer)] == ["applied", "applied"]
    base = created["revision_id"]
    one = _change(server, person, "people", {**details, "town": TOWN_A}, base=base)
    other = _change(server, person, "people", {**details, "town": TOWN_B}, base=base)
    assert _push(server, one)[0]["status"] == "applied"
    merged = _push(server, other)[0]
    assert (merged["status"], merged["conflicts"]) == ("merged", 1)
    return person


def _found_in(data: str) -> list[str]:
    return [secret for secret in SECRETS if secret in data]


def _database_text(server: Server) -> str:
    if server.url.startswith("sqlite"):
        path = Path(sa.engine.make_url(server.url).database or "")
        wal = Path(f"{path}-wal")
        assert wal.stat().st_size > 0  # the push's pages are in the WAL, not checkpointed
        raw = path.read_bytes() + wal.read_bytes()
        return raw.decode("latin-1")  # every byte as one character: a plain byte search
    engine = sa.create_engine(server.url)
    try:
        with engine.connect() as conn:
            tables = sa.inspect(conn).get_table_names()
            return "\n".join(text for table in tables for text in conn.execute(sa.text(
                f'SELECT row_to_json(t)::text FROM "{table}" t')).scalars())
    finally:
        engine.dispose()


def test_the_database_holds_none_of_the_record_text_and_pull_returns_it(server) -> None:
    person = _record_with_a_conflict(server)
    assert _found_in(_database_text(server)) == []
    rows = _pull(server)
    person_row = [r for r in rows if r["table"] == "people"][-1]  # parents may come first too
    assert {k: person_row["fields"][k] for k in ("given_name", "phone", "address_line1",
                                                 "nhs_number", "town")} == {
        "given_name": NAME, "phone": PHONE, "address_line1": STREET, "nhs_number": NHS,
        "town": TOWN_A}
    [answer] = [r for r in rows if r["table"] == "assessment_values"]
    assert json.loads(answer["fields"]["value_json"]) == ANSWER
    [conflict] = [r for r in rows if r["table"] == p.CONFLICTS_TABLE]
    assert {json.loads(conflict["fields"]["kept_value"]),
            json.loads(conflict["fields"]["other_value"])} == {TOWN_A, TOWN_B}
    assert all(r["person_id"] == person for r in rows)


def test_lookup_still_finds_by_linkage_key_and_identifier_and_shows_them(server) -> None:
    _record_with_a_conflict(server)
    # Lookups need a signed-in worker: the person view and matches show the key as typed.
    signed_in = server.client.post(
        f"{API}/auth/sign-in", headers={"Authorization": f"Bearer {server.token}"},
        json={"username": "ann", "password": "long enough password 1"})
    assert signed_in.status_code == 200, signed_in.text
    headers = {"Authorization": f"Bearer {server.token}",
               p.SESSION_HEADER: signed_in.json()["session_token"]}
    for body in ({"linkage_key": LINKAGE}, {"identifier": {"kind": "nhs", "value": NHS}}):
        reply = server.client.post(f"{API}/people/lookup", headers=headers, json=body)
        assert reply.status_code == 200, reply.text
        assert [match["linkage_key"] for match in reply.json()] == [LINKAGE]
        person_id = reply.json()[0]["person_id"]
    shown = server.client.get(f"{API}/people/{person_id}", headers=headers)
    assert shown.status_code == 200, shown.text
    assert shown.json()["identifiers"] == [{"kind": "nhs", "value": NHS}]


def test_the_sqlite_database_and_its_folder_are_private(tmp_path) -> None:
    path = tmp_path / "fresh" / "server.sqlite3"
    engine = server_db.make_engine(f"sqlite:///{path}")
    try:
        server_db.migrate(engine)
        with engine.begin() as conn:  # a write, so the WAL and shared-memory files exist
            conn.execute(sa.text("UPDATE sync_counter SET value = value + 1"))
        for made in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            assert stat.S_IMODE(made.stat().st_mode) == 0o600, made
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    finally:
        engine.dispose()


def test_an_existing_database_file_open_to_others_is_narrowed(tmp_path) -> None:
    path = tmp_path / "server.sqlite3"
    path.touch(mode=0o644)
    path.chmod(0o644)
    server_db.make_engine(f"sqlite:///{path}").dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
