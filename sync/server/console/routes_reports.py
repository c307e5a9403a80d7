"""The quarterly report in the console (`report` of the CLI, docs/REPORTS.md).

A team lead sees their own team's published figures for a quarter and downloads its signed
PDF and figures CSV. IT chooses the whole service or a team and downloads any of the files,
the evaluator's extract and the NDTMS episodes included. Each download is one generation,
audited by the report code as `report.generated` (who, quarter, scope, files), and by the
console as `console.report_downloaded` (which of those files left the server).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.api.deps import Db, SettingsDep
from sync.server.console.access import Viewer
from sync.server.console.web import HEADERS, Csrf, Denied, SignedIn, render
from sync.server.models import Team
from sync.server.reports.downloads import PARTS, download
from sync.server.reports.quarters import (
    NotAQuarter,
    Quarter,
    last_complete_quarter,
    parse_quarter,
    quarter_code,
    recent_quarters,
)
from sync.server.services import audit

router = APIRouter()
ALL = "all"  # the scope value for the whole service
LEAD_PARTS = ("pdf", "figures")  # the extracts are for the service's return: IT's
Text = Annotated[str, Query(max_length=36)]
Field = Annotated[str, Form(max_length=36)]


@dataclass(frozen=True)
class Chosen:
    """What the page was asked for, checked: the quarter, and the scope when known."""

    quarter_text: str
    quarter: Quarter | None  # None when the text is not a quarter that has begun
    scope: str  # ALL, a team's id, or "" (IT has not chosen yet, or chose no team)
    team_name: str | None = None  # None: the whole service
    error: str = ""

    def refused(self, error: str) -> Chosen:
        return replace(self, error=self.error or error)


def _reports_viewer(viewer: SignedIn) -> Viewer:
    if not viewer.is_admin and (viewer.worker.role != "team_lead"
                                or viewer.worker.team_id is None):
        raise Denied(403, "For IT and team leads only",
                     "Reports are for IT and for a team's lead.")
    return viewer


def _choose(db: Session, viewer: Viewer, quarter_text: str, scope: str) -> Chosen:
    """The quarter typed (the last complete one if none) and the scope; a team lead's scope
    is their own team and nothing else."""
    today = datetime.now(UTC).date()
    text = quarter_text.strip() or quarter_code(last_complete_quarter(today))
    scope = scope.strip()
    if not viewer.is_admin:
        if scope and scope != viewer.worker.team_id:
            raise Denied(403, "Your own team only",
                         "A team lead sees and downloads their own team's report only.")
        scope = viewer.worker.team_id or ""
    quarter, problem = _quarter(text, today)
    if scope in ("", ALL):
        return Chosen(text, quarter, scope, None, problem)
    team = db.get(Team, scope)
    if team is None:  # nothing is shown for a scope that is not there
        return Chosen(text, quarter, "", None, problem or "There is no such team: choose one "
                      "from the list.")
    return Chosen(text, quarter, scope, team.name, problem)


def _quarter(text: str, today: date) -> tuple[Quarter | None, str]:
    try:
        quarter = parse_quarter(text)
    except NotAQuarter as error:
        return None, f"{str(error)[0].upper()}{str(error)[1:]}."
    except ValueError:  # a year before 1
        return None, f"{text!r} is not a quarter."
    if quarter.start > today:
        return None, f"{quarter_code(quarter)} has not begun yet: there is nothing to count."
    return quarter, ""


def _page(request: Request, db: Session, viewer: Viewer, chosen: Chosen) -> Response:
    quarter, today = chosen.quarter, datetime.now(UTC).date()
    figures = None
    if quarter and chosen.scope:
        # Here, not at the top: the server starts without loading reportlab and pyHanko.
        from sync.server.reports.figures import quarter_figures

        figures = quarter_figures(db, quarter, chosen.team_name)
    teams = list(db.scalars(select(Team).order_by(Team.name))) if viewer.is_admin else []
    parts = {key: part for key, part in PARTS.items() if viewer.is_admin or key in LEAD_PARTS}
    return render(request, "reports.html", status=422 if chosen.error else 200, viewer=viewer,
                  chosen=chosen, figures=figures, teams=teams, parts=parts, all_scope=ALL,
                  error=chosen.error, recent=recent_quarters(today),
                  unfinished=quarter is not None and quarter.end >= today)


def _who(viewer: Viewer) -> str:
    """As the PDF's cover names who generated it: 'Lee Shaw (lee)', or 'lee'."""
    name, username = viewer.worker.display_name, viewer.worker.username
    return username if name.lower() == username else f"{name} ({username})"


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request, db: Db, viewer: SignedIn, quarter: Text = "",
                 scope: Text = "") -> Response:
    viewer = _reports_viewer(viewer)
    return _page(request, db, viewer, _choose(db, viewer, quarter, scope))


@router.post("/reports/download", dependencies=[Csrf])
def download_report(request: Request, db: Db, viewer: SignedIn, settings: SettingsDep,
                    quarter: Field = "", scope: Field = "", part: Field = "") -> Response:
    viewer = _reports_viewer(viewer)
    chosen = _choose(db, viewer, quarter, scope)
    if part in PARTS and not viewer.is_admin and part not in LEAD_PARTS:
        raise Denied(403, "Not for a team lead",
                     "The evaluator's extract and the NDTMS episodes are for the service's "
                     "return: IT generates them for the commissioners and the evaluator.")
    if part not in PARTS:
        chosen = chosen.refused("Choose one of the files below.")
    if not chosen.scope:
        chosen = chosen.refused("Choose the whole service or a team first.")
    if chosen.error or chosen.quarter is None:
        return _page(request, db, viewer, chosen)
    try:
        made = download(db, quarter=chosen.quarter, team_name=chosen.team_name, part=part,
                        actor=viewer.actor, data_dir=settings.data_dir,
                        generated_by=f"{_who(viewer)}, in the web console")
    except OSError as error:  # nothing kept: no files, no audit event
        db.rollback()
        return _page(request, db, viewer, chosen.refused(
            f"The server could not write the report's files: {error.strerror or error}."))
    audit.record(db, "console.report_downloaded", actor=viewer.actor,
                 worker_id=viewer.worker.id, quarter=quarter_code(chosen.quarter),
                 scope=made.scope, part=part, sent=", ".join(made.sent))
    return Response(made.data, media_type=made.media_type, headers={
        **HEADERS, "Content-Disposition": f'attachment; filename="{made.filename}"'})
