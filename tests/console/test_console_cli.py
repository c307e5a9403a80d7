"""`admin reset-second-factor`: an admin who lost the phone and the recovery codes."""

from __future__ import annotations

from sqlalchemy import create_engine, select

from sync.server.models import AuditEvent, ConsoleTotp, Worker
from tests.e2e.conftest import PASSWORD, Server


def test_reset_second_factor_removes_it_and_is_audited(tmp_path):
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    server = Server(tmp_path, url)
    server.admin("init")
    server.admin("create-admin", "--username", "ita", "--password-stdin", stdin=PASSWORD + "\n")
    engine = create_engine(url)
    with engine.begin() as conn:
        ita = conn.scalar(select(Worker.id).where(Worker.username == "ita"))
        conn.execute(ConsoleTotp.__table__.insert().values(
            worker_id=ita, nonce=b"n" * 12, ciphertext=b"c" * 36))
    said = server.admin("reset-second-factor", "--username", "ita")
    assert "next console sign-in sets up a new one" in said
    with engine.connect() as conn:
        assert conn.scalar(select(ConsoleTotp.worker_id)) is None
        assert conn.scalar(select(AuditEvent.actor).where(
            AuditEvent.action == "console.second_factor_reset")).startswith("cli:")
    engine.dispose()
