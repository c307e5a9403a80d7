"""The Windows version resource (Explorer's Properties -> Details) for both executables.

Imported by insideout.spec on Windows only: PyInstaller's versioninfo module needs
pefile, which PyInstaller installs on Windows alone.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PyInstaller.utils.win32.versioninfo import VSVersionInfo

_LEADING_NUMBERS = re.compile(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?")


def numeric_version(version: str) -> tuple[int, int, int, int]:
    """'1.2.3' or '1.2.3rc1' -> (1, 2, 3, 0): Windows wants four plain numbers."""
    match = _LEADING_NUMBERS.match(version)
    groups = match.groups() if match else ()
    a, b, c, d = (int(g or 0) for g in (*groups, 0, 0, 0, 0)[:4])
    return a, b, c, d


def version_info(version: str) -> VSVersionInfo:
    from PyInstaller.utils.win32 import versioninfo as vi

    numbers = numeric_version(version)
    strings = [
        vi.StringStruct("CompanyName", "InsideOut"),
        vi.StringStruct("FileDescription", "InsideOut"),
        vi.StringStruct("FileVersion", version),
        vi.StringStruct("ProductName", "InsideOut"),
        vi.StringStruct("ProductVersion", version),
    ]
    return vi.VSVersionInfo(
        ffi=vi.FixedFileInfo(filevers=numbers, prodvers=numbers),
        kids=[
            vi.StringFileInfo([vi.StringTable("080904B0", strings)]),  # en-GB, Unicode
            vi.VarFileInfo([vi.VarStruct("Translation", [0x0809, 1200])]),
        ],
    )
