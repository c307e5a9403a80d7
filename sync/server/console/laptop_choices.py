"""The laptops and workers a form offers for approving a worker on a laptop ahead of their
asking (`admin allow-worker`): laptops in service, and the workers who can sign in on a
laptop, by team. The service (escrow.decide) checks the pair again."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.models import Device, Team, Worker
from sync.server.models.org import LAPTOP_ROLES


@dataclass
class TeamChoices:
    team: Team
    devices: list[Device] = field(default_factory=list)
    workers: list[Worker] = field(default_factory=list)


def by_team(session: Session, *, team_id: str | None = None,
            leaving_out: str | None = None) -> list[TeamChoices]:
    """Every team's (or one team's) choices, teams by name; `leaving_out`: a worker not to
    offer (a lead never approves a laptop for themselves)."""
    teams = select(Team).order_by(Team.name)
    if team_id is not None:
        teams = teams.where(Team.id == team_id)
    found = {t.id: TeamChoices(t) for t in session.scalars(teams)}
    for device in session.scalars(select(Device).where(
            Device.team_id.in_(found), Device.revoked_at.is_(None)).order_by(Device.name)):
        found[device.team_id].devices.append(device)
    for worker in session.scalars(select(Worker).where(
            Worker.team_id.in_(found), Worker.disabled_at.is_(None),
            Worker.role.in_(LAPTOP_ROLES)).order_by(Worker.display_name)):
        if worker.id != leaving_out:
            found[worker.team_id or ""].workers.append(worker)
    return [c for c in found.values() if c.devices and c.workers]


def decided_pair(session: Session, device_id: str | None, worker_id: str | None, *,
                 team_id: str | None = None) -> tuple[str, str] | None:
    """(worker's name, laptop's name) for the page that says what was just decided; None
    when either is unknown or, for a lead (`team_id`), not of their team."""
    device = session.get(Device, device_id[:36]) if device_id else None
    worker = session.get(Worker, worker_id[:36]) if worker_id else None
    if device is None or worker is None:
        return None
    if team_id is not None and team_id not in {device.team_id} & {worker.team_id}:
        return None
    return f"{worker.display_name} ({worker.username})", device.name
