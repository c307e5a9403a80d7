"""IT's view of workers new to a laptop who wait for approval, every team at once
(`admin list-key-releases`, `approve-key-release`, `refuse-key-release`), every decision
so far (`list-key-releases --all`), approving a worker ahead of their asking
(`allow-worker`), and the server's key release policy (`key-release`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.api.deps import Db, SettingsDep
from sync.server.console import laptop_choices
from sync.server.console.access import Viewer
from sync.server.console.web import Admin, Csrf, redirect, refused, render
from sync.server.errors import Refused
from sync.server.models import Worker
from sync.server.services import escrow
from sync.server.settings import Settings

router = APIRouter()
Id = Annotated[str, Form(max_length=36)]


def _page(db: Session, settings: Settings, *, every: bool) -> dict[str, object]:
    known = escrow.recorded_policy(db)
    deciders = {f"worker:{w.id}": w.username for w in db.scalars(select(Worker))}
    return {"releases": escrow.releases(db, pending_only=not every), "every": every,
            "policy": known[0] if known else "approval", "policy_since": known[1] if known
            else None, "policy_next": settings.key_release, "deciders": deciders,
            "choices": laptop_choices.by_team(db)}


def _show(request: Request, db: Session, viewer: Viewer, settings: Settings, *,
          every: bool = False, **extra: object) -> Response:
    return render(request, "key_releases.html", viewer=viewer, **_page(db, settings,
                                                                       every=every), **extra)


@router.get("/key-releases", response_class=HTMLResponse)
def key_releases(request: Request, db: Db, viewer: Admin, settings: SettingsDep,
                 every: Annotated[bool, Query(alias="all")] = False) -> Response:
    asked = request.query_params
    return _show(request, db, viewer, settings, every=every, done=asked.get("done"),
                 pair=laptop_choices.decided_pair(db, asked.get("device"), asked.get("worker")))


@router.post("/key-releases", response_class=HTMLResponse, dependencies=[Csrf])
def decide(request: Request, db: Db, viewer: Admin, settings: SettingsDep, device_id: Id,
           worker_id: Id, decision: Annotated[str, Form(max_length=10)]) -> Response:
    """lead=None: IT decides, and the service tells the team's lead."""
    try:
        escrow.decide(db, device_id=device_id, worker_id=worker_id,
                      approve=decision == "approve", actor=viewer.actor, ahead=False)
    except Refused as refusal:
        return refused(request, db, refusal, "key_releases.html", viewer=viewer,
                       **_page(db, settings, every=False))
    return redirect(f"/key-releases?done={'approved' if decision == 'approve' else 'refused'}"
                    f"&device={device_id}&worker={worker_id}")


@router.post("/key-releases/allow", response_class=HTMLResponse, dependencies=[Csrf])
def allow(request: Request, db: Db, viewer: Admin, settings: SettingsDep, device_id: Id,
          worker_id: Id) -> Response:
    """`admin allow-worker`: whether they asked or not; it also undoes a refusal."""
    try:
        escrow.decide(db, device_id=device_id, worker_id=worker_id, approve=True,
                      actor=viewer.actor, ahead=True)
    except Refused as refusal:
        return refused(request, db, refusal, "key_releases.html", viewer=viewer,
                       **_page(db, settings, every=False))
    return redirect(f"/key-releases?done=allowed&device={device_id}&worker={worker_id}")
