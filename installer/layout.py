"""Names and places the build produces, in one spot that build.py and the tests share."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALLER_DIR = ROOT / "installer"
SPEC = INSTALLER_DIR / "insideout.spec"
ISS = INSTALLER_DIR / "windows" / "insideout.iss"
DESKTOP_ENTRY = INSTALLER_DIR / "linux" / "insideout.desktop"
LINUX_INSTALL_SCRIPT = INSTALLER_DIR / "linux" / "install.sh"
SVG_ICON = ROOT / "resources" / "icons" / "insideout.svg"

BUILD_DIR = ROOT / "build"
DIST_DIR = ROOT / "dist"
ICONS_DIR = BUILD_DIR / "icons"  # PNG and ICO rendered from the SVG at build time
APP_FOLDER = "InsideOut"  # dist/InsideOut: PyInstaller's one-folder app
GUI_EXE = "InsideOut"
CLI_EXE = "insideout-cli"
# Copied beside the executables: the Start-menu entry and the .desktop entry use them.
ICON_FILES = ("insideout.svg", "insideout.png", "insideout.ico")


def project_version() -> str:
    """The one version: pyproject.toml [project] version."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def app_dir() -> Path:
    return DIST_DIR / APP_FOLDER


def exe_name(base: str, *, windows: bool) -> str:
    return f"{base}.exe" if windows else base


def tarball_name(version: str) -> str:
    return f"InsideOut-{version}-linux-x86_64.tar.gz"


def setup_exe_stem(version: str) -> str:
    return f"InsideOut-{version}-setup"  # Inno Setup adds .exe


def produced_in_app_dir(*, windows: bool) -> list[str]:
    """What the build puts in dist/InsideOut (paths relative to it)."""
    exes = [exe_name(GUI_EXE, windows=windows), exe_name(CLI_EXE, windows=windows)]
    return [*exes, "_internal", *ICON_FILES]
