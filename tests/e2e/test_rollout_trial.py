"""The rollout trial through a real server process, its admin CLI and a real laptop store:
a refused enrolment spends nothing; a revoked laptop says why and reports its wipe."""

from __future__ import annotations

import pytest

import main
from app.config import resolve_paths
from app.services.errors import SignInRefused
from app.services.sync import _state, sync_now
from app.store.keys import KdfParams
from sync.client.transport import DeviceRevoked
from tests.e2e.conftest import PASSWORD


def _device_service(tmp_path, name: str):
    return main.build_device_service(resolve_paths(tmp_path / name), kdf=KdfParams.fast_for_tests())


def test_a_wrong_password_or_team_leaves_the_code_for_the_right_worker(server, tmp_path):
    code = server.enrolment_code("Custody North")
    attempts = (("ann", "not the password, sorry", "Wrong username or password."),
                ("bob", PASSWORD, "not in the team this code is for"))
    for username, password, said in attempts:
        with pytest.raises(SignInRefused, match=said) as refused:
            _device_service(tmp_path, f"try-{username}").enrol(
                server_url=server.url, code=code, device_name="Custody North laptop 4",
                username=username, password=password)
        assert "(401)" not in str(refused.value) and "(403)" not in str(refused.value)
    assert "Custody North laptop 4" not in server.admin("list-devices")  # no ghost device
    session = _device_service(tmp_path, "right").enrol(
        server_url=server.url, code=code, device_name="Custody North laptop 4 (spare)",
        username="ann", password=PASSWORD)
    assert session.worker.username == "ann"
    assert "Custody North laptop 4 (spare)" in server.admin("list-devices")  # in full
    session.close()


def test_a_revoked_laptop_says_why_and_its_wipe_shows_in_list_devices(enrol, server):
    laptop = enrol("ann", "Custody North")
    device_id = _state(laptop.session, "server_device_id")
    server.admin("revoke-device", "--device-id", device_id, "--reason",
                 "left on the 17:42 to Colchester", "--yes")
    with pytest.raises(DeviceRevoked) as revoked:
        sync_now(session=laptop.session)
    assert "left on the 17:42 to Colchester" in str(revoked.value)
    assert "left on the 17:42 to Colchester" in laptop.device.revocation_text()
    row = next(line for line in server.admin("list-devices").splitlines() if device_id in line)
    assert "revoked " in row and ", wiped " in row
    assert "device.wiped" in server.admin("audit-log", "--event", "device.wiped")
