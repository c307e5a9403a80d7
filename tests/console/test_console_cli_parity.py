"""What the admin CLI does, done in the console over plain HTTP (SQLite and PostgreSQL):
approving a worker for a laptop ahead (`allow-worker`, IT and a team lead within their
team), handing a person over (`move-person`), flagging overdue handovers, the writes to a
person's record (`record-writes`) and a backup (`backup`). Each for the right role only,
refused without the CSRF token, and audited with the console user as the actor."""

from __future__ import annotations

import sqlite3
import uuid
from contextlib import closing
from datetime import timedelta

from sqlalchemy import select

from sync.server.models import AuditEvent, Handover, Notification, Person, Worker
from sync.server.models.org import KeyRelease
from tests.console.helpers import csrf_of, sign_in
from tests.console.test_console_http import _admin_signed_in
from tests.server.conftest import PASSWORD
from tests.server.test_sync import change, push

CUSTODY, PRISON = "Custody North", "Prison In-Reach"


def _ita(db) -> str:
    return db.scalar(select(Worker.id).where(Worker.username == "ita"))


def _event(db, action: str) -> AuditEvent | None:
    db.expire_all()
    return db.scalar(select(AuditEvent).where(AuditEvent.action == action)
                     .order_by(AuditEvent.id.desc()).limit(1))


def _custody_person(world) -> str:
    person = str(uuid.uuid4())
    [result] = push(world, world.enrol(CUSTODY, "Custody laptop 1"),
                    change(person, fields={"given_name": "Zebedee", "town": "Harlow"}))
    assert result["code"] == 201, result
    return person


# ---- allow-worker ---------------------------------------------------------------------


def test_it_approves_a_worker_for_a_laptop_ahead_of_their_asking(world, client, db):
    device = world.enrol(CUSTODY, name="Pool laptop 5")
    _admin_signed_in(world, client)
    page = client.get("/console/key-releases")
    assert "Approve a worker for a laptop ahead" in page.text and "Pool laptop 5" in page.text
    form = {"device_id": device.id, "worker_id": world.workers["ann"]}
    forged = client.post("/console/key-releases/allow", data={**form, "csrf": "0" * 64})
    assert forged.status_code == 403 and db.get(KeyRelease, (device.id, form["worker_id"])) is None
    done = client.post("/console/key-releases/allow", data={**form, "csrf": csrf_of(page.text)})
    assert done.status_code == 200 and "(ann) is approved ahead for laptop" in done.text
    row = db.get(KeyRelease, (device.id, world.workers["ann"]))
    assert row.state == "approved" and row.requested_at is None
    event = _event(db, "key_release.approved")
    assert event.actor == f"worker:{_ita(db)}" and '"asked":false' in event.detail.replace(" ", "")
    told = db.scalar(select(Notification).where(Notification.kind == "key_release_approved"))
    assert told.team_id == world.teams[CUSTODY]  # the lead hears of IT's decision
    other_team = client.post("/console/key-releases/allow", data={
        "csrf": csrf_of(page.text), "device_id": device.id, "worker_id": world.workers["bob"]})
    assert other_team.status_code == 403 and "the same team" in other_team.text


def test_a_lead_approves_ahead_only_within_their_own_team(world, client, db):
    mine, theirs = world.enrol(CUSTODY, "Pool laptop 6"), world.enrol(PRISON, "Prison laptop")
    sign_in(client, "lee", PASSWORD)
    page = client.get("/console/team")
    assert "Approve a worker for a laptop ahead" in page.text
    assert f'<option value="{world.workers["lee"]}">' not in page.text  # never themselves
    csrf = csrf_of(page.text)
    assert client.post("/console/team/allow", data={
        "device_id": mine.id, "worker_id": world.workers["ann"]}).status_code == 403  # no token
    for device, worker in ((theirs, "ann"), (mine, "bob"), (theirs, "bob"), (mine, "lee")):
        refused = client.post("/console/team/allow", data={
            "csrf": csrf, "device_id": device.id, "worker_id": world.workers[worker]})
        assert refused.status_code == 403, (device, worker)
        assert db.get(KeyRelease, (device.id, world.workers[worker])) is None
    done = client.post("/console/team/allow", data={
        "csrf": csrf, "device_id": mine.id, "worker_id": world.workers["ann"]})
    assert done.status_code == 200 and "(ann) is approved ahead for laptop" in done.text
    assert db.get(KeyRelease, (mine.id, world.workers["ann"])).state == "approved"
    event = _event(db, "key_release.approved")
    assert event.actor == f"worker:{world.workers['lee']}"
    assert client.get("/console/key-releases").status_code == 403  # IT's page


