"""Store-key escrow: sealed at rest, recoverable only by the team's lead, audited."""

from __future__ import annotations

import base64
import binascii

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from sync import protocol as p
from sync.server import crypto
from sync.server import db as server_db
from sync.server.app import create_app
from sync.server.models import AuditEvent, KeyEscrow
from sync.server.services import escrow
from tests.server.conftest import API, MASTER_KEY, World, cheap_settings

KNOWN_KEY = bytes.fromhex("5ec2e7a1" * 8)  # a recognisable 32-byte pattern to grep for


def _encodings(key: bytes) -> list[bytes]:
    return [key, binascii.hexlify(key), binascii.hexlify(key).upper(), base64.b64encode(key)]


def _escrow_known_key(world: World):
    device = world.enrol("Custody North")
    world.sign_in(device, "ann")
    reply = world.client.put(f"{API}/devices/me/escrow", headers=device.headers(),
                             json={"store_key": base64.b64encode(KNOWN_KEY).decode()})
    assert reply.status_code == 200
    return device


def _committed_world(tmp_path, url: str) -> tuple[World, sa.Engine]:
    """No rolled-back transaction here: the bytes must really reach the database."""
    engine = server_db.make_engine(url)
    server_db.migrate(engine)
    settings = cheap_settings(tmp_path, url)
    sessions = server_db.session_factory(engine)
    client = TestClient(create_app(settings, sessions=sessions, master_key=MASTER_KEY))
    world = World(client=client, sessions=sessions, settings=settings)
    world.add_team("Custody North")
    world.add_worker("ann", "Custody North")
    return world, engine


def test_escrowed_key_is_not_in_the_sqlite_file(tmp_path):
    path = tmp_path / "server.sqlite3"
    world, engine = _committed_world(tmp_path, f"sqlite:///{path}")
    _escrow_known_key(world)
    with engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(KeyEscrow)) == 1
    engine.dispose()
    # The main file and any WAL/SHM left beside it: wherever SQLite put the bytes.
    raw = b"".join(f.read_bytes() for f in tmp_path.glob("server.sqlite3*"))
    assert len(raw) > 10_000
    for encoded in _encodings(KNOWN_KEY):
        assert encoded not in raw


@pytest.mark.postgres
def test_escrowed_key_is_not_in_the_postgres_table(tmp_path, fresh_postgres_database):
    world, engine = _committed_world(tmp_path, fresh_postgres_database)
    _escrow_known_key(world)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT device_id, nonce, ciphertext FROM key_escrow")).all()
        dump = conn.execute(sa.text("SELECT key_escrow::text FROM key_escrow")).scalars().all()
    engine.dispose()
    assert len(rows) == 1
    stored = b"".join(bytes(r.nonce) + bytes(r.ciphertext) for r in rows)
    text = "".join(dump).encode()
    for encoded in _encodings(KNOWN_KEY):
        assert encoded not in stored
        assert encoded not in text


def test_a_sealed_key_opens_only_with_its_master_key_and_device(db, world):
    device = _escrow_known_key(world)
    assert escrow.read(db, MASTER_KEY, device.id) == KNOWN_KEY
    row = db.get(KeyEscrow, device.id)
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidTag
        crypto.unseal(bytes(32), row.nonce, row.ciphertext, context=device.id)
    with pytest.raises(Exception):  # noqa: B017
        crypto.unseal(MASTER_KEY, row.nonce, row.ciphertext, context="another-device")


def _recover(world, headers, device_id, worker):
    return world.client.post(f"{API}/team/recover-key", headers=headers, json={
        "device_id": device_id, "worker_id": world.workers[worker],
        "reason": "forgot passphrase after leave"})


def test_team_lead_recovers_a_key_for_their_worker_and_it_is_audited(world, db):
    device = _escrow_known_key(world)
    lead_headers = device.headers(world.sign_in(device, "lee"))
    reply = _recover(world, lead_headers, device.id, "ann")
    assert reply.status_code == 200
    assert base64.b64decode(reply.json()["store_key"]) == KNOWN_KEY
    event = db.scalars(sa.select(AuditEvent).where(AuditEvent.action == "escrow.recovered")).one()
    assert event.worker_id == world.workers["lee"]
    assert base64.b64encode(KNOWN_KEY).decode() not in event.detail


def test_recovery_is_refused_to_workers_and_to_other_teams_leads(world):
    device = _escrow_known_key(world)
    as_worker = _recover(world, device.headers(world.sign_in(device, "ann")), device.id, "ann")
    assert as_worker.status_code == 403
    assert as_worker.json()["error"] == p.ERR_FORBIDDEN_ROLE
    prison = world.enrol("Prison In-Reach")
    as_other_lead = _recover(world, prison.headers(world.sign_in(prison, "pia")), device.id, "ann")
    assert as_other_lead.status_code == 403
    assert as_other_lead.json()["error"] == p.ERR_WRONG_TEAM


def test_master_key_file_is_private_and_shared_by_concurrent_starts(tmp_path):
    settings = cheap_settings(tmp_path, "sqlite://")
    first = crypto.load_master_key(settings, create=True)
    assert crypto.load_master_key(settings, create=True) == first
    assert settings.master_key_path.stat().st_mode & 0o777 == 0o600
    settings.master_key_path.chmod(0o644)
    with pytest.raises(crypto.MasterKeyError, match="chmod 600"):
        crypto.load_master_key(settings, create=False)
