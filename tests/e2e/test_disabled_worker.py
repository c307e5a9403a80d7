"""A disabled worker is stopped on every laptop at its next contact (the outside review:
after `disable-worker` that worker still unlocked the laptop offline, and `main.py sync`
still pushed and pulled with exit 0). Real server process, real laptops, real CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.services import people
from app.services.errors import SignInRefused
from app.services.sync import sync_now
from app.services.views import PersonInput
from tests.e2e.conftest import PASSWORD

MAIN = str(Path(__file__).resolve().parents[2] / "main.py")


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, MAIN, "--data-dir", str(data_dir), *args],
                          input=PASSWORD + "\n", capture_output=True, text=True, timeout=120,
                          check=False)


def test_a_disabled_worker_is_stopped_at_the_laptops_next_contact(server, tmp_path, enrol):
    laptop = tmp_path / "laptop"
    enrolled = run(laptop, "enrol", "--server", server.url, "--code",
                   server.enrolment_code("Custody North"), "--username", "ann",
                   "--password-stdin")
    assert enrolled.returncode == 0, enrolled.stderr
    colleague = enrol("cal", "Custody North")
    lee = people.create_person(session=colleague.session, person=PersonInput(
        given_name="Lee", family_name="Walker")).id
    sync_now(session=colleague.session)
    assert run(laptop, "sync", "--username", "ann", "--password-stdin").returncode == 0

    server.admin("disable-worker", "--username", "ann")
    # Ann, still able to unlock offline, records something before the laptop next calls.
    import main
    from app.config import resolve_paths
    from app.store.keys import KdfParams

    device = main.build_device_service(resolve_paths(laptop), kdf=KdfParams.fast_for_tests())
    session = device.sign_in(username="ann", passphrase=PASSWORD)
    people.create_person(session=session, person=PersonInput(given_name="Mo",
                                                             family_name="Offline"))
    session.close()

    synced = run(laptop, "sync", "--username", "ann", "--password-stdin")
    assert synced.returncode == 3, synced.stdout + synced.stderr
    assert "switched off" in synced.stderr
    with pytest.raises(SignInRefused):  # her key wrap is gone: no more offline unlocking
        device.sign_in(username="ann", passphrase=PASSWORD)
    log = server.admin("audit-log", "--limit", "30")
    assert "sync.change_refused" in log  # her change after the switch-off, refused on record
    sync_now(session=colleague.session)
    found = people.find_matches(session=colleague.session, person=PersonInput(
        given_name="Mo", family_name="Offline"))
    assert not found  # her change never reached a colleague's laptop
    assert people.get_person(session=colleague.session, person_id=lee) is not None

    # The colleague's own work on the same laptop goes on (the laptop is not revoked).
    again = run(laptop, "sync", "--username", "ann", "--password-stdin")
    assert again.returncode == 2  # she cannot even unlock it now