def test_it_cannot_use_a_leads_page(world, client):
    _admin_signed_in(world, client)
    page = client.get("/console/key-releases")
    reply = client.post("/console/team/allow", data={"csrf": csrf_of(page.text),
                                                     "device_id": "x", "worker_id": "y"})
    assert reply.status_code == 403 and "For team leads only" in reply.text


# ---- move-person and overdue handovers -----------------------------------------------


def test_it_hands_a_person_over_to_another_team(world, client, db):
    person = _custody_person(world)
    _admin_signed_in(world, client)
    found = client.get("/console/handovers", params={"person_id": person})
    assert found.status_code == 200 and "Now Custody North's" in found.text
    assert "What happens" in found.text and "keeps reading the record" in found.text
    assert "Zebedee" not in found.text  # nothing of the record itself
    form = {"person_id": person, "to_team_id": world.teams[PRISON], "reason": "release",
            "note": "Released Friday: meet at the gate"}
    assert client.post("/console/handovers", data=form).status_code == 403  # no token
    db.expire_all()
    assert db.get(Person, person).owning_team_id == world.teams[CUSTODY]
    done = client.post("/console/handovers", data={**form, "csrf": csrf_of(found.text)})
    assert done.status_code == 200 and "is handed over from Custody North to Prison" in done.text
    db.expire_all()
    assert db.get(Person, person).owning_team_id == world.teams[PRISON]
    handover = db.scalar(select(Handover).where(Handover.person_id == person))
    assert handover.reason == "release" and handover.requested_by == "IT (Ita Admin)"
    event = _event(db, "handover.opened")
    assert event.actor == f"worker:{_ita(db)}" and event.person_id == person
    assert '"via":"console"' in event.detail.replace(" ", "")
    again = client.post("/console/handovers", data={**form, "csrf": csrf_of(found.text),
                                                    "to_team_id": world.teams[CUSTODY]})
    assert again.status_code == 409 and "already" in again.text  # one open at a time
    assert "Handovers not yet accepted" in done.text and person in done.text


def test_handing_over_refuses_an_unknown_person_and_a_lead(world, client):
    _admin_signed_in(world, client)
    unknown = client.get("/console/handovers", params={"person_id": str(uuid.uuid4())})
    assert unknown.status_code == 404 and "No person with that id" in unknown.text
    client.cookies.clear()
    sign_in(client, "lee", PASSWORD)
    assert client.get("/console/handovers").status_code == 403


def test_it_flags_overdue_handovers_to_both_leads(world, client, db):
    person = _custody_person(world)
    _admin_signed_in(world, client)
    page = client.get("/console/handovers", params={"person_id": person})
    client.post("/console/handovers", data={"csrf": csrf_of(page.text), "person_id": person,
                                            "to_team_id": world.teams[PRISON],
                                            "reason": "move"})
    with world.sessions.begin() as s:  # as if opened a week ago
        handover = s.scalar(select(Handover).where(Handover.person_id == person))
        handover.accept_by -= timedelta(days=7)
    listed = client.get("/console/handovers")
    assert "overdue" in listed.text
    assert client.post("/console/handovers/flag-overdue", data={}).status_code == 403
    done = client.post("/console/handovers/flag-overdue", data={"csrf": csrf_of(listed.text)})
    assert done.status_code == 200 and "1 overdue" in done.text
    told = db.scalars(select(Notification.team_id).where(
        Notification.kind == "handover_overdue")).all()
    assert set(told) == {world.teams[CUSTODY], world.teams[PRISON]}
    assert _event(db, "console.overdue_handovers_flagged").actor == f"worker:{_ita(db)}"


