"""A real laptop tells a real server which app version it runs, at its first sync and not
again until the version changes: IT's list of laptops shows it before an upgrade."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.config import app_version
from app.services.sync import sync_now
from sync.server import db as server_db
from sync.server.models import AuditEvent, Device

pytestmark = pytest.mark.slow


def _server(server, query):
    engine = server_db.make_engine(server.database_url)
    try:
        with server_db.session_factory(engine)() as session:
            return session.scalar(query)
    finally:
        engine.dispose()


def test_the_laptop_reports_its_version_once(enrol, server):
    laptop = enrol("ann", "Custody North")

    for _ in range(2):
        assert sync_now(session=laptop.session).refused == []

    assert _server(server, select(Device.app_version)) == app_version()
    assert _server(server, select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "device.app_version")) == 1
