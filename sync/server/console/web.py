"""What every console page shares: rendering, the signed-in viewer, CSRF, cookies and the
security headers. Pages are for people, so refusals become pages, never JSON."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from sync.server.api.deps import Db
from sync.server.console import access
from sync.server.errors import Refused

PREFIX = "/console"
COOKIE = "insideout_console"
PRE_COOKIE = "insideout_console_pre"  # CSRF for the forms shown before sign-in
# No script, style or frame from anywhere but this server; nothing may frame the console.
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "Cache-Control": "no-store",  # codes, keys and names must not linger in a cache
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class Redirect(Exception):
    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


class Denied(Exception):
    """A page that says why not (403 for a forged form or the wrong role)."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


def templates(request: Request) -> Jinja2Templates:
    return request.app.state.console_templates


def csrf_token(request: Request) -> str:
    """Bound to the browser's own cookie: a page elsewhere cannot read it, so cannot
    forge a form that carries it."""
    base = request.cookies.get(COOKIE) or request.cookies.get(PRE_COOKIE)
    if not base:
        base = request.state.new_pre_cookie = secrets.token_urlsafe(32)
    return hmac.new(base.encode(), b"console csrf", hashlib.sha256).hexdigest()


def render(request: Request, name: str, *, status: int = 200,
           viewer: access.Viewer | None = None, **context: object) -> HTMLResponse:
    context.update(viewer=viewer, csrf=csrf_token(request), prefix=PREFIX)
    response = templates(request).TemplateResponse(request, name, context, status_code=status)
    pre = getattr(request.state, "new_pre_cookie", None)
    if pre:
        set_cookie(request, response, PRE_COOKIE, pre, max_age=3600)
    response.headers.update(HEADERS)
    return response


def set_cookie(request: Request, response: Response, name: str, value: str, *,
               max_age: int) -> None:
    """HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it),
    Secure whenever the console is reached over HTTPS."""
    response.set_cookie(name, value, max_age=max_age, path=PREFIX, httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")


def redirect(location: str) -> RedirectResponse:
    response = RedirectResponse(PREFIX + location, status_code=303)
    response.headers.update(HEADERS)
    return response


def refused(request: Request, db: Session, refusal: Refused, name: str, *,
            viewer: access.Viewer | None = None, **context: object) -> HTMLResponse:
    """Show `name` again with the service's reason. What the refusal wrote is kept only
    when the service asked for it (an audited refusal), as the API does."""
    if not refusal.keep_writes:
        db.rollback()
    return render(request, name, status=refusal.status, viewer=viewer, error=refusal.message,
                  **context)


async def check_csrf(request: Request) -> None:
    form = await request.form()  # starlette keeps it: the route's Form() reads it again
    sent = str(form.get("csrf", ""))
    if not hmac.compare_digest(sent, csrf_token(request)):
        raise Denied(403, "This form cannot be accepted",
                     "The form did not come from a console page you opened (its security "
                     "token is missing or wrong), so nothing was done. Go back, reload the "
                     "page and try again.")


Csrf = Depends(check_csrf)


def _viewer(request: Request, db: Session) -> access.Viewer:
    viewer = access.viewer_for(db, request.cookies.get(COOKIE))
    if viewer is None:
        db.commit()  # an expired session's row goes now; the redirect would roll it back
        raise Redirect(PREFIX + "/sign-in")
    return viewer


def _signed_in(request: Request, db: Db) -> access.Viewer:
    viewer = _viewer(request, db)
    if viewer.row.stage != "full":
        raise Redirect(PREFIX + "/second-factor")
    return viewer


def _pending(request: Request, db: Db) -> access.Viewer:
    viewer = _viewer(request, db)
    if viewer.row.stage == "full":
        raise Redirect(PREFIX + "/")
    return viewer


SignedIn = Annotated[access.Viewer, Depends(_signed_in)]
Pending = Annotated[access.Viewer, Depends(_pending)]


def _admin(viewer: SignedIn) -> access.Viewer:
    if not viewer.is_admin:
        raise Denied(403, "For IT only", "This page is for IT (administrator) accounts.")
    return viewer


def _lead(viewer: SignedIn) -> access.Viewer:
    if viewer.worker.role != "team_lead" or viewer.worker.team_id is None:
        raise Denied(403, "For team leads only", "This page is for a team's lead.")
    return viewer


Admin = Annotated[access.Viewer, Depends(_admin)]
Lead = Annotated[access.Viewer, Depends(_lead)]
