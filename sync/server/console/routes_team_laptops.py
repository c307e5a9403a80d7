"""A team lead's team: its workers and laptops, workers new to a laptop who wait for the
lead's approval before the server gives them its key, and approving one ahead of their
asking (services/escrow, as the team API's approve does: only ever within the lead's own
team, never for the lead themselves)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.api.deps import Db
from sync.server.console import laptop_choices
from sync.server.console.access import Viewer
from sync.server.console.web import Csrf, Lead, redirect, refused, render
from sync.server.errors import Refused
from sync.server.models import Device, Worker
from sync.server.services import escrow, org

router = APIRouter()
Id = Annotated[str, Form(max_length=36)]


def _team(db: Session, viewer: Viewer) -> dict[str, object]:
    team = viewer.worker.team_id
    devices = db.scalars(select(Device).where(Device.team_id == team)
                         .order_by(Device.revoked_at.is_not(None), Device.name))
    return {"workers": list(db.scalars(select(Worker).where(Worker.team_id == team)
                                       .order_by(Worker.display_name))),
            "devices": [(d, org.device_status(d)) for d in devices],
            "releases": escrow.releases(db, team_id=team),
            "choices": laptop_choices.by_team(db, team_id=team, leaving_out=viewer.worker.id)}


@router.get("/team", response_class=HTMLResponse)
def team(request: Request, db: Db, viewer: Lead) -> Response:
    asked = request.query_params
    pair = laptop_choices.decided_pair(db, asked.get("device"), asked.get("worker"),
                                       team_id=viewer.worker.team_id)
    return render(request, "team.html", viewer=viewer, done=asked.get("done"), pair=pair,
                  **_team(db, viewer))


@router.post("/team/key-releases", response_class=HTMLResponse, dependencies=[Csrf])
def decide(request: Request, db: Db, viewer: Lead, device_id: Id, worker_id: Id,
           decision: Annotated[str, Form(max_length=10)]) -> Response:
    try:
        escrow.decide(db, device_id=device_id, worker_id=worker_id,
                      approve=decision == "approve", actor=viewer.actor, lead=viewer.worker)
    except Refused as refusal:
        return refused(request, db, refusal, "team.html", viewer=viewer, **_team(db, viewer))
    return redirect(f"/team?done={'approved' if decision == 'approve' else 'refused'}"
                    f"&device={device_id}&worker={worker_id}")


@router.post("/team/allow", response_class=HTMLResponse, dependencies=[Csrf])
def allow(request: Request, db: Db, viewer: Lead, device_id: Id, worker_id: Id) -> Response:
    """Approve a worker of the team for a laptop of the team before they ask."""
    try:
        escrow.decide(db, device_id=device_id, worker_id=worker_id, approve=True,
                      actor=viewer.actor, lead=viewer.worker, ahead=True)
    except Refused as refusal:
        return refused(request, db, refusal, "team.html", viewer=viewer, **_team(db, viewer))
    return redirect(f"/team?done=allowed&device={device_id}&worker={worker_id}")
