"""The admin CLI after the rollout trial: the traps IT fell into, run through
the real entry point."""

from __future__ import annotations

import io
import re
import sys

import pytest
import sqlalchemy as sa

from sync.server import db as server_db
from sync.server.__main__ import main as server_main
from sync.server.models import Device, Worker
from sync.server.services import org
from tests.server.conftest import PASSWORD


@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    """`run(*args)` -> (exit code, what it printed): `insideout-server admin ...` on a
    SQLite database in tmp_path (made by the test: `run("init")`)."""

    def _run(*args: str, stdin: str = "", command: str = "admin") -> tuple[int, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = server_main([command, "--data-dir", str(tmp_path), *args])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    _run.path = tmp_path / "server.sqlite3"  # type: ignore[attr-defined]
    return _run


@pytest.fixture
def ready(run):
    assert run("init")[0] == 0
    run("create-team", "--name", "Custody North")
    run("create-team", "--name", "Prison In-Reach", "--agency", "prison")
    run("create-worker", "--team", "Custody North", "--username", "ann",
        "--password-stdin", stdin=PASSWORD + "\n")
    return run


def _engine(run) -> sa.Engine:
    return sa.create_engine(f"sqlite:///{run.path}")


@pytest.mark.parametrize("command", ["admin", "serve"])
def test_a_missing_database_is_refused_not_made(run, command):
    args = ("list-teams",) if command == "admin" else ()
    code, out = run(*args, command=command)
    assert code == 2
    assert str(run.path) in out and "admin init" in out and "--create" in out
    assert not run.path.exists()


def test_init_makes_the_database_and_the_rest_then_work(run):
    code, out = run("init")
    assert code == 0 and "server database ready" in out and run.path.exists()
    assert run("create-team", "--name", "T")[0] == 0


def test_list_workers_has_a_team_column(ready):
    ready("create-admin", "--username", "it", "--password-stdin", stdin=PASSWORD + "\n")
    out = ready("list-workers")[1]
    assert out.splitlines()[0].split() == ["worker", "id", "username", "role", "team", "state"]
    assert re.search(r"ann\s+worker\s+Custody North\s+active", out)
    assert re.search(r"it\s+admin\s+\(no team\)\s+active", out)


def test_usernames_differing_in_case_are_one(ready):
    code, out = ready("create-worker", "--team", "Custody North", "--username", "Ann",
                      "--password-stdin", stdin=PASSWORD + "\n")
    assert (code, "taken" in out) == (2, True)
    assert ready("disable-worker", "--username", "ANN") == (0, "ann disabled\n")


def test_codes_can_be_issued_in_bulk_listed_and_cancelled(ready):
    code, out = ready("issue-code", "--team", "Custody North", "--count", "3")
    assert code == 0
    issued = out.splitlines()[1:]
    assert len(issued) == 3 and len(set(issued)) == 3
    listed = ready("list-codes")[1].splitlines()
    assert len(listed) == 4 and all("usable" in line for line in listed[1:])
    assert ready("cancel-code", "--code", issued[0])[0] == 0
    first_id = listed[1].split()[0]
    assert ready("cancel-code", "--id", first_id)[0] == 0
    assert len(ready("list-codes")[1].splitlines()) == 2  # one usable code left
    states = ready("list-codes", "--all")[1]
    assert states.count("cancelled") == 2
    engine = _engine(ready)
    with server_db.session_factory(engine)() as s, pytest.raises(org.Refused,
                                                                  match="cancelled"):
        org.usable_code(s, issued[0])
    engine.dispose()


@pytest.mark.parametrize("hours", ["0", "-5"])
def test_a_code_lifetime_under_an_hour_is_refused(ready, hours):
    code, out = ready("issue-enrolment-code", "--team", "Custody North", "--valid-hours", hours)
    assert (code, "at least 1 hour" in out) == (2, True)
    assert len(ready("list-codes", "--all")[1].splitlines()) == 1  # the header only


def _a_device(run, name: str) -> str:
    engine = _engine(run)
    with engine.begin() as conn:
        team_id = conn.scalar(sa.text("SELECT id FROM teams WHERE name = 'Custody North'"))
        conn.execute(sa.insert(Device).values(id="d" * 36, team_id=team_id, name=name,
                                              token_hash="0" * 64))
    engine.dispose()
    return "d" * 36


def test_revocation_asks_first_and_the_full_name_and_wipe_show(ready):
    name = "Custody North laptop 12 - the spare one in the cupboard"
    device_id = _a_device(ready, name)
    args = ("revoke-device", "--device-id", device_id, "--reason", "lost on a train")
    code, out = ready(*args, stdin="no\n")
    assert code == 2 and name in out and "not revoked" in out
    assert "active" in ready("list-devices")[1]
    assert ready(*args, stdin="yes\n")[0] == 0
    listed = ready("list-devices")[1]
    assert name in listed and "not yet wiped" in listed


def test_the_audit_log_can_be_filtered(ready):
    ready("issue-enrolment-code", "--team", "Custody North")
    ready("disable-worker", "--username", "ann")
    everything = ready("audit-log")[1]
    assert "team.created" in everything and "worker.disabled" in everything
    only = ready("audit-log", "--event", "worker.disabled")[1].splitlines()
    assert len(only) == 1 and "worker.disabled" in only[0]
    by_ann = ready("audit-log", "--worker", "ann")[1]
    assert "worker.created" in by_ann and "team.created" not in by_ann
    assert ready("audit-log", "--event", "enrolment_code.")[1].count("enrolment_code") == 1
    assert ready("audit-log", "--since", "2999-01-01")[1] == ""
    assert ready("audit-log", "--person-id", "nobody")[1] == ""


@pytest.mark.postgres
def test_a_missing_postgres_database_is_one_sentence(postgres_admin_url, tmp_path, capsys):
    url = sa.engine.make_url(postgres_admin_url).set(database="insideout_not_made_yet")
    code = server_main(["admin", "--database-url", url.render_as_string(hide_password=False),
                        "--data-dir", str(tmp_path), "list-teams"])
    err = capsys.readouterr().err
    assert code == 2
    assert "'insideout_not_made_yet' does not exist" in err and "createdb" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_the_migration_lowers_usernames_and_refuses_clashes(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = server_db.make_engine(url)
    server_db.migrate(engine, "0013")
    insert = sa.text("INSERT INTO workers (id, username, display_name, role, password_hash, "
                     "created_at) VALUES (:i, :u, :u, 'admin', 'x', CURRENT_TIMESTAMP)")
    with engine.begin() as conn:
        conn.execute(insert, [{"i": "1", "u": "Ann"}, {"i": "2", "u": "ann"},
                              {"i": "3", "u": "Bob"}])
    with pytest.raises(RuntimeError, match=r"differ only in case cannot both be kept.*: ann"):
        server_db.migrate(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM workers WHERE id = '1'"))
    server_db.migrate(engine)
    with engine.connect() as conn:
        assert set(conn.scalars(sa.select(Worker.username))) == {"ann", "bob"}
    engine.dispose()
