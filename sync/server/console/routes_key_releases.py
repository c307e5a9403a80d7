"""IT's view of workers new to a laptop who wait for approval, every team at once
(`admin list-key-releases`, `approve-key-release`, `refuse-key-release`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from sync.server.api.deps import Db
from sync.server.console.web import Admin, Csrf, redirect, refused, render
from sync.server.errors import Refused
from sync.server.services import escrow

router = APIRouter()
Id = Annotated[str, Form(max_length=36)]


@router.get("/key-releases", response_class=HTMLResponse)
def key_releases(request: Request, db: Db, viewer: Admin) -> Response:
    return render(request, "key_releases.html", viewer=viewer, releases=escrow.releases(db),
                  done=request.query_params.get("done"))


@router.post("/key-releases", response_class=HTMLResponse, dependencies=[Csrf])
def decide(request: Request, db: Db, viewer: Admin, device_id: Id, worker_id: Id,
           decision: Annotated[str, Form(max_length=10)]) -> Response:
    """lead=None: IT decides, and the service tells the team's lead."""
    try:
        escrow.decide(db, device_id=device_id, worker_id=worker_id,
                      approve=decision == "approve", actor=viewer.actor, ahead=False)
    except Refused as refusal:
        return refused(request, db, refusal, "key_releases.html", viewer=viewer,
                       releases=escrow.releases(db))
    return redirect(f"/key-releases?done={'approved' if decision == 'approve' else 'refused'}")
