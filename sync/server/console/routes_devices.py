"""IT's laptops: enrolment codes (shown once, with a QR code), the list, revocation."""

from __future__ import annotations

from typing import Annotated

import segno
from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.api.deps import Db, SettingsDep
from sync.server.console.web import Admin, Csrf, redirect, refused, render
from sync.server.errors import Refused, not_found
from sync.server.models import Device, Team
from sync.server.services import org

router = APIRouter()
MAX_CODES = 100  # as the CLI's issue-code --count: one team's laptops, and then some
DeviceId = Annotated[str, Path(max_length=36)]


def _listing(db: Session, *, every_code: bool = False) -> dict[str, object]:
    """`every_code`: spent, cancelled and expired codes too (`list-codes --all`)."""
    return {"devices": [(d, t, org.device_status(d)) for d, t in org.list_devices(db)],
            "teams": list(db.scalars(select(Team).order_by(Team.name))),
            "codes": [(c, t, org.code_state(c)) for c, t in
                      org.list_codes(db, include_dead=every_code)],
            "every_code": every_code, "max_codes": MAX_CODES}


@router.get("/devices", response_class=HTMLResponse)
def devices(request: Request, db: Db, viewer: Admin, settings: SettingsDep,
            codes: Annotated[str, Query(max_length=10)] = "") -> Response:
    return render(request, "devices.html", viewer=viewer, hours=settings.enrolment_code_hours,
                  revoked=request.query_params.get("revoked"),
                  **_listing(db, every_code=codes == "all"))


@router.post("/devices/codes", response_class=HTMLResponse, dependencies=[Csrf])
def issue_code(request: Request, db: Db, viewer: Admin, settings: SettingsDep,
               team_id: Annotated[str, Form(max_length=36)],
               hours: Annotated[int, Form(ge=1, le=24 * 30)],
               count: Annotated[int, Form(ge=1, le=MAX_CODES)] = 1) -> Response:
    """One code per laptop; several at once for a batch (`issue-code --count`)."""
    team = db.get(Team, team_id)
    try:
        if team is None:
            raise not_found("team")
        codes = [org.issue_enrolment_code(db, team, hours=hours, actor=viewer.actor)
                 for _ in range(count)]
    except Refused as refusal:
        return refused(request, db, refusal, "devices.html", viewer=viewer,
                       hours=settings.enrolment_code_hours, **_listing(db))
    # The code alone, as typed into the app's enrolment step (which ignores the dashes):
    # a phone's camera reads it, and it can be pasted into the code field.
    issued = [(code, segno.make(code, error="m").svg_inline(
        scale=6 if count == 1 else 4, title=f"QR code of {code}")) for code in codes]
    return render(request, "enrolment_code.html", viewer=viewer, issued=issued, team=team,
                  hours=hours, server=str(request.base_url).rstrip("/"))


@router.post("/devices/codes/{code_id}/cancel", response_class=HTMLResponse,
             dependencies=[Csrf])
def cancel_code(request: Request, db: Db, viewer: Admin, settings: SettingsDep,
                code_id: DeviceId) -> Response:
    try:
        org.cancel_code(db, code_id=code_id, actor=viewer.actor)
    except Refused as refusal:
        return refused(request, db, refusal, "devices.html", viewer=viewer,
                       hours=settings.enrolment_code_hours, **_listing(db))
    return redirect("/devices")


@router.get("/devices/{device_id}/revoke", response_class=HTMLResponse)
def revoke_page(request: Request, db: Db, viewer: Admin, device_id: DeviceId) -> Response:
    device = db.get(Device, device_id)
    if device is None:
        return render(request, "denied.html", status=404, viewer=viewer, title="No such laptop",
                      message="That laptop is not known to this server.")
    return render(request, "revoke.html", viewer=viewer, device=device,
                  team=db.get_one(Team, device.team_id))


@router.post("/devices/{device_id}/revoke", response_class=HTMLResponse, dependencies=[Csrf])
def revoke(request: Request, db: Db, viewer: Admin, device_id: DeviceId,
           reason: Annotated[str, Form(max_length=200)]) -> Response:
    try:
        if len(reason.strip()) < 3:
            raise Refused(422, "invalid_request", "Give the reason: the laptop's worker is "
                          "shown it.")
        org.revoke_device(db, device_id, reason=reason.strip(), actor=viewer.actor)
    except Refused as refusal:
        device = db.get(Device, device_id)
        if device is None:
            raise
        return refused(request, db, refusal, "revoke.html", viewer=viewer, device=device,
                       team=db.get_one(Team, device.team_id))
    return redirect(f"/devices?revoked={device_id}")
