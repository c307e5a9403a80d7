"""Sync health for IT: laptops not seen for a while, conflicts waiting for a worker's
decision, and pushed changes the server refused, per laptop."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server.models import AuditEvent, Device, SyncRow, Team, utcnow
from sync.server.services import sealing

MAX_CONFLICTS_READ = 5_000  # conflicts are rare; past this the page says "at least"


@dataclass(frozen=True)
class DeviceHealth:
    device: Device
    team: str
    refused: int  # refused pushed changes in the period (the audit trail's)
    conflicts: int  # conflicts its pushes made that no worker has resolved yet


def report(session: Session, *, days: int) -> tuple[list[DeviceHealth], list[Device], int]:
    """(every laptop in service with its figures, those not seen for `days`, conflicts
    waiting in all)."""
    since = utcnow() - timedelta(days=days)
    refused = dict(session.execute(
        select(AuditEvent.device_id, func.count()).where(
            AuditEvent.action == "sync.change_refused", AuditEvent.at >= since)
        .group_by(AuditEvent.device_id)).all())
    waiting = _unresolved_conflicts(session)
    rows = session.execute(select(Device, Team.name).join(Team, Device.team_id == Team.id)
                           .where(Device.revoked_at.is_(None))
                           .order_by(Team.name, Device.name)).all()
    health = [DeviceHealth(d, name, refused.get(d.id, 0), waiting.get(d.id, 0))
              for d, name in rows]
    silent = [d for d, _ in rows if d.last_seen_at is None or d.last_seen_at < since]
    return health, silent, sum(waiting.values())


def _unresolved_conflicts(session: Session) -> dict[str, int]:
    """Per pushing laptop. A conflict's record is sealed at rest: it is opened here only
    to read whether it was resolved, and nothing of it leaves this function."""
    rows = session.execute(select(SyncRow.table_name, SyncRow.row_id, SyncRow.revision_id,
                                  SyncRow.fields_json, SyncRow.device_id)
                           .where(SyncRow.table_name == p.CONFLICTS_TABLE)
                           .limit(MAX_CONFLICTS_READ)).all()
    texts = sealing.open_records(session, [tuple(r[:4]) for r in rows])
    counts: dict[str, int] = {}
    for row, text in zip(rows, texts, strict=True):
        if not json.loads(text).get("resolved_at"):
            counts[row.device_id] = counts.get(row.device_id, 0) + 1
    return counts
