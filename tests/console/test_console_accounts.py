"""IT's accounts, teams and sync health, and a team lead's approvals, over plain HTTP."""

from __future__ import annotations

from sqlalchemy import select

from sync.server.models import AuditEvent, ConsolePasswordReset, Team, Worker
from tests.console.helpers import csrf_of, sign_in
from tests.console.test_console_http import _admin_signed_in
from tests.server.conftest import PASSWORD

NEW_PASSWORD = "copper kettle lantern meadow"


def test_it_adds_an_account_whose_owner_chooses_the_password(world, client, db):
    _admin_signed_in(world, client)
    page = client.get("/console/workers")
    made = client.post("/console/workers", data={
        "csrf": csrf_of(page.text), "display_name": "Dee Worker", "username": "dee",
        "role": "worker", "team_id": world.teams["Custody North"]})
    assert made.status_code == 200 and "Shown this once" in made.text
    code = made.text.split('id="reset-code">')[1].split("<")[0]
    assert code not in " ".join(db.scalars(select(ConsolePasswordReset.code_hash)))
    client.cookies.clear()
    form = client.get("/console/password")
    weak = client.post("/console/password", data={"csrf": csrf_of(form.text), "username": "dee",
                                                  "code": code, "password": "password123",
                                                  "again": "password123"})
    assert weak.status_code == 422  # the API's password policy, and the code not spent
    done = client.post("/console/password", data={"csrf": csrf_of(form.text), "username": "dee",
                                                   "code": code, "password": NEW_PASSWORD,
                                                   "again": NEW_PASSWORD})
    assert done.status_code == 200 and "Your new password is set" in done.text
    again = client.post("/console/password", data={"csrf": csrf_of(form.text), "username": "dee",
                                                    "code": code, "password": NEW_PASSWORD,
                                                    "again": NEW_PASSWORD})
    assert again.status_code == 401  # once only
    from sync.server.crypto import password_hasher, verify_password

    dee = db.scalar(select(Worker).where(Worker.username == "dee"))
    db.refresh(dee)
    assert verify_password(password_hasher(world.settings), dee.password_hash, NEW_PASSWORD)


def test_it_switches_an_account_off_and_it_can_no_longer_sign_in(world, client, db):
    _admin_signed_in(world, client)
    page = client.get("/console/workers")
    lee = world.workers["lee"]
    client.post(f"/console/workers/{lee}/switch", data={"csrf": csrf_of(page.text),
                                                        "off": "true"})
    db.expire_all()
    assert db.get(Worker, lee).disabled_at is not None
    client.cookies.clear()
    refused = sign_in(client, "lee", PASSWORD)
    assert refused.status_code == 403 and "switched off" in refused.text


def test_it_adds_and_renames_a_team(world, client, db):
    _admin_signed_in(world, client)
    page = client.get("/console/teams")
    client.post("/console/teams", data={"csrf": csrf_of(page.text), "name": "Court Team",
                                        "agency": "treatment_provider"})
    team = db.scalar(select(Team).where(Team.name == "Court Team"))
    taken = client.post(f"/console/teams/{team.id}/rename", data={
        "csrf": csrf_of(page.text), "name": "Custody North"})
    assert taken.status_code == 409 and "exists already" in taken.text
    client.post(f"/console/teams/{team.id}/rename", data={"csrf": csrf_of(page.text),
                                                          "name": "Court North"})
    db.expire_all()
    assert db.get(Team, team.id).name == "Court North"
    assert db.scalar(select(AuditEvent.actor).where(AuditEvent.action == "team.renamed"))


def test_sync_health_names_a_laptop_never_seen(world, client):
    world.enrol("Custody North", name="Spare laptop 7")
    _admin_signed_in(world, client)
    page = client.get("/console/health", params={"days": 3})
    assert page.status_code == 200 and "Not seen for 3 days" in page.text
    assert "Spare laptop 7" in page.text


def test_a_lead_approves_a_colleague_for_a_laptop(world, client, db):
    from sync.server.models.org import KeyRelease

    device = world.enrol("Custody North", name="Pool laptop 2")
    sign_in(client, "lee", PASSWORD)
    page = client.get("/console/team")
    assert "Pool laptop 2" in page.text and "Nobody is waiting" in page.text
    client.post("/console/team/key-releases", data={
        "csrf": csrf_of(page.text), "device_id": device.id, "worker_id": world.workers["ann"],
        "decision": "approve"})
    row = db.get(KeyRelease, (device.id, world.workers["ann"]))
    assert row is not None and row.state == "approved"


def test_sync_health_counts_a_conflict_waiting(world, client):
    """The conflict's record is sealed at rest: the page opens it to see it is unresolved."""
    import uuid

    from tests.server.test_sync import change, push

    a, b = world.enrol("Custody North", "a"), world.enrol("Custody North", "b")
    person = str(uuid.uuid4())
    created = change(person, fields={"given_name": "Ann", "family_name": "Smith", "town": "X"})
    push(world, a, created)
    base = created["revision_id"]
    push(world, a, change(person, base=base, fields={"given_name": "Ann",
                                                     "family_name": "Smith", "town": "Harlow"}))
    push(world, b, change(person, base=base, fields={"given_name": "Ann",
                                                     "family_name": "Smith", "town": "Leigh"}))
    _admin_signed_in(world, client)
    page = client.get("/console/health")
    waiting = page.text.split('id="f-conflicts">')[1].split('class="figure">')[1].split("<")[0]
    assert waiting == "1"


def test_it_cancels_an_unused_code_and_refuses_a_laptop_for_a_worker(world, client, db):
    from sync.server.models import EnrolmentCode
    from sync.server.models.org import KeyRelease

    device = world.enrol("Custody North", name="Pool laptop 4")
    with world.sessions.begin() as s:  # ann asked for the laptop's key (escrow.withhold)
        s.add(KeyRelease(device_id=device.id, worker_id=world.workers["ann"], state="pending"))
    _admin_signed_in(world, client)
    page = client.get("/console/devices")
    issued = client.post("/console/devices/codes", data={
        "csrf": csrf_of(page.text), "team_id": world.teams["Custody North"], "hours": "2"})
    assert issued.status_code == 200
    # The only unused code: world.enrol spent its own.
    code_id = db.scalar(select(EnrolmentCode.id).where(EnrolmentCode.used_at.is_(None)))
    client.post(f"/console/devices/codes/{code_id}/cancel", data={"csrf": csrf_of(page.text)})
    db.expire_all()
    assert db.get(EnrolmentCode, code_id).cancelled_at is not None
    asks = client.get("/console/key-releases")
    assert "Pool laptop 4" in asks.text
    client.post("/console/key-releases", data={
        "csrf": csrf_of(asks.text), "device_id": device.id, "worker_id": world.workers["ann"],
        "decision": "refuse"})
    assert db.get(KeyRelease, (device.id, world.workers["ann"])).state == "refused"
