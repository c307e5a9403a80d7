"""The admin CLI, as IT uses it: each command one transaction, clear errors, exit codes."""

from __future__ import annotations

import io
import sys

import pytest
import sqlalchemy as sa

from sync.server.__main__ import main as server_main
from sync.server.models import AuditEvent, Device, Worker
from tests.server.conftest import PASSWORD


@pytest.fixture
def admin(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"

    def run(*args: str, stdin: str = "") -> tuple[int, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = server_main(["admin", "--database-url", url, "--data-dir", str(tmp_path), *args])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    run.engine = sa.create_engine(url)  # type: ignore[attr-defined]
    yield run
    run.engine.dispose()  # type: ignore[attr-defined]


def test_first_admin_team_worker_and_disable(admin):
    assert admin("create-admin", "--username", "it", "--password-stdin",
                 stdin=PASSWORD + "\n")[0] == 0
    assert admin("create-team", "--name", "Prison In-Reach", "--agency", "prison")[0] == 0
    assert admin("create-worker", "--team", "Prison In-Reach", "--username", "bob",
                 "--role", "team_lead", "--password-stdin", stdin=PASSWORD + "\n")[0] == 0
    assert admin("disable-worker", "--username", "bob") == (0, "bob disabled\n")
    with admin.engine.connect() as conn:
        rows = dict(conn.execute(sa.select(Worker.username, Worker.role)).all())
        disabled = conn.scalar(sa.select(Worker.disabled_at).where(Worker.username == "bob"))
        hashes = conn.scalars(sa.select(Worker.password_hash)).all()
    assert rows == {"it": "admin", "bob": "team_lead"}
    assert disabled is not None
    assert all(h.startswith("$argon2id$") for h in hashes)


def test_refusals_are_messages_with_a_non_zero_exit(admin):
    assert admin("create-worker", "--team", "Nowhere", "--username", "x", "--password-stdin",
                 stdin=PASSWORD + "\n") == (2, "error: team 'Nowhere' not found\n")
    admin("create-team", "--name", "T")
    code, out = admin("create-worker", "--team", "T", "--username", "x", "--password-stdin",
                      stdin="short\n")
    assert (code, "12 characters" in out) == (2, True)


def test_enrolment_code_device_list_and_revoke(admin):
    admin("create-team", "--name", "Custody North")
    code, out = admin("issue-enrolment-code", "--team", "Custody North", "--valid-hours", "2")
    assert code == 0 and "valid 2 h" in out
    with admin.engine.begin() as conn:  # stand in for an enrolled device
        team_id = conn.scalar(sa.text("SELECT id FROM teams"))
        conn.execute(sa.insert(Device).values(id="d" * 36, team_id=team_id, name="laptop 7",
                                              token_hash="0" * 64))
    assert "never" in admin("list-devices")[1]
    assert admin("revoke-device", "--device-id", "d" * 36, "--reason", "stolen")[0] == 0
    assert "REVOKED" in admin("list-devices", "--team", "Custody North")[1]
    with admin.engine.connect() as conn:
        actions = conn.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["team.created", "enrolment_code.issued", "device.revoked"]
    assert "device.revoked" in admin("audit-log", "--limit", "1")[1]


def test_backup_makes_a_consistent_sqlite_copy(admin, tmp_path):
    admin("create-team", "--name", "Custody North")
    target = tmp_path / "backup.sqlite3"
    assert admin("backup", "--to", str(target))[0] == 0
    copy = sa.create_engine(f"sqlite:///{target}")
    with copy.connect() as conn:
        assert conn.scalar(sa.text("SELECT name FROM teams")) == "Custody North"
        assert conn.scalar(sa.text("SELECT count(*) FROM audit_events")) == 1
    copy.dispose()
