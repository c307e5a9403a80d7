"""The committed installer files agree with what the build produces. No build needed.

Inno Setup cannot run here, so the .iss is read as data: every file it takes from the
build must be one that installer/build.py and the spec make, [Setup] must say what
IT relies on, and its [Code] must at least be balanced.
"""

import configparser
import fnmatch
import re
import struct
import subprocess
from pathlib import PureWindowsPath

import pytest

from installer import layout
from installer.icons import ico_bytes
from installer.windows_version import numeric_version

ISS_TEXT = layout.ISS.read_text(encoding="utf-8")


def iss_sections(text: str) -> dict[str, list[str]]:
    """Section name (lower case) -> its lines, without comments and blank lines."""
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(";") or line.startswith("#"):
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            current = header.group(1).lower()
            sections.setdefault(current, [])
        else:
            sections.setdefault(current, []).append(line)
    return sections


def iss_entry(line: str) -> dict[str, str]:
    """'Source: "x"; DestDir: "{app}"' -> {'source': 'x', 'destdir': '{app}'}."""
    fields = re.findall(r'(\w+):\s*("(?:[^"]|"")*"|[^;]*)', line)
    return {name.lower(): value.strip().strip('"') for name, value in fields}


def setup_directives() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in iss_sections(ISS_TEXT)["setup"])
    return {key.strip().lower(): value.strip() for key, value in pairs}


def from_the_build(path: str) -> str:
    """A build-side path in the .iss -> a path relative to dist/, or fail."""
    windows = PureWindowsPath(path)
    assert windows.parts[0] == "{#DistDir}", f"{path} is not under {{#DistDir}}"
    return "/".join(windows.parts[1:])


def test_dist_dir_defaults_to_the_checkouts_dist_folder():
    default = re.search(r'#define DistDir "(.+)"', ISS_TEXT).group(1)
    assert (layout.ISS.parent / PureWindowsPath(default).as_posix()).resolve() == layout.DIST_DIR


def test_every_file_taken_from_the_build_is_one_the_build_makes():
    produced = [f"{layout.APP_FOLDER}/{name}" for name in layout.produced_in_app_dir(windows=True)]
    sources = [iss_entry(line)["source"] for line in iss_sections(ISS_TEXT)["files"]]
    sources.append(setup_directives()["setupiconfile"])
    assert sources
    for source in sources:
        wanted = from_the_build(source)
        assert any(fnmatch.fnmatch(made, wanted) for made in produced), (source, produced)


def test_every_installed_path_the_script_names_is_installed_or_written():
    on_the_laptop = {*layout.produced_in_app_dir(windows=True), "insideout-defaults.json"}
    named = [iss_entry(line)[key] for line in iss_sections(ISS_TEXT)["icons"]
             for key in ("filename", "iconfilename")]
    named += [iss_entry(line)["name"] for line in iss_sections(ISS_TEXT)["uninstalldelete"]]
    named.append(setup_directives()["uninstalldisplayicon"])
    for path in named:
        parts = PureWindowsPath(path).parts
        assert parts[0] == "{app}" and parts[1] in on_the_laptop, path


def test_setup_is_per_machine_with_the_version_from_the_build():
    setup = setup_directives()
    assert setup["privilegesrequired"] == "admin"
    assert setup["defaultdirname"].startswith("{autopf}")
    assert setup["appversion"] == "{#AppVersion}"
    assert "{#AppVersion}" in setup["outputbasefilename"]
    assert re.search(r"#ifndef AppVersion\s+#error", ISS_TEXT), "a build without the version"


def test_the_start_menu_entry_uses_the_icon():
    icons = [iss_entry(line) for line in iss_sections(ISS_TEXT)["icons"]]
    assert any(entry["name"].startswith("{autoprograms}") and entry["iconfilename"]
               .endswith("insideout.ico") for entry in icons)


def test_the_server_url_and_data_wipe_switches_are_wired():
    assert "{param:SERVERURL|}" in ISS_TEXT
    assert "insideout-defaults.json" in ISS_TEXT
    assert "UninstallFlagGiven('/WIPEDATA')" in ISS_TEXT


def test_the_pascal_code_is_balanced():
    code = ISS_TEXT.split("[Code]", 1)[1]
    code = re.sub(r"'(?:[^']|'')*'", "''", code)  # strings first: they may hold { or ;
    code = re.sub(r"\{[^}]*\}|//[^\n]*", "", code)
    words = re.findall(r"\b(begin|case|try|end)\b", code, flags=re.IGNORECASE)
    opened = sum(1 for word in words if word.lower() != "end")
    assert opened == len(words) - opened, "begin/case/try and end do not pair up"
    for name in ("InitializeWizard", "CurStepChanged", "CurUninstallStepChanged"):
        assert re.search(rf"procedure {name}\(", code), name


def test_the_desktop_entry_is_valid():
    entry = configparser.ConfigParser(interpolation=None, strict=True)
    entry.optionxform = str  # keys are case-sensitive in the desktop entry spec
    entry.read(layout.DESKTOP_ENTRY, encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Name"] == "InsideOut"
    assert desktop["Exec"] == f"/opt/insideout/{layout.GUI_EXE}"  # install.sh rewrites it
    assert desktop["Icon"] == "insideout"  # the name install.sh gives the hicolor icons
    assert desktop["Terminal"] == "false"
    categories = desktop["Categories"]
    assert categories.endswith(";") and "Office" in categories.split(";")


def test_the_linux_install_script_parses_and_copies_what_the_build_makes():
    subprocess.run(["sh", "-n", str(layout.LINUX_INSTALL_SCRIPT)], check=True)
    script = layout.LINUX_INSTALL_SCRIPT.read_text(encoding="utf-8")
    for name in layout.produced_in_app_dir(windows=False):
        if name != "insideout.ico":  # Windows only
            assert f'"$here/{name}"' in script, name


def test_the_ico_holds_every_size_as_png():
    pngs = {16: b"\x89PNG-sixteen", 256: b"\x89PNG-big"}
    data = ico_bytes(pngs)
    assert struct.unpack("<HHH", data[:6]) == (0, 1, 2)
    width, _h, _c, _r, _p, bits, size, offset = struct.unpack("<BBBBHHII", data[22:38])
    assert (width, bits) == (0, 32)  # 0 means 256 pixels
    assert data[offset:offset + size] == pngs[256]


@pytest.mark.parametrize(("version", "numbers"), [
    ("0.1.0", (0, 1, 0, 0)), ("1.2.3rc1", (1, 2, 3, 0)), ("2", (2, 0, 0, 0)),
    ("1.2.3.4.5", (1, 2, 3, 4)),
])
def test_windows_version_resource_numbers(version, numbers):
    assert numeric_version(version) == numbers
