"""The install-time server address is https://, or plain http:// to the laptop itself only.

The Linux script is run for real on a stand-in for the unpacked tarball. Inno Setup cannot
run here, so the Windows script is checked as text.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from installer import layout

ISS_TEXT = (layout.INSTALLER_DIR / "windows" / "insideout.iss").read_text(encoding="utf-8")


@pytest.fixture
def unpacked(tmp_path) -> Path:
    """What the tarball unpacks to, with empty stand-ins for the built app."""
    here = tmp_path / "unpacked"
    (here / "_internal").mkdir(parents=True)
    for name in ("InsideOut", "insideout-cli", "insideout.svg", "insideout.png"):
        (here / name).write_text("stand-in")
    shutil.copy(layout.LINUX_INSTALL_SCRIPT, here / "install.sh")
    shutil.copy(layout.LINUX_INSTALL_SCRIPT.parent / "insideout.desktop", here)
    return here


def _install(unpacked: Path, root: Path, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", str(unpacked / "install.sh"), "--destdir", str(root),
                           "--server-url", url], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("url", ["http://sync.example.org", "http://10.1.2.3:8765",
                                 "HTTP://sync.example.org/", "http://127.0.0.1.example.org",
                                 "sync.example.org", "ftp://sync.example.org"])
def test_the_linux_installer_refuses_an_address_that_is_not_https(unpacked, tmp_path, url):
    root = tmp_path / "root"
    done = _install(unpacked, root, url)
    assert done.returncode == 2, done.stderr
    assert "must start with https://" in done.stderr and "Ask IT" in done.stderr
    assert not root.exists()  # refused before anything was installed


@pytest.mark.parametrize("url", ["https://sync.example.org", "https://sync.example.org:8443/x",
                                 "http://127.0.0.1:8765", "http://localhost:8765",
                                 "http://[::1]:8765"])
def test_the_linux_installer_writes_a_secure_or_loopback_address(unpacked, tmp_path, url):
    root = tmp_path / "root"
    done = _install(unpacked, root, url)
    assert done.returncode == 0, done.stderr
    defaults = root / "opt" / "insideout" / "insideout-defaults.json"
    assert json.loads(defaults.read_text()) == {"server_url": url}


def test_the_windows_installer_accepts_only_https_or_loopback():
    assert "LooksLikeUrl" not in ISS_TEXT and "test network" not in ISS_TEXT
    assert "not IsSecureUrl(Trim(ServerPage.Values[0]))" in ISS_TEXT
    assert "The server address must start with https://." in ISS_TEXT
    # The loopback exceptions match the app's (sync/client/urls.py).
    for allowed in ("'localhost'", "'[::1]'", "'127.'"):
        assert allowed in ISS_TEXT
