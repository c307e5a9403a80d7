"""Every path and setting the desktop app uses comes from here.

Paths sit over platformdirs and can be moved with INSIDEOUT_DATA_DIR or --data-dir,
so tests, portable installs and IT's pre-configured laptops all use the same code.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, fields, replace
from importlib import metadata
from pathlib import Path

import platformdirs

APP_NAME = "InsideOut"
DATA_DIR_ENV = "INSIDEOUT_DATA_DIR"
DEFAULTS_FILE_ENV = "INSIDEOUT_DEFAULTS_FILE"
DEFAULTS_FILE_NAME = "insideout-defaults.json"


def _resources_dir() -> Path:
    # A PyInstaller one-folder build unpacks data under sys._MEIPASS (the _internal
    # folder); installer/insideout.spec puts resources/ at its top.
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


RESOURCES_DIR = _resources_dir()


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
        """The device's settings.json over IT's install-time defaults over built-in values."""
        return cls.install_defaults()._overlaid_by(path)

    @classmethod
    def install_defaults(cls) -> Settings:
        return cls()._overlaid_by(install_defaults_file())

    def save(self, path: Path) -> None:
        # Only what this device changed: a setting left alone keeps following IT's
        # defaults file, so a new server_url there still reaches every laptop.
        baseline = asdict(type(self).install_defaults())
        changed = {k: v for k, v in asdict(self).items() if baseline[k] != v}
        path.write_text(json.dumps(changed, indent=2), encoding="utf-8")

    def _overlaid_by(self, source: Path | None) -> Settings:
        if source is None or not source.exists():
            return self
        known = {f.name for f in fields(self)}
        return replace(self, **{k: v for k, v in _json_object(source).items() if k in known})


def install_defaults_file() -> Path | None:
    """IT's pre-configured defaults (e.g. server_url), written by the installer.

    INSIDEOUT_DEFAULTS_FILE wins; a frozen build looks beside its executable (the
    installer writes it there, e.g. C:\\Program Files\\InsideOut); a source checkout has none.
    """
    chosen = os.environ.get(DEFAULTS_FILE_ENV)
    if chosen:
        return Path(chosen).expanduser()
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent / DEFAULTS_FILE_NAME
    return None


def _json_object(path: Path) -> dict[str, object]:
    # utf-8-sig: Notepad and some installer tools start UTF-8 files with a BOM.
    raw = json.loads(path.read_text(encoding="utf-8-sig"))
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a JSON object of settings")
    return raw
