"""A team lead's pages: notifications, break-glass accesses to review, key recovery.
Each calls the service the team API calls (routes_team), with the same checks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol.recovery_code import format_code
from sync.server.api.deps import Db, MasterKey
from sync.server.console.access import Viewer
from sync.server.console.web import Csrf, Lead, redirect, refused, render
from sync.server.errors import Refused
from sync.server.models import Device, Notification, Worker, utcnow
from sync.server.services import escrow, handovers

router = APIRouter()
Id = Annotated[str, Form(max_length=36)]


def _notes(db: Session, viewer: Viewer, *, kinds: tuple[str, ...] | None,
           skip: tuple[str, ...] = ()) -> list[Notification]:
    query = select(Notification).where(Notification.team_id == viewer.worker.team_id)
    if kinds:
        query = query.where(Notification.kind.in_(kinds))
    if skip:
        query = query.where(Notification.kind.not_in(skip))
    return list(db.scalars(query.order_by(Notification.id.desc()).limit(200)))


@router.get("/team/notifications", response_class=HTMLResponse)
def notifications(request: Request, db: Db, viewer: Lead) -> Response:
    handovers.flag_overdue(db)  # as the team API does: no list lacks an overdue handover
    return render(request, "notifications.html", viewer=viewer,
                  notes=_notes(db, viewer, kinds=None, skip=("break_glass",)))


@router.get("/team/break-glass", response_class=HTMLResponse)
def break_glass(request: Request, db: Db, viewer: Lead) -> Response:
    return render(request, "break_glass.html", viewer=viewer,
                  notes=_notes(db, viewer, kinds=("break_glass",)))


@router.post("/team/notifications/{note_id}/read", response_class=HTMLResponse,
             dependencies=[Csrf])
def mark_read(db: Db, viewer: Lead, note_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> Response:
    note = db.get(Notification, note_id)
    if note is not None and note.team_id == viewer.worker.team_id and note.read_at is None:
        note.read_at = utcnow()
    back = "/team/break-glass" if note is not None and note.kind == "break_glass" \
        else "/team/notifications"
    return redirect(back)


def _team_choices(db: Session, viewer: Viewer) -> dict[str, object]:
    team = viewer.worker.team_id
    return {"devices": list(db.scalars(select(Device).where(
                Device.team_id == team, Device.revoked_at.is_(None)).order_by(Device.name))),
            "workers": list(db.scalars(select(Worker).where(
                Worker.team_id == team).order_by(Worker.display_name)))}


@router.get("/team/recover", response_class=HTMLResponse)
def recover_page(request: Request, db: Db, viewer: Lead) -> Response:
    return render(request, "recover.html", viewer=viewer, **_team_choices(db, viewer))


@router.post("/team/recover", response_class=HTMLResponse, dependencies=[Csrf])
def recover(request: Request, db: Db, viewer: Lead, key: MasterKey, device_id: Id,
            worker_id: Id, reason: Annotated[str, Form(max_length=200)]) -> Response:
    try:
        if len(reason.strip()) < 3:
            raise Refused(422, "invalid_request", "Say why the key is recovered (the worker "
                          "and the audit trail see it).")
        store_key = escrow.recover_for_worker(db, key, viewer.worker, device_id=device_id,
                                              worker_id=worker_id, reason=reason.strip())
    except Refused as refusal:
        return refused(request, db, refusal, "recover.html", viewer=viewer,
                       **_team_choices(db, viewer))
    return render(request, "recovered.html", viewer=viewer,
                  device=db.get_one(Device, device_id), worker=db.get_one(Worker, worker_id),
                  recovery_code=format_code(store_key))
