"""`admin backup` from the console: SQLite's online backup, a consistent copy while the
server keeps running, written into the server's own backup folder (a browser must never
choose a path on the server). On PostgreSQL there is nothing to do here: pg_dump."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from sync import protocol as p
from sync.server.errors import Refused
from sync.server.settings import Settings

FOLDER = "backups"  # inside the server's data folder, beside master.key
PATTERN = "insideout-*.sqlite3"
LISTED = 20


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    at: datetime


def sqlite_file(settings: Settings) -> str | None:
    """The SQLite database's file, or None for PostgreSQL (or an in-memory database)."""
    url = make_url(settings.database_url)
    return url.database if url.get_backend_name() == "sqlite" and url.database else None


def database_name(settings: Settings) -> str:
    """The database's name, for the pg_dump line the page shows (never its password)."""
    return make_url(settings.database_url).database or "insideout"


def folder(settings: Settings) -> Path:
    return settings.data_dir / FOLDER


def write(settings: Settings) -> Backup:
    """A new file, named by the time (UTC), readable by the server's account only. It is
    copied under a temporary name and renamed when whole: a file with the final name is
    always a complete backup."""
    source_file = sqlite_file(settings)
    if source_file is None:
        raise Refused(422, p.ERR_INVALID_REQUEST, "This server's database is PostgreSQL: "
                      "back it up with pg_dump (docs/SERVER.md, section 7).")
    where, now = folder(settings), datetime.now(UTC)
    final = _free_name(where, f"insideout-{now:%Y-%m-%d-%H%M%S}")
    partial = final.with_suffix(".partial")
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        _copy(source_file, partial)
        partial.replace(final)
    except (OSError, sqlite3.Error) as error:
        partial.unlink(missing_ok=True)
        raise Refused(500, p.ERR_INVALID_REQUEST, f"The backup could not be written in "
                      f"{where}: {error}. Nothing was kept.") from None
    return Backup(final, final.stat().st_size, now)


def _copy(source_file: str, partial: Path) -> None:
    """As the CLI: its own plain connections, so no request's session is touched."""
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    source, target = sqlite3.connect(source_file), sqlite3.connect(partial)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _free_name(where: Path, stem: str) -> Path:
    candidate, n = where / f"{stem}.sqlite3", 1
    while candidate.exists():  # two backups within one second
        n += 1
        candidate = where / f"{stem}-{n}.sqlite3"
    return candidate


def listed(settings: Settings) -> list[Backup]:
    """The newest backups in the folder, newest first."""
    where = folder(settings)
    if not where.is_dir():
        return []
    found = [Backup(f, s.st_size, datetime.fromtimestamp(s.st_mtime, UTC))
             for f in where.glob(PATTERN) if (s := f.stat())]
    return sorted(found, key=lambda b: b.at, reverse=True)[:LISTED]


def size_words(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)
