"""Server settings: one frozen object built by the entry point, never at import time."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import platformdirs

DATA_DIR_ENV = "INSIDEOUT_SERVER_DATA_DIR"
DATABASE_URL_ENV = "INSIDEOUT_SERVER_DATABASE_URL"
MASTER_KEY_ENV = "INSIDEOUT_SERVER_MASTER_KEY"  # base64 of 32 bytes; wins over the key file
MASTER_KEY_FILE = "master.key"


def default_data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir("insideout-server", appauthor=False))


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'server.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    max_body_bytes: int = 1_048_576
    # Authentication endpoints: at most `auth_rate_limit` calls per client address
    # per `auth_rate_window_s` seconds, counted in the database (shared by all workers).
    auth_rate_limit: int = 20
    auth_rate_window_s: int = 60
    enrolment_code_hours: int = 72
    session_hours: int = 12
    # Argon2id cost. Defaults are argon2-cffi's RFC 9106 low-memory profile;
    # tests lower them so the suite stays fast.
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65_536
    # The database URL may carry a password, so it is never logged.

    @property
    def master_key_path(self) -> Path:
        return self.data_dir / MASTER_KEY_FILE

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then the environment, then explicit overrides (the CLI's flags)."""
        data_dir = Path(str(overrides.pop("data_dir", None) or default_data_dir()))
        url = overrides.pop("database_url", None) or os.environ.get(DATABASE_URL_ENV)
        settings = cls(data_dir=data_dir, database_url=str(url or sqlite_url(data_dir)))
        return replace(settings, **overrides)  # type: ignore[arg-type]

    def to_env(self) -> dict[str, str]:
        """What a uvicorn worker process needs to rebuild these settings (see serve.py)."""
        return {DATA_DIR_ENV: str(self.data_dir), DATABASE_URL_ENV: self.database_url}
