"""PUT /devices/me/app-version through real HTTP: a laptop says which app version it runs,
with its own token; a change is audited once; a version that is not one is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sync import protocol as p
from sync.server.models import AuditEvent, Device
from tests.server.conftest import API

URL = API + p.APP_VERSION_PATH


def test_a_laptop_reports_its_version_and_a_change_is_audited_once(world):
    device = world.enrol("Custody North")

    for version in ("0.3.1", "0.3.1", "0.4.0"):
        reply = world.client.put(URL, json={"version": version}, headers=device.headers())
        assert reply.status_code == 200, reply.text
        assert reply.json() == {"device_id": device.id, "app_version": version}

    with world.sessions() as s:
        assert s.get(Device, device.id).app_version == "0.4.0"
        changes = s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "device.app_version"))
    assert changes == 2  # 0.3.1 once, then 0.4.0: a repeat changes nothing


@pytest.mark.parametrize("version", ["", "0.3.1; DROP TABLE devices", "x" * 41, "0.3 1"])
def test_a_version_that_is_not_one_is_refused(world, version: str):
    device = world.enrol("Custody North")

    reply = world.client.put(URL, json={"version": version}, headers=device.headers())

    assert reply.status_code == 422, reply.text
    with world.sessions() as s:
        assert s.get(Device, device.id).app_version is None


def test_nothing_is_taken_without_the_laptops_token(world):
    assert world.client.put(URL, json={"version": "0.3.1"}).status_code == 401
