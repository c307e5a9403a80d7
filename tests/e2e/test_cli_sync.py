"""`main.py enrol` and `main.py sync`, headless, as IT runs them, against a real server."""

import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import PASSWORD

MAIN = str(Path(__file__).resolve().parents[2] / "main.py")


def run(data_dir, *args, stdin=PASSWORD + "\n"):
    return subprocess.run([sys.executable, MAIN, "--data-dir", str(data_dir), *args],
                          input=stdin, capture_output=True, text=True, timeout=120, check=False)


def test_enrol_then_sync_headless(server, tmp_path, enrol):
    laptop = tmp_path / "laptop"
    enrolled = run(laptop, "enrol", "--server", server.url, "--code",
                   server.enrolment_code("Custody North"), "--username", "ann",
                   "--device-name", "custody-laptop-7", "--password-stdin")
    assert enrolled.returncode == 0, enrolled.stderr
    assert "enrolled with" in enrolled.stdout
    assert "custody-laptop-7" in server.admin("list-devices", "--team", "Custody North")

    from app.services import people
    from app.services.sync import sync_now
    from app.services.views import PersonInput

    other = enrol("cal", "Custody North")
    people.create_person(session=other.session, person=PersonInput(given_name="Lee",
                                                                   family_name="Walker"))
    sync_now(session=other.session)
    synced = run(laptop, "sync", "--username", "ann", "--password-stdin")
    assert synced.returncode == 0, synced.stderr
    assert "received" in synced.stdout and " 0 received" not in synced.stdout


def test_clear_errors_for_a_bad_code_and_a_wrong_passphrase(server, tmp_path):
    bad = run(tmp_path / "a", "enrol", "--server", server.url, "--code", "AAAAA-BBBBB-CCCCC-DDDDD",
              "--username", "ann", "--password-stdin")
    assert bad.returncode == 2 and "enrol failed" in bad.stderr
    assert not (tmp_path / "a" / "insideout.db").exists()  # nothing half-made is left
    run(tmp_path / "b", "enrol", "--server", server.url, "--code",
        server.enrolment_code("Custody North"), "--username", "ann", "--password-stdin")
    wrong = run(tmp_path / "b", "sync", "--username", "ann", "--password-stdin",
                stdin="not the password\n")
    assert wrong.returncode == 2 and "do not match" in wrong.stderr


def test_sync_with_the_server_down_says_so_and_keeps_the_data(server, tmp_path):
    laptop = tmp_path / "laptop"
    run(laptop, "enrol", "--server", server.url, "--code",
        server.enrolment_code("Custody North"), "--username", "ann", "--password-stdin")
    server.stop()
    down = run(laptop, "sync", "--username", "ann", "--password-stdin")
    assert down.returncode == 3 and "cannot be reached" in down.stderr
