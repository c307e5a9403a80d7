"""IT's view of the server's audit trail: a search, and a check of the hash chain."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from sync.server.api.deps import Db
from sync.server.console.web import Admin, Csrf, render
from sync.server.models import AuditEvent, Worker
from sync.server.services import audit, org, people_audit

router = APIRouter()
Filter = Annotated[str, Query(max_length=100)]
PAGE = 200


def _search(db: Session, *, event: str, worker: str, since: str,
            person: str = "") -> tuple[Select, str]:
    """The CLI's `admin audit-log` filters; returns the query and what was not understood."""
    query = select(AuditEvent)
    if person:
        query = query.where(AuditEvent.person_id == person)
    if event:  # "device." matches every device event, as in the CLI
        query = query.where(AuditEvent.action.startswith(event) if event.endswith(".")
                            else AuditEvent.action == event)
    if worker:
        found = db.get(Worker, worker) or db.scalar(
            select(Worker).where(Worker.username == org.normal_username(worker)))
        if found is None:
            return query.where(AuditEvent.id < 0), f"No worker is called {worker!r}."
        query = query.where(AuditEvent.worker_id == found.id)
    if since:
        try:
            moment = datetime.fromisoformat(since)
        except ValueError:
            return query, f"{since!r} is not a date: use YYYY-MM-DD."
        query = query.where(AuditEvent.at >= (moment if moment.tzinfo
                                              else moment.replace(tzinfo=UTC)))
    return query, ""


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, db: Db, viewer: Admin, event: Filter = "",
               worker: Filter = "", since: Filter = "",
               person: Annotated[str, Query(max_length=36)] = "") -> Response:
    people_audit.record_pushed_people(db)  # as every CLI command does before it reads
    query, problem = _search(db, event=event.strip(), worker=worker.strip(), since=since.strip(),
                             person=person.strip())
    events = list(db.scalars(query.order_by(AuditEvent.id.desc()).limit(PAGE)))
    if event or worker or since or person:
        audit.record(db, "console.audit_searched", actor=viewer.actor,
                     worker_id=viewer.worker.id, event=event[:60], worker=worker[:64],
                     since=since[:30], person=person[:36])
    return render(request, "audit.html", viewer=viewer, events=events, event=event,
                  worker=worker, since=since, person=person, error=problem, page=PAGE)


@router.post("/audit/verify", response_class=HTMLResponse, dependencies=[Csrf])
def verify(request: Request, db: Db, viewer: Admin,
           anchor: Annotated[str, Form(max_length=64)] = "") -> Response:
    db.commit()  # the walk reads in its own transactions: SQLite's write lock must be free
    report = audit.verify_chain(request.app.state.sessions)
    anchor = anchor.strip().lower()
    anchor_lost = bool(anchor) and db.scalar(
        select(AuditEvent.id).where(AuditEvent.entry_hash == anchor)) is None
    audit.record(db, "console.audit_verified", actor=viewer.actor, worker_id=viewer.worker.id,
                 intact=report.ok, events=report.events, anchor_lost=anchor_lost)
    return render(request, "audit_verified.html", viewer=viewer, report=report,
                  anchor=anchor, anchor_lost=anchor_lost)
