"""Putting the console onto the server's FastAPI app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from sync.server.console import (
    routes_audit,
    routes_backup,
    routes_devices,
    routes_handovers,
    routes_health,
    routes_home,
    routes_key_releases,
    routes_people,
    routes_records,
    routes_reports,
    routes_security,
    routes_sign_in,
    routes_team,
    routes_team_laptops,
)
from sync.server.console.web import PREFIX, Denied, Redirect, redirect, render

HERE = Path(__file__).parent


def mount(app: FastAPI) -> None:
    app.state.console_templates = Jinja2Templates(directory=HERE / "templates")
    for module in (routes_sign_in, routes_home, routes_devices, routes_key_releases,
                   routes_audit, routes_health, routes_people, routes_team, routes_team_laptops,
                   routes_handovers, routes_records, routes_backup, routes_security,
                   routes_reports):
        app.include_router(module.router, prefix=PREFIX, include_in_schema=False)
    app.mount(PREFIX + "/static", StaticFiles(directory=HERE / "static"), name="console-static")
    app.add_exception_handler(Redirect, _redirect)
    app.add_exception_handler(Denied, _denied)


async def _redirect(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Redirect)
    return redirect(exc.location.removeprefix(PREFIX))


async def _denied(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Denied)
    return render(request, "denied.html", status=exc.status, title=exc.title,
                  message=exc.message)
