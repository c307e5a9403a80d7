"""Every write to one person's record (`admin record-writes`): whose, from which laptop,
when, to which table. No record content: the changes the server took or refused come from
the sync ledger, other acts about the person from the audit trail."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.api.deps import Db
from sync.server.console.web import Admin, render
from sync.server.models import AuditEvent, Device, Person, SyncChange, Worker
from sync.server.services import audit, people_audit

router = APIRouter()
SHOWN = 1_000  # a person's whole history is rarely longer; past it the page says so


@dataclass(frozen=True)
class Write:
    at: datetime
    outcome: str
    table: str
    row_id: str
    worker_id: str | None
    device_id: str


def _writes(db: Session, person_id: str) -> list[Write]:
    """The ledger in the order the server received it; `outcome` is the push's own
    status for the change (applied, conflict, refused …), nothing of its fields."""
    rows = db.scalars(select(SyncChange).where(SyncChange.person_id == person_id)
                      .order_by(SyncChange.received_at).limit(SHOWN))
    return [Write(c.received_at, str(json.loads(c.result_json).get("status", "?")),
                  c.table_name or "?", c.row_id or "?", c.worker_id, c.device_id)
            for c in rows]


def _names(db: Session, worker_ids: set[str], device_ids: set[str]
           ) -> tuple[dict[str, str], dict[str, str]]:
    workers = {w.id: f"{w.display_name} ({w.username})" for w in db.scalars(
        select(Worker).where(Worker.id.in_(worker_ids)))} if worker_ids else {}
    devices = {d.id: d.name for d in db.scalars(
        select(Device).where(Device.id.in_(device_ids)))} if device_ids else {}
    return workers, devices


@router.get("/record-writes", response_class=HTMLResponse)
def record_writes(request: Request, db: Db, viewer: Admin,
                  person_id: Annotated[str, Query(max_length=36)] = "") -> Response:
    person_id = person_id.strip()
    if not person_id:
        return render(request, "record_writes.html", viewer=viewer, person_id="")
    people_audit.record_pushed_people(db)  # as every CLI command does before it reads
    writes = _writes(db, person_id)
    events = list(db.scalars(select(AuditEvent).where(AuditEvent.person_id == person_id)
                             .order_by(AuditEvent.id).limit(SHOWN)))
    actors = {e.actor.removeprefix("worker:") for e in events if e.actor.startswith("worker:")}
    workers, devices = _names(db, {w.worker_id for w in writes if w.worker_id}
                              | {e.worker_id for e in events if e.worker_id} | actors,
                              {w.device_id for w in writes})
    known = bool(db.get(Person, person_id) is not None or writes or events)
    # Who looked at whose history is itself worth knowing.
    audit.record(db, "console.record_writes_viewed", actor=viewer.actor,
                 worker_id=viewer.worker.id, person_id=person_id if known else None,
                 asked=person_id)
    return render(request, "record_writes.html", status=200 if known else 404, viewer=viewer,
                  person_id=person_id, writes=writes, events=events, workers=workers,
                  devices=devices, known=known, shown=SHOWN,
                  error=None if known else "Nothing is known to this server about a person "
                  "with that id.")
