"""The admin CLI, as IT uses it: each command one transaction, clear errors, exit codes."""

from __future__ import annotations

import base64
import io
import sys

import pytest
import sqlalchemy as sa

from sync.server import db as server_db
from sync.server.__main__ import main as server_main
from sync.server.models import AuditEvent, Device, Worker
from sync.server.settings import MASTER_KEY_ENV
from tests.server.conftest import MASTER_KEY, PASSWORD


@pytest.fixture
def admin(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"

    def run(*args: str, stdin: str = "") -> tuple[int, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = server_main(["admin", "--database-url", url, "--data-dir", str(tmp_path),
                            "--create", *args])  # a database made as needed
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
    assert admin("revoke-device", "--device-id", "d" * 36, "--reason", "stolen", "--yes")[0] == 0
    assert "revoked " in admin("list-devices", "--team", "Custody North")[1]
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


def _events(admin) -> None:
    admin("create-team", "--name", "Custody North")
    for hours in ("1", "2", "3"):
        admin("issue-enrolment-code", "--team", "Custody North", "--valid-hours", hours)


def _without_audit_triggers(conn: sa.Connection) -> None:
    conn.exec_driver_sql("DROP TRIGGER audit_events_no_update")
    conn.exec_driver_sql("DROP TRIGGER audit_events_no_delete")


def test_verify_audit_reports_an_intact_chain_and_its_head(admin):
    _events(admin)
    code, out = admin("verify-audit")
    with admin.engine.connect() as conn:
        head = conn.execute(sa.select(AuditEvent.id, AuditEvent.entry_hash)
                            .order_by(AuditEvent.id.desc())).first()
    assert code == 0
    assert "intact: 4 events" in out and f"head: event {head.id}, hash {head.entry_hash}" in out
    assert "outside this database" in out  # anchoring, and why
    assert admin("verify-audit", "--anchor", head.entry_hash)[0] == 0


def test_verify_audit_names_the_first_broken_event_and_exits_1(admin):
    _events(admin)
    with admin.engine.begin() as conn:
        _without_audit_triggers(conn)
        conn.execute(sa.text("DELETE FROM audit_events WHERE id = 2"))
    code, out = admin("verify-audit")
    assert code == 1
    assert out.startswith("audit trail BROKEN at event 3: its prev_hash does not match the "
                          "entry_hash of event 1")


def test_verify_audit_with_an_anchor_finds_the_newest_events_removed(admin):
    """A truncated tail leaves a whole chain: only a head kept elsewhere shows the loss."""
    _events(admin)
    anchor = admin("verify-audit")[1].split("hash ")[1].split()[0]
    with admin.engine.begin() as conn:
        _without_audit_triggers(conn)
        conn.execute(sa.text("DELETE FROM audit_events WHERE id = 4"))
    assert admin("verify-audit")[0] == 0
    code, out = admin("verify-audit", "--anchor", anchor)
    assert (code, "no longer in the chain" in out) == (1, True)


def test_an_admin_command_after_the_upgrade_seals_the_older_events(admin, monkeypatch):
    monkeypatch.setenv(MASTER_KEY_ENV, base64.b64encode(MASTER_KEY).decode())
    engine = server_db.make_engine(admin.engine.url.render_as_string())
    server_db.migrate(engine, "0007")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO audit_events (at, action, actor, detail) "
                             "VALUES (CURRENT_TIMESTAMP, 'team.created', 'cli:it', '{}')"))
    engine.dispose()
    assert "NOT YET SEALED" in admin("verify-audit")[1]  # it migrates, and writes nothing
    admin("list-teams")
    code, out = admin("verify-audit")
    with admin.engine.connect() as conn:
        actions = conn.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["team.created", "audit.chain_keyed"]
    assert code == 0 and "intact: 2 events" in out and "1 of them predate" in out
    assert "sealed" in out and "NOT YET" not in out


def test_verify_audit_without_the_master_key_says_so_and_makes_none(admin, tmp_path):
    _events(admin)
    (tmp_path / "master.key").unlink()
    code, out = admin("verify-audit")
    assert (code, "no master key" in out) == (2, True)
    assert not (tmp_path / "master.key").exists()
