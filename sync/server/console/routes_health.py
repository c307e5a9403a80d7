"""IT's sync health page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from sync.server.api.deps import Db
from sync.server.console import health
from sync.server.console.web import Admin, render

router = APIRouter()


@router.get("/health", response_class=HTMLResponse)
def sync_health(request: Request, db: Db, viewer: Admin,
                days: Annotated[int, Query(ge=1, le=365)] = 7) -> Response:
    devices, silent, conflicts = health.report(db, days=days)
    return render(request, "health.html", viewer=viewer, devices=devices, silent=silent,
                  conflicts=conflicts, days=days, capped=health.MAX_CONFLICTS_READ)
