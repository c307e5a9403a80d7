"""`python -m sync.server report` (also `admin report`), run as IT runs it: a separate
process on the server's database, writing the signed PDF and the extracts, each
generation audited."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sync.server import db as server_db
from sync.server.app import create_app
from sync.server.models import AuditEvent
from sync.server.settings import MASTER_KEY_ENV
from tests.server.conftest import MASTER_KEY, World, cheap_settings
from tests.server.reports.helpers import CUSTODY, figures, push_custody_north

ROOT = Path(__file__).resolve().parents[3]
PARTS = ("report.pdf", "figures.csv", "people.csv", "forms.csv", "episodes.csv",
         "ndtms-episodes.csv")


@pytest.fixture
def server(tmp_path):
    """A server database on disk with the cohort pushed through HTTP (and committed)."""
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    engine = server_db.make_engine(url)
    server_db.migrate(engine)
    sessions = server_db.session_factory(engine, master_key=MASTER_KEY)
    settings = cheap_settings(tmp_path, url)
    with TestClient(create_app(settings, sessions=sessions, master_key=MASTER_KEY)) as client:
        world = World(client=client, sessions=sessions, settings=settings)
        world.add_team(CUSTODY)
        world.add_worker("ann", CUSTODY)
        push_custody_north(world)
    yield url, sessions
    engine.dispose()


def _report(url: str, tmp_path: Path, *args: str,
            command: tuple[str, ...] = ("report",)) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSIDEOUT_SERVER_")}
    env[MASTER_KEY_ENV] = base64.b64encode(MASTER_KEY).decode()
    return subprocess.run(
        [sys.executable, "-m", "sync.server", *command, "--database-url", url, "--data-dir",
         str(tmp_path / "data"), *args], capture_output=True, text=True, env=env,
        cwd=ROOT, timeout=120, check=False)


def test_the_report_command_writes_every_file_and_audits_it(server, tmp_path):
    url, sessions = server
    out = tmp_path / "out"

    done = _report(url, tmp_path, "--quarter", "2026Q3", "--team", CUSTODY, "--out", str(out))

    assert done.returncode == 0, done.stderr
    written = sorted(out.iterdir())
    assert [p.name for p in written] == sorted(f"insideout-2026Q3-custody-north-{part}"
                                               for part in PARTS)
    assert all(str(p) in done.stdout for p in written)
    assert "July to September 2026" in done.stdout and CUSTODY in done.stdout
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in written)
    shown = figures((out / "insideout-2026Q3-custody-north-figures.csv").read_bytes())
    assert (shown["caseload"], shown["new.custody"]) == ("29", "8")
    with sessions.begin() as session:
        [event] = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "report.generated")).all()
    detail = json.loads(event.detail)
    assert event.actor.startswith("cli:")
    assert (detail["quarter"], detail["scope"]) == ("2026Q3", CUSTODY)
    assert detail["files"].split(", ") == [f"insideout-2026Q3-custody-north-{part}"
                                           for part in PARTS]
    assert event.person_id is None


def test_the_whole_service_and_the_refusals(server, tmp_path):
    url, sessions = server
    (tmp_path / "a-file").write_text("not a folder")

    # The same command under `admin`, as IT's scripts may call it.
    everyone = _report(url, tmp_path, "report", "--quarter", "2026q3", "--all", "--out",
                       str(tmp_path / "all"), command=("admin",))
    no_team = _report(url, tmp_path, "--quarter", "2026Q3", "--team", "Nowhere", "--out",
                      str(tmp_path / "x"))
    no_quarter = _report(url, tmp_path, "--quarter", "summer", "--all", "--out",
                         str(tmp_path / "x"))
    no_scope = _report(url, tmp_path, "--quarter", "2026Q3", "--out", str(tmp_path / "x"))
    no_folder = _report(url, tmp_path, "--quarter", "2026Q3", "--all", "--out",
                        str(tmp_path / "a-file"))

    assert everyone.returncode == 0, everyone.stderr
    assert "the whole service" in everyone.stdout
    assert (tmp_path / "all" / "insideout-2026Q3-the-whole-service-report.pdf").exists()
    assert (no_team.returncode, no_team.stderr.strip()) == (2, "error: team 'Nowhere' not found")
    assert no_quarter.returncode == 2 and "2026Q3" in no_quarter.stderr
    assert no_scope.returncode == 2 and "--team" in no_scope.stderr
    assert not (tmp_path / "x").exists()
    assert no_folder.returncode == 2 and "could not write the report" in no_folder.stderr
    with sessions.begin() as session:  # only the report that was written is audited
        assert len(session.scalars(select(AuditEvent).where(
            AuditEvent.action == "report.generated")).all()) == 1
