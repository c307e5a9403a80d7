"""The SQLite database file, made private before SQLite first opens it."""

from __future__ import annotations

import os
from pathlib import Path


def private_file(path: str | None) -> None:
    """Make the database file 0600 (its folder 0700 if made here) before SQLite opens it.
    SQLite would create it 0644, and it gives its -wal and -shm files the database file's
    mode: the record's plaintext of old rows, hashes and wrapped keys, readable by every
    account on the host. An empty file is a valid empty database. A file that exists
    with wider rights is narrowed (an install from before this), never widened."""
    if not path or path == ":memory:" or path.startswith("file:") or os.name != "posix":
        return
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.close(os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        for each in (file, Path(f"{file}-wal"), Path(f"{file}-shm")):
            if each.exists() and each.stat().st_mode & 0o077:
                each.chmod(0o600)
