"""`make installer`: the one-folder app, then a Linux tarball or a Windows setup.exe.

    python installer/build.py            # icons -> PyInstaller -> tarball / ISCC
    python installer/build.py --no-package   # stop after dist/InsideOut

On Windows the last step runs Inno Setup's ISCC (found on PATH, via the ISCC
environment variable, or in its default folder), passing the version from
pyproject.toml as /DAppVersion. Everything lands in dist/.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script

from installer import layout
from installer.icons import make_icons
from installer.tarball import make_tarball

WINDOWS = sys.platform == "win32"
DEFAULT_ISCC = Path(r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe")


def run_pyinstaller(version: str, icon: Path) -> Path:
    # --noconfirm: replace last build's dist/InsideOut without asking.
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(layout.DIST_DIR), "--workpath", str(layout.BUILD_DIR / "pyi"),
               str(layout.SPEC), "--", "--app-version", version]
    if WINDOWS:  # PyInstaller embeds an exe icon on Windows only
        command += ["--icon", str(icon)]
    subprocess.run(command, check=True, cwd=layout.ROOT)
    return layout.app_dir()


def find_iscc() -> Path:
    for candidate in (os.environ.get("ISCC"), shutil.which("ISCC"), DEFAULT_ISCC):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    raise SystemExit("Inno Setup 6 not found: install it, or set ISCC to ISCC.exe's path")


def make_windows_setup(version: str) -> Path:
    # /DDistDir: the .iss names its [Files] relative to this, so the script works
    # from any checkout; /O and /F put setup.exe beside the app folder in dist/.
    command = [str(find_iscc()), f"/DAppVersion={version}", f"/DDistDir={layout.DIST_DIR}",
               f"/O{layout.DIST_DIR}", f"/F{layout.setup_exe_stem(version)}", str(layout.ISS)]
    subprocess.run(command, check=True)
    return layout.DIST_DIR / f"{layout.setup_exe_stem(version)}.exe"


def build(*, package: bool) -> list[Path]:
    version = layout.project_version()
    started = time.monotonic()
    icons = make_icons(layout.SVG_ICON, layout.ICONS_DIR)
    app = run_pyinstaller(version, layout.ICONS_DIR / "insideout.ico")
    for icon in icons:
        shutil.copy2(icon, app / icon.name)
    outputs = [app]
    if package:
        outputs.append(make_windows_setup(version) if WINDOWS else make_tarball(app, version))
    print(f"built InsideOut {version} in {time.monotonic() - started:.0f} s:")
    for path in outputs:
        print(f"  {path}")
    return outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-package", action="store_true",
                        help="build dist/InsideOut only, no tarball or setup.exe")
    build(package=not parser.parse_args(argv).no_package)
    return 0


if __name__ == "__main__":
    sys.exit(main())
