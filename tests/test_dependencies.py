"""Every third-party import of the desktop client is declared for a client-only install.

A laptop is installed with `insideout[app]`: the core dependencies plus the `app`
extra. A package that only the `server` extra (or the developer's venv) brings in
works in every test here and breaks on a laptop, as msgspec once did.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# What runs on a laptop: the app, the sync client and what it shares with the server.
CLIENT_SOURCES = ("app", "sync/client", "sync/protocol", "main.py", "headless.py")
PROJECT_MODULES = frozenset({"app", "sync", "main", "headless", "installer", "resources"})


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared_for_client() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["app"]]
    # The distribution name is what precedes any extra, version or marker.
    return {_normalised(re.split(r"[\s\[<>=!~;]", req, maxsplit=1)[0]) for req in requirements}


def _python_files() -> Iterator[Path]:
    for source in CLIENT_SOURCES:
        path = ROOT / source
        # sync/protocol.py became a package and was silently scanned as nothing.
        assert path.exists(), f"{source} is gone: say where the client's code is now"
        yield from [path] if path.is_file() else sorted(path.rglob("*.py"))


def _imported_top_names(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def _third_party_imports() -> dict[str, set[str]]:
    """Top-level import name -> the client files that import it."""
    found: dict[str, set[str]] = {}
    for path in _python_files():
        for name in _imported_top_names(path):
            if name not in sys.stdlib_module_names and name not in PROJECT_MODULES:
                found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def test_client_imports_are_declared_in_core_or_app_extra() -> None:
    declared = _declared_for_client()
    distributions = importlib.metadata.packages_distributions()
    missing = {}
    for name, files in _third_party_imports().items():
        # Some import names come from several distributions (PySide6 and its parts).
        providers = {_normalised(d) for d in distributions.get(name, [name])}
        if not providers & declared:
            missing[name] = sorted(files)
    assert not missing, (
        f"imported by the desktop client but not in pyproject's core or `app` dependencies "
        f"(a client-only install would lack them): {missing}")


def test_the_scan_sees_the_client_imports() -> None:
    # Guards the test above against passing because it found nothing to check.
    assert {"requests", "sqlalchemy", "PySide6", "msgspec"} <= set(_third_party_imports())


def _make_list(name: str) -> list[str]:
    text = (Path(__file__).parent.parent / "Makefile").read_text().replace("\\\n", " ")
    line = next(x for x in text.splitlines() if x.startswith(f"{name} :="))
    return line.split(":=", 1)[1].split()


def test_make_run_checks_a_library_of_every_qt_package_it_names():
    """`make run` checked 5 of the 12 packages: with libxcb-icccm4 missing, Qt aborted with
    "could not load the Qt platform plugin" instead of the install line."""
    assert len(_make_list("QT_LIBS")) == len(_make_list("QT_APT_PACKAGES"))
