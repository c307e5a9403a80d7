"""Sign-in: the password (the API's throttle), then for an admin the second factor,
set up on first use with a QR code and recovery codes; and sign-out."""

from __future__ import annotations

from typing import Annotated

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from sync import protocol as p
from sync.server.api.deps import Db, Hasher, MasterKey
from sync.server.api.ratelimit import limit_by_client
from sync.server.console import access, second_factor, totp
from sync.server.console.web import (
    COOKIE,
    PRE_COOKIE,
    PREFIX,
    Csrf,
    Pending,
    SignedIn,
    redirect,
    refused,
    render,
    set_cookie,
)
from sync.server.errors import Refused

router = APIRouter()
_per_address = limit_by_client("console-sign-in")  # the API's per-address limit, own count
Text = Annotated[str, Form(max_length=200)]


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request) -> Response:
    return render(request, "sign_in.html")


@router.post("/sign-in", response_class=HTMLResponse, dependencies=[Csrf])
def sign_in(request: Request, db: Db, hasher: Hasher, username: Text, password: Text) -> Response:
    try:
        _per_address(request)
        worker = access.check_password(db, hasher, username=username, password=password)
    except Refused as refusal:
        if refusal.error == p.ERR_FORBIDDEN_ROLE:  # the right password, the wrong role
            return render(request, "denied.html", status=403, message=refusal.message,
                          title="The console is not for this account")
        return refused(request, db, refusal, "sign_in.html", username=username)
    stage = access.first_stage(db, worker)
    token = access.open_session(db, worker, stage=stage)
    response = redirect("/" if stage == "full" else "/second-factor")
    set_cookie(request, response, COOKIE, token, max_age=access.SESSION_HOURS * 3600)
    response.delete_cookie(PRE_COOKIE, path=PREFIX)
    return response


@router.get("/second-factor", response_class=HTMLResponse)
def second_factor_page(request: Request, db: Db, key: MasterKey, viewer: Pending) -> Response:
    if viewer.row.stage == "totp":
        return render(request, "second_factor.html")
    return _enrol_page(request, db, key, viewer)


def _enrol_page(request: Request, db: Db, key: bytes, viewer: access.Viewer,
                error: str | None = None, status: int = 200) -> Response:
    """The secret is made at the first visit and kept (sealed) until confirmed: reloading
    the page shows the same one, so a phone that scanned it stays right."""
    secret = second_factor.pending_secret(db, key, viewer.worker)
    if secret is None:
        secret = second_factor.start_enrolment(db, key, viewer.worker)
    uri = totp.otpauth_uri(secret, username=viewer.worker.username)
    qr = segno.make(uri, error="m").svg_inline(scale=5, title="QR code of the TOTP secret")
    return render(request, "totp_enrol.html", status=status, qr=qr,
                  secret=totp.secret_text(secret), error=error)


@router.post("/second-factor", response_class=HTMLResponse, dependencies=[Csrf])
def check_second_factor(request: Request, db: Db, key: MasterKey, viewer: Pending,
                        code: Text) -> Response:
    try:
        if viewer.row.stage == "enrol_totp":
            codes = second_factor.confirm_enrolment(db, key, viewer.worker, code)
            how = "totp_enrolled"
        else:
            codes, how = [], second_factor.check(db, key, viewer.worker, code)
    except Refused as refusal:
        if viewer.row.stage == "enrol_totp":
            db.rollback()
            return _enrol_page(request, db, key, viewer, refusal.message, refusal.status)
        return refused(request, db, refusal, "second_factor.html")
    token = access.promote(db, viewer, how=how)
    response = (render(request, "recovery_codes.html", codes=codes) if codes
                else redirect("/"))
    set_cookie(request, response, COOKIE, token, max_age=access.SESSION_HOURS * 3600)
    return response


@router.post("/sign-out", response_class=HTMLResponse, dependencies=[Csrf])
def sign_out(db: Db, viewer: SignedIn) -> Response:
    access.sign_out(db, viewer)
    response = redirect("/sign-in")
    response.delete_cookie(COOKIE, path=PREFIX)
    return response
