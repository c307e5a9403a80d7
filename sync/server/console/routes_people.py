"""IT's teams and workers: create, rename, switch off and on, reset a password with a
one-time code; and the page where a worker uses that code."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server.api.deps import Db, Hasher
from sync.server.api.ratelimit import limit_by_client
from sync.server.console import accounts
from sync.server.console.access import Viewer
from sync.server.console.web import Admin, Csrf, Denied, redirect, refused, render
from sync.server.errors import Refused
from sync.server.models import ConsoleTotp, Team, Worker
from sync.server.services import org

router = APIRouter()
Text = Annotated[str, Form(max_length=200)]
Id = Annotated[str, Path(max_length=36)]
ROLES = p.ROLES  # the CLI's: create-worker's choices, and create-admin
ROLE_WORDS = {"worker": "worker", "team_lead": "team lead", "admin": "IT (admin)",
              "partner_readonly": "partner (read-only)"}
PARTNER = "partner_readonly"
_per_address = limit_by_client("console-password")


def _teams(db: Session) -> list[tuple[Team, int]]:
    counts = dict(db.execute(select(Worker.team_id, func.count()).group_by(Worker.team_id)).all())
    return [(t, counts.get(t.id, 0)) for t in db.scalars(select(Team).order_by(Team.name))]


def _teams_page(request: Request, db: Session, viewer: Viewer, **extra: object) -> Response:
    status = int(extra.pop("status", 200))  # type: ignore[call-overload]
    return render(request, "teams.html", status=status, viewer=viewer, teams=_teams(db),
                  agencies=p.AGENCIES, **extra)


@router.get("/teams", response_class=HTMLResponse)
def teams(request: Request, db: Db, viewer: Admin) -> Response:
    return _teams_page(request, db, viewer, done=request.query_params.get("done"))


@router.post("/teams", response_class=HTMLResponse, dependencies=[Csrf])
def create_team(request: Request, db: Db, viewer: Admin, name: Text, agency: Text) -> Response:
    try:
        if not name.strip():
            raise Refused(422, p.ERR_INVALID_REQUEST, "Give the team a name.")
        org.create_team(db, name=name.strip(), agency=agency, actor=viewer.actor)
    except Refused as refusal:
        return refused(request, db, refusal, "teams.html", viewer=viewer, teams=_teams(db),
                       agencies=p.AGENCIES)
    return redirect("/teams?done=created")


@router.post("/teams/{team_id}/rename", response_class=HTMLResponse, dependencies=[Csrf])
def rename_team(request: Request, db: Db, viewer: Admin, team_id: Id, name: Text) -> Response:
    try:
        accounts.rename_team(db, team_id, name, actor=viewer.actor)
    except Refused as refusal:
        return refused(request, db, refusal, "teams.html", viewer=viewer, teams=_teams(db),
                       agencies=p.AGENCIES)
    return redirect("/teams?done=renamed")


def _workers_page(request: Request, db: Session, viewer: Viewer, *, status: int = 200,
                  **extra: object) -> Response:
    names = {t.id: t.name for t in db.scalars(select(Team))}
    workers = [(w, names.get(w.team_id or "", "")) for w in
               db.scalars(select(Worker).order_by(Worker.display_name))]
    with_totp = set(db.scalars(select(ConsoleTotp.worker_id).where(
        ConsoleTotp.confirmed_at.is_not(None))))
    return render(request, "workers.html", status=status, viewer=viewer, workers=workers,
                  teams=sorted(names.items(), key=lambda kv: kv[1]), roles=ROLES,
                  role_words=ROLE_WORDS, agencies=p.AGENCIES, with_totp=with_totp, **extra)


@router.get("/workers", response_class=HTMLResponse)
def workers(request: Request, db: Db, viewer: Admin) -> Response:
    return _workers_page(request, db, viewer, done=request.query_params.get("done"))


@router.post("/workers", response_class=HTMLResponse, dependencies=[Csrf])
def create_worker(request: Request, db: Db, viewer: Admin, hasher: Hasher, username: Text,
                  display_name: Text, role: Text,
                  team_id: Annotated[str, Form(max_length=36)] = "",
                  partner_agency: Annotated[str, Form(max_length=40)] = "") -> Response:
    try:
        team = db.get(Team, team_id) if team_id and role != "admin" else None
        _check_new_account(role=role, team=team, partner_agency=partner_agency)
        made = accounts.create_worker(db, hasher, username=username,
                                      display_name=display_name.strip() or username,
                                      role=role, team=team, actor=viewer.actor,
                                      partner_agency=partner_agency or None)
    except Refused as refusal:
        db.rollback()
        typed = {"display_name": display_name, "username": username, "role": role,
                 "team_id": team_id, "partner_agency": partner_agency}
        return _workers_page(request, db, viewer, status=refusal.status, error=refusal.message,
                             typed=typed)
    return render(request, "reset_code.html", viewer=viewer, worker=made.worker, code=made.code,
                  new=True, hours=accounts.RESET_HOURS)


def _check_new_account(*, role: str, team: Team | None, partner_agency: str) -> None:
    """What org.create_worker refuses too, said in the form's own words first."""
    if role not in ROLES:
        raise Refused(422, p.ERR_INVALID_REQUEST, "Choose a role.")
    if role != "admin" and team is None:
        raise Refused(422, p.ERR_INVALID_REQUEST,
                      f"Choose the team of the {ROLE_WORDS[role]} account.")
    if role == PARTNER and not partner_agency:
        raise Refused(422, p.ERR_INVALID_REQUEST, "Choose the partner's agency: a partner "
                      "account reads what that agency's consent allows.")
    if role != PARTNER and partner_agency:
        raise Refused(422, p.ERR_INVALID_REQUEST, "An agency is only for a partner "
                      "(read-only) account: choose that role, or no agency.")


def _worker(db: Session, worker_id: str) -> Worker:
    worker = db.get(Worker, worker_id)
    if worker is None:
        raise Denied(404, "No such account", "That account is not known to this server.")
    return worker


@router.post("/workers/{worker_id}/switch", response_class=HTMLResponse, dependencies=[Csrf])
def switch(db: Db, viewer: Admin, worker_id: Id, off: Annotated[bool, Form()]) -> Response:
    worker = _worker(db, worker_id)
    if worker.id != viewer.worker.id:  # switching oneself off would lock IT out mid-page
        org.set_disabled(db, worker, disabled=off, actor=viewer.actor)
    return redirect(f"/workers?done={'off' if off else 'on'}")


@router.post("/workers/{worker_id}/reset", response_class=HTMLResponse, dependencies=[Csrf])
def reset(request: Request, db: Db, viewer: Admin, worker_id: Id) -> Response:
    worker = _worker(db, worker_id)
    code = accounts.issue_reset_code(db, worker, actor=viewer.actor)
    return render(request, "reset_code.html", viewer=viewer, worker=worker, code=code,
                  new=False, hours=accounts.RESET_HOURS)


@router.get("/password", response_class=HTMLResponse)
def password_page(request: Request) -> Response:
    return render(request, "password.html")


@router.post("/password", response_class=HTMLResponse, dependencies=[Csrf])
def set_password(request: Request, db: Db, hasher: Hasher, username: Text, code: Text,
                 password: Text, again: Text) -> Response:
    try:
        _per_address(request)
        if password != again:
            raise Refused(422, p.ERR_INVALID_REQUEST, "The two passwords differ.")
        accounts.set_password_with_code(db, hasher, username=username, code=code,
                                        password=password)
    except Refused as refusal:
        return refused(request, db, refusal, "password.html", username=username)
    return render(request, "password.html", done=True)
