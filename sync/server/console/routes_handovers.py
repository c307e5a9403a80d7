"""IT hands a person over to another team (`admin move-person`): the same handover a
laptop asks for, which the receiving team accepts (services/handovers); the handovers not
yet accepted, and telling both leads of the overdue ones (`flag-overdue-handovers`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.protocol.tables import HANDOVER_REASONS
from sync.protocol.working_days import handover_accept_by
from sync.server.api.deps import Db
from sync.server.console.access import Viewer
from sync.server.console.web import Admin, Csrf, redirect, render
from sync.server.errors import Refused
from sync.server.models import Handover, Person, Team, utcnow
from sync.server.models.base import new_id
from sync.server.services import audit, handovers

router = APIRouter()
REASON_WORDS = {"release": "Release", "transfer": "Transfer", "move": "Move to another team"}
MAX_NOTE = 2_000
OPEN_SHOWN = 200
PersonId = Annotated[str, Query(max_length=36)]


def _open(db: Session) -> list[Handover]:
    return list(db.scalars(select(Handover).where(Handover.accepted_at.is_(None))
                           .order_by(Handover.opened_at).limit(OPEN_SHOWN)))


def _page(db: Session, person_id: str) -> dict[str, object]:
    """The open handovers, and the person looked up (with their team and any open
    handover), or why they could not be."""
    teams = list(db.scalars(select(Team).order_by(Team.name)))
    found: dict[str, object] = {
        "teams": teams, "names": {t.id: t.name for t in teams}, "waiting": _open(db),
        "reasons": REASON_WORDS, "person_id": person_id, "person": None,
        "today": handovers.day_in_england(utcnow()),
        "accept_by": handover_accept_by(handovers.day_in_england(utcnow()))}
    if person_id:
        person = db.get(Person, person_id)
        found["person"] = person
        found["pending"] = handovers.open_for(db, person.id) if person else None
        if person is None:
            found["error"] = "No person with that id is known to this server (a person " \
                             "reaches it with their laptop's first sync)."
    return found


def _show(request: Request, db: Session, viewer: Viewer, person_id: str = "", *,
          status: int | None = None, **extra: object) -> Response:
    context = _page(db, person_id.strip())
    if status is None:  # an unknown person looked up: 404, with the form to try again
        status = 404 if context.get("error") else 200
    context.update(extra)
    return render(request, "handovers.html", status=status, viewer=viewer, **context)


@router.get("/handovers", response_class=HTMLResponse)
def handovers_page(request: Request, db: Db, viewer: Admin, person_id: PersonId = "",
                   moved: PersonId = "", flagged: Annotated[int | None, Query(ge=0)] = None
                   ) -> Response:
    return _show(request, db, viewer, person_id, flagged=flagged,
                 moved=db.get(Handover, moved) if moved else None)


@router.post("/handovers", response_class=HTMLResponse, dependencies=[Csrf])
def move(request: Request, db: Db, viewer: Admin,
         person_id: Annotated[str, Form(max_length=36)],
         to_team_id: Annotated[str, Form(max_length=36)],
         reason: Annotated[str, Form(max_length=20)],
         note: Annotated[str, Form(max_length=MAX_NOTE)] = "") -> Response:
    """As the CLI: IT may hand over anyone's person (By.team_id None); the person moves at
    once and the receiving team accepts on a laptop. Audited as handover.opened, with the
    console user as its actor."""
    by = handovers.By(name=f"IT ({viewer.worker.display_name})"[:200], worker_id=None,
                      device_id=None, actor=viewer.actor, team_id=None, via="console")
    try:
        if reason not in HANDOVER_REASONS:
            raise Refused(422, p.ERR_INVALID_REQUEST, "Choose the reason.")
        done = handovers.open_handover(db, handovers.Asked(
            new_id(), person_id.strip(), to_team_id, reason, note.strip()), by)
        handovers.write_row(db, done, by)
    except Refused as refusal:
        if not refusal.keep_writes:
            db.rollback()
        return _show(request, db, viewer, person_id, status=refusal.status,
                     error=refusal.message, note=note, chosen_reason=reason,
                     chosen_team=to_team_id)
    return redirect(f"/handovers?moved={done.handover.id}")


@router.post("/handovers/flag-overdue", response_class=HTMLResponse, dependencies=[Csrf])
def flag_overdue(db: Db, viewer: Admin) -> Response:
    """`admin flag-overdue-handovers` (a lead's notifications page does it as it opens)."""
    flagged = handovers.flag_overdue(db)
    audit.record(db, "console.overdue_handovers_flagged", actor=viewer.actor,
                 worker_id=viewer.worker.id, flagged=flagged)
    return redirect(f"/handovers?flagged={flagged}")
