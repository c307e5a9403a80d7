"""IT's backup page (`admin backup`): a consistent copy of a SQLite database, taken while
the server runs; on PostgreSQL, what to do instead."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from sync.server.api.deps import Db, SettingsDep
from sync.server.console import backup
from sync.server.console.web import Admin, Csrf, refused, render
from sync.server.errors import Refused
from sync.server.services import audit

router = APIRouter()


def _context(settings: SettingsDep) -> dict[str, object]:
    return {"sqlite": backup.sqlite_file(settings) is not None,
            "folder": backup.folder(settings), "backups": backup.listed(settings),
            "size_words": backup.size_words, "master_key": settings.master_key_path,
            "database": backup.database_name(settings)}


@router.get("/backup", response_class=HTMLResponse)
def backup_page(request: Request, viewer: Admin, settings: SettingsDep) -> Response:
    return render(request, "backup.html", viewer=viewer, **_context(settings))


@router.post("/backup", response_class=HTMLResponse, dependencies=[Csrf])
def back_up(request: Request, db: Db, viewer: Admin, settings: SettingsDep) -> Response:
    db.commit()  # no write lock held by this request while the pages are copied
    try:
        made = backup.write(settings)
    except Refused as refusal:
        return refused(request, db, refusal, "backup.html", viewer=viewer, **_context(settings))
    audit.record(db, "console.backup_written", actor=viewer.actor, worker_id=viewer.worker.id,
                 file=made.path.name, size=made.size)
    return render(request, "backup.html", viewer=viewer, made=made, **_context(settings))
