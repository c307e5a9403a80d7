"""The start page: what this account can do here, by role."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from sync.server.console.web import SignedIn, render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, viewer: SignedIn) -> Response:
    return render(request, "home.html", viewer=viewer)