# ---- record-writes --------------------------------------------------------------------


def test_it_sees_every_write_to_a_persons_record_without_its_content(world, client, db):
    person = _custody_person(world)
    _admin_signed_in(world, client)
    page = client.get("/console/record-writes", params={"person_id": person})
    assert page.status_code == 200
    assert "<code>people</code>" in page.text and "applied" in page.text
    assert "ann (ann)" in page.text and "Custody laptop 1" in page.text
    assert "Zebedee" not in page.text and "Harlow" not in page.text
    event = _event(db, "console.record_writes_viewed")
    assert event.actor == f"worker:{_ita(db)}" and event.person_id == person
    unknown = client.get("/console/record-writes", params={"person_id": str(uuid.uuid4())})
    assert unknown.status_code == 404 and "Nothing is known" in unknown.text
    client.cookies.clear()
    sign_in(client, "lee", PASSWORD)
    assert client.get("/console/record-writes", params={"person_id": person}).status_code == 403


def test_the_audit_trail_searches_by_person(world, client):
    person = _custody_person(world)
    _admin_signed_in(world, client)
    client.get("/console/record-writes", params={"person_id": person})
    found = client.get("/console/audit", params={"person": person})
    assert "console.record_writes_viewed" in found.text
    assert "console.totp_enrolled" not in found.text  # about nobody


# ---- backup ---------------------------------------------------------------------------


def test_it_backs_up_a_sqlite_database_or_is_told_to_use_pg_dump(world, client, db, settings):
    _admin_signed_in(world, client)
    page = client.get("/console/backup")
    assert page.status_code == 200
    assert client.post("/console/backup", data={}).status_code == 403  # no token
    folder = settings.data_dir / "backups"
    done = client.post("/console/backup", data={"csrf": csrf_of(page.text)})
    if not settings.database_url.startswith("sqlite"):
        assert "pg_dump" in page.text and "Back up now" not in page.text
        assert done.status_code == 422 and "pg_dump" in done.text
        assert not folder.exists() and _event(db, "console.backup_written") is None
        return
    assert done.status_code == 200 and "Backed up:" in done.text
    [written] = folder.glob("insideout-*.sqlite3")
    assert str(written) in done.text and not list(folder.glob("*.partial"))
    assert written.stat().st_mode & 0o077 == 0  # the server's account only
    with closing(sqlite3.connect(written)) as copy:  # what was committed (not this test's)
        tables = {r[0] for r in copy.execute("select name from sqlite_master")}
        assert {"teams", "workers", "audit_events", "alembic_version"} <= tables
    event = _event(db, "console.backup_written")
    assert event.actor == f"worker:{_ita(db)}" and written.name in event.detail
    assert written.name in client.get("/console/backup").text  # listed
    client.cookies.clear()
    sign_in(client, "lee", PASSWORD)
    assert client.get("/console/backup").status_code == 403


# ---- the map ------------------------------------------------------------------------


def test_every_cli_command_has_a_row_in_the_consoles_map():
    """docs/CONSOLE.md, "Every CLI command in the console": a command added to the CLI
    without saying where it is in the console (or why it is not) fails here."""
    import re
    from pathlib import Path

    from sync.server import cli

    doc = (Path(__file__).parents[2] / "docs" / "CONSOLE.md").read_text(encoding="utf-8")
    table = doc.split("## Every CLI command in the console", 1)[1].split("\n## ", 1)[0]
    rows = set(re.findall(r"^\| `([a-z-]+)`", table, flags=re.MULTILINE))
    assert rows == {*cli.COMMANDS, "verify-audit"}
