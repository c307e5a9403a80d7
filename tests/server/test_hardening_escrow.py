"""A revoked laptop's escrowed key is never recovered: the attempt is refused and audited."""

from __future__ import annotations

import base64
import json

import sqlalchemy as sa

from sync import protocol as p
from sync.server.models import AuditEvent
from sync.server.services import org
from tests.server.conftest import API


def test_a_team_lead_cannot_recover_a_revoked_laptops_key(world, db):
    lost = world.enrol("Custody North", "lost laptop")
    world.sign_in(lost, "ann")
    escrowed = world.client.put(f"{API}/devices/me/escrow", headers=lost.headers(), json={
        "store_key": base64.b64encode(bytes(range(32))).decode()})
    assert escrowed.status_code == 200
    with world.sessions.begin() as s:
        org.revoke_device(s, lost.id, reason="left on a train", actor="test")
    lead = world.enrol("Custody North", "lead's laptop")
    reply = world.client.post(
        f"{API}{p.RECOVER_PATH}", headers=lead.headers(world.sign_in(lead, "lee")),
        json={"device_id": lost.id, "worker_id": world.workers["ann"],
              "reason": "forgot passphrase after leave"})
    assert reply.status_code == 409
    assert "store_key" not in reply.json()
    assert reply.json()["error"] == p.ERR_CONFLICT
    assert "revoked" in reply.json()["message"] and "enrol a new laptop" in reply.json()["message"]
    [refused] = db.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "escrow.recovery_refused")).all()
    assert (refused.worker_id, refused.device_id) == (world.workers["lee"], lost.id)
    assert json.loads(refused.detail)["refused"] == "device_revoked"
    assert db.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "escrow.recovered")).all() == []
