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
REQUESTS_IN_FLIGHT_ENV = "INSIDEOUT_SERVER_REQUESTS_IN_FLIGHT"
# Also the database pool's steady size (db.make_engine): never more requests admitted
# than connections (api/limits.RequestsInFlight says why).
MAX_REQUESTS_IN_FLIGHT = 16
KEY_RELEASE_ENV = "INSIDEOUT_SERVER_KEY_RELEASE"
# What a worker new to a laptop needs before the server hands them its store key:
# `approval`, their team lead's (or IT's) for that laptop; `notify`, nothing but their
# password, the lead being told afterwards (a stolen laptop and any teammate's password
# then open it: docs/SERVER.md, "Colleagues new to a laptop").
KEY_RELEASE_POLICIES = ("approval", "notify")


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
    # Requests each worker process works on at once; the rest wait their turn, in order.
    # With PostgreSQL on the same host the CPU is the limit, and more at once only makes
    # each take longer: with 100 devices at once on 2 cores, 1 was quickest (sync work then
    # runs in the event loop itself: api/routes_sync) and 16 nearly twice as slow at the
    # 95th percentile (benchmarks/sync_load.py measures it). With the database on another
    # host a request also waits
    # on the network; 4 to 8 keep the CPU busy there.
    requests_in_flight: int = 1
    key_release: str = "approval"  # one of KEY_RELEASE_POLICIES
    # The database URL may carry a password, so it is never logged.

    def __post_init__(self) -> None:
        if self.key_release not in KEY_RELEASE_POLICIES:
            raise ValueError(f"key release must be {' or '.join(KEY_RELEASE_POLICIES)}, "
                             f"not {self.key_release!r}")
        if not 1 <= self.requests_in_flight <= MAX_REQUESTS_IN_FLIGHT:
            raise ValueError(f"requests in flight must be 1 to {MAX_REQUESTS_IN_FLIGHT} per "
                             f"worker process, not {self.requests_in_flight}")

    @property
    def master_key_path(self) -> Path:
        return self.data_dir / MASTER_KEY_FILE

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then the environment, then explicit overrides (the CLI's flags)."""
        data_dir = Path(str(overrides.pop("data_dir", None) or default_data_dir()))
        url = overrides.pop("database_url", None) or os.environ.get(DATABASE_URL_ENV)
        in_flight = overrides.pop("requests_in_flight", None)  # a flag wins over the variable
        if in_flight is None:
            in_flight = _int_from_env(REQUESTS_IN_FLIGHT_ENV, cls.requests_in_flight)
        release = str(overrides.pop("key_release", None) or os.environ.get(KEY_RELEASE_ENV, ""))
        settings = cls(data_dir=data_dir, database_url=str(url or sqlite_url(data_dir)),
                       requests_in_flight=int(in_flight),  # type: ignore[call-overload]
                       key_release=release.strip().lower() or cls.key_release)
        return replace(settings, **overrides)  # type: ignore[arg-type]

    def to_env(self) -> dict[str, str]:
        """What a uvicorn worker process needs to rebuild these settings (see serve.py)."""
        return {DATA_DIR_ENV: str(self.data_dir), DATABASE_URL_ENV: self.database_url,
                REQUESTS_IN_FLIGHT_ENV: str(self.requests_in_flight),
                KEY_RELEASE_ENV: self.key_release}


def _int_from_env(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {text!r}") from None
