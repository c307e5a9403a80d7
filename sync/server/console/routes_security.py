"""Second factors outside sign-in: a team lead turns one on of their own accord (the same
TOTP and recovery codes IT must have), and IT removes one whose phone and codes are lost
(`admin reset-second-factor`)."""

from __future__ import annotations

from typing import Annotated

import segno
from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from sync.server.api.deps import Db, MasterKey
from sync.server.console import second_factor, totp
from sync.server.console.access import Viewer
from sync.server.console.web import Admin, Csrf, Denied, SignedIn, redirect, render
from sync.server.errors import Refused
from sync.server.models import Worker

router = APIRouter()
ENROL_PATH = "/security/second-factor"


@router.get("/security", response_class=HTMLResponse)
def security(request: Request, db: Db, viewer: SignedIn) -> Response:
    since = second_factor.confirmed_at(db, viewer.worker)
    return render(request, "security.html", viewer=viewer, since=since,
                  left=second_factor.recovery_codes_left(db, viewer.worker) if since else 0)


@router.get(ENROL_PATH, response_class=HTMLResponse)
def enrol_page(request: Request, db: Db, key: MasterKey, viewer: SignedIn) -> Response:
    if second_factor.confirmed_at(db, viewer.worker) is not None:
        return redirect("/security")
    return _enrol_page(request, db, key, viewer)


def _enrol_page(request: Request, db: Session, key: bytes, viewer: Viewer,
                error: str | None = None, status: int = 200) -> Response:
    """As at an admin's first sign-in: the secret is kept (sealed, unconfirmed) from the
    first visit, so a reload shows the same one. Until confirmed it changes nothing."""
    secret = second_factor.pending_secret(db, key, viewer.worker)
    if secret is None:
        secret = second_factor.start_enrolment(db, key, viewer.worker)
    uri = totp.otpauth_uri(secret, username=viewer.worker.username)
    qr = segno.make(uri, error="m").svg_inline(scale=5, title="QR code of the TOTP secret")
    return render(request, "totp_enrol.html", status=status, viewer=viewer, qr=qr,
                  secret=totp.secret_text(secret), error=error, action=ENROL_PATH,
                  voluntary=True)


@router.post(ENROL_PATH, response_class=HTMLResponse, dependencies=[Csrf])
def confirm(request: Request, db: Db, key: MasterKey, viewer: SignedIn,
            code: Annotated[str, Form(max_length=40)]) -> Response:
    """From now on this account's sign-in asks for a code too (access.first_stage)."""
    try:
        codes = second_factor.confirm_enrolment(db, key, viewer.worker, code)
    except Refused as refusal:
        db.rollback()
        if second_factor.confirmed_at(db, viewer.worker) is not None:
            return redirect("/security")
        return _enrol_page(request, db, key, viewer, refusal.message, refusal.status)
    return render(request, "recovery_codes.html", viewer=viewer, codes=codes,
                  next_path="/security")


def _other_worker(db: Session, viewer: Viewer, worker_id: str) -> Worker:
    worker = db.get(Worker, worker_id)
    if worker is None:
        raise Denied(404, "No such account", "That account is not known to this server.")
    if worker.id == viewer.worker.id:
        # A session left open must not be able to swap its own second factor.
        raise Denied(403, "Not your own", "Another IT account removes your second factor.")
    return worker


WorkerId = Annotated[str, Path(max_length=36)]


@router.get("/workers/{worker_id}/second-factor", response_class=HTMLResponse)
def remove_page(request: Request, db: Db, viewer: Admin, worker_id: WorkerId) -> Response:
    worker = _other_worker(db, viewer, worker_id)
    return render(request, "second_factor_remove.html", viewer=viewer, worker=worker,
                  since=second_factor.confirmed_at(db, worker))


@router.post("/workers/{worker_id}/second-factor", response_class=HTMLResponse,
             dependencies=[Csrf])
def remove(db: Db, viewer: Admin, worker_id: WorkerId) -> Response:
    """As `admin reset-second-factor`: audited as console.second_factor_reset."""
    second_factor.reset(db, _other_worker(db, viewer, worker_id), actor=viewer.actor)
    return redirect("/workers?done=second_factor")
