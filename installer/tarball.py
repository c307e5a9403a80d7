"""The Linux deliverable: dist/InsideOut-<version>-linux-x86_64.tar.gz.

It unpacks to one folder, InsideOut-<version>/, holding the one-folder app (with its
icons), the .desktop entry and install.sh, which IT runs as root to put it all in
place (see docs/INSTALL.md).
"""

from __future__ import annotations

import tarfile
from pathlib import Path

from installer import layout


def _normalised(info: tarfile.TarInfo) -> tarfile.TarInfo:
    # Files in /opt should be root's; the build user's name means nothing on a laptop.
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def make_tarball(app: Path, version: str) -> Path:
    target = layout.DIST_DIR / layout.tarball_name(version)
    top = f"InsideOut-{version}"
    # Level 6: within a few percent of 9 on Qt's libraries, in about half the time.
    with tarfile.open(target, "w:gz", compresslevel=6) as tar:
        tar.add(app, arcname=top, filter=_normalised)
        tar.add(layout.DESKTOP_ENTRY, arcname=f"{top}/insideout.desktop", filter=_normalised)
        tar.add(layout.LINUX_INSTALL_SCRIPT, arcname=f"{top}/install.sh", filter=_normalised)
    return target
