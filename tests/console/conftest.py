"""Console fixtures: the server suite's rolled-back databases (SQLite and PostgreSQL) for the
in-process tests, and a real server process with Debian's chromium for the browser tests."""

from __future__ import annotations

from tests.console.browser import browser, console_server  # noqa: F401
from tests.server.conftest import (  # noqa: F401
    _postgres_test_db,
    client,
    connection,
    db,
    engine,
    sessions,
    settings,
    world,
)
