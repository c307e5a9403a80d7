"""Every path and setting the desktop app uses comes from here.

Paths sit over platformdirs and can be moved with INSIDEOUT_DATA_DIR or --data-dir,
so tests, portable installs and IT's pre-configured laptops all use the same code.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields, replace
from importlib import metadata
from pathlib import Path

import platformdirs

APP_NAME = "InsideOut"
DATA_DIR_ENV = "INSIDEOUT_DATA_DIR"
RESOURCES_DIR = Path(__file__).resolve().parent.parent / "resources"


def app_version() -> str:
    """The one version, read from the installed package metadata (pyproject.toml)."""
    try:
        return metadata.version("insideout")
    except metadata.PackageNotFoundError:
        return "0.0.0+unknown"


@dataclass(frozen=True)
class Paths:
    """Where a device keeps its files. Everything below data_dir belongs to InsideOut."""

    data_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "insideout.db"

    @property
    def key_wraps(self) -> Path:
        return self.data_dir / "keywraps.json"

    @property
    def signin_throttle(self) -> Path:
        return self.data_dir / "signin-throttle.json"

    @property
    def settings(self) -> Path:
        return self.data_dir / "settings.json"

    @property
    def logs(self) -> Path:
        return self.data_dir / "logs"

    def ensure(self) -> Paths:
        # 0700: other local accounts on a shared laptop must not even list the files.
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self


def resolve_paths(data_dir: str | os.PathLike[str] | None = None) -> Paths:
    """--data-dir beats INSIDEOUT_DATA_DIR beats the platform's per-user data folder."""
    chosen = data_dir or os.environ.get(DATA_DIR_ENV)
    if chosen:
        return Paths(Path(chosen).expanduser().resolve())
    return Paths(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))


@dataclass(frozen=True)
class Settings:
    """Non-sensitive, per-device settings a team lead or IT may change."""

    idle_lock_minutes: float = 5.0
    stale_section_days: int = 90
    server_url: str = ""

    @classmethod
    def load(cls, path: Path) -> Settings:
        if not path.exists():
            return cls()
        raw = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}
        return replace(cls(), **{k: v for k, v in raw.items() if k in known})

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
