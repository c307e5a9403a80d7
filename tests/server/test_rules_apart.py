"""The sync rules stay apart from the storage engineering: what import-linter cannot say.

The contract in pyproject.toml forbids psycopg in the rule modules, but import-linter
cannot name a subpackage of an external package, so sqlalchemy.dialects (and reaching
for the driver's own connection) is checked here, over the contract's own module list.
"""

from __future__ import annotations

import ast
import importlib.util
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = "the sync rules never drive the database's dialect themselves"


def _rule_modules() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    [contract] = [c for c in config["tool"]["importlinter"]["contracts"]
                  if c["name"].startswith(CONTRACT)]
    return contract["source_modules"]


def _imports(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
    return names


@pytest.mark.parametrize("module", _rule_modules())
def test_a_rule_module_builds_no_dialect_sql_itself(module: str) -> None:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text())
    dialect = {name for name in _imports(tree)
               if name.split(".")[0] == "psycopg" or name.startswith("sqlalchemy.dialects")}
    assert dialect == set()
    driver = [node.lineno for node in ast.walk(tree)
              if isinstance(node, ast.Attribute) and node.attr == "driver_connection"]
    assert driver == []
