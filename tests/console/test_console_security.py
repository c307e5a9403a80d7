"""A team lead's voluntary second factor, IT removing one (`reset-second-factor`), partner
accounts (`create-worker --partner-agency`), batches and the whole list of enrolment codes
(`issue-code --count`, `list-codes --all`) and every laptop decision with the key release
policy (`list-key-releases --all`, `key-release`), over plain HTTP."""

from __future__ import annotations

from sqlalchemy import select

from sync.server.models import AuditEvent, ConsoleTotp, EnrolmentCode, Worker
from sync.server.models.org import KeyRelease
from tests.console.helpers import code_now, csrf_of, secret_of, sign_in
from tests.console.test_console_http import _admin_signed_in
from tests.server.conftest import PASSWORD


def _actor_of(db, action: str) -> str | None:
    db.expire_all()
    return db.scalar(select(AuditEvent.actor).where(AuditEvent.action == action)
                     .order_by(AuditEvent.id.desc()).limit(1))


def _lead_turns_on_totp(client) -> bytes:
    sign_in(client, "lee", PASSWORD)
    start = client.get("/console/security/second-factor")
    assert start.status_code == 200 and "Turn on a second factor" in start.text
    secret = secret_of(start.text)
    done = client.post("/console/security/second-factor", data={
        "csrf": csrf_of(start.text), "code": code_now(secret)})
    assert done.status_code == 200 and "Your recovery codes" in done.text
    return secret


def test_a_lead_turns_on_a_second_factor_and_then_signs_in_with_it(world, client, db):
    lee = world.workers["lee"]
    sign_in(client, "lee", PASSWORD)
    page = client.get("/console/security")
    assert page.status_code == 200 and "Off" in page.text
    start = client.get("/console/security/second-factor")
    secret = secret_of(start.text)
    assert secret_of(client.get("/console/security/second-factor").text) == secret  # kept
    forged = client.post("/console/security/second-factor", data={"code": code_now(secret)})
    assert forged.status_code == 403
    wrong = client.post("/console/security/second-factor", data={
        "csrf": csrf_of(start.text), "code": "000000" if code_now(secret) != "000000"
        else "111111"})
    assert wrong.status_code == 401 and "does not match" in wrong.text
    db.expire_all()
    assert db.get(ConsoleTotp, lee).confirmed_at is None  # still off: sign-in unchanged
    done = client.post("/console/security/second-factor", data={
        "csrf": csrf_of(start.text), "code": code_now(secret)})
    assert done.status_code == 200 and done.text.count("<li><code>") == 10
    assert _actor_of(db, "console.totp_enrolled") == f"worker:{lee}"
    assert "On</span> since" in client.get("/console/security").text
    client.cookies.clear()
    pending = sign_in(client, "lee", PASSWORD)
    assert "authenticator code" in pending.text  # the password alone opens nothing now
    assert client.get("/console/team", follow_redirects=False).status_code == 303
    ok = client.post("/console/second-factor", data={"csrf": csrf_of(pending.text),
                                                     "code": code_now(secret, later_steps=1)})
    assert ok.status_code == 200 and "Welcome, lee" in ok.text


def test_it_removes_a_leads_second_factor_but_not_its_own(world, client, db):
    _lead_turns_on_totp(client)
    client.cookies.clear()
    _admin_signed_in(world, client)
    ita = db.scalar(select(Worker.id).where(Worker.username == "ita"))
    lee = world.workers["lee"]
    accounts = client.get("/console/workers")
    assert f"/console/workers/{lee}/second-factor" in accounts.text
    page = client.get(f"/console/workers/{lee}/second-factor")
    assert page.status_code == 200 and "What happens" in page.text
    assert "password alone" in page.text
    assert client.post(f"/console/workers/{lee}/second-factor", data={}).status_code == 403
    db.expire_all()
    assert db.get(ConsoleTotp, lee) is not None
    own = client.get(f"/console/workers/{ita}/second-factor")
    assert own.status_code == 403
    assert client.post(f"/console/workers/{ita}/second-factor",
                       data={"csrf": csrf_of(page.text)}).status_code == 403
    done = client.post(f"/console/workers/{lee}/second-factor",
                       data={"csrf": csrf_of(page.text)})
    assert done.status_code == 200 and "second factor is removed" in done.text
    db.expire_all()
    assert db.get(ConsoleTotp, lee) is None and db.get(ConsoleTotp, ita) is not None
    assert _actor_of(db, "console.second_factor_reset") == f"worker:{ita}"
    client.cookies.clear()
    sign_in(client, "lee", PASSWORD)
    assert client.get("/console/team").status_code == 200  # the password alone again
    assert client.get(f"/console/workers/{lee}/second-factor").status_code == 403  # IT's


def test_it_adds_a_partner_account_with_its_agency(world, client, db):
    _admin_signed_in(world, client)
    page = client.get("/console/workers")
    assert 'value="partner_readonly"' in page.text and 'value="probation"' in page.text
    form = {"csrf": csrf_of(page.text), "display_name": "Pam Probation", "username": "pam",
            "role": "partner_readonly", "team_id": world.teams["Probation Partners"]}
    no_agency = client.post("/console/workers", data=form)
    assert no_agency.status_code == 422 and "reads what that agency" in no_agency.text
    assert 'value="pam"' in no_agency.text  # what was typed is kept
    stray = client.post("/console/workers", data={**form, "role": "worker",
                                                  "partner_agency": "probation"})
    assert stray.status_code == 422 and "only for a partner" in stray.text
    made = client.post("/console/workers", data={**form, "partner_agency": "probation"})
    assert made.status_code == 200 and "Account made" in made.text
    pam = db.scalar(select(Worker).where(Worker.username == "pam"))
    assert (pam.role, pam.partner_agency) == ("partner_readonly", "probation")
    assert "partner (read-only), probation" in client.get("/console/workers").text
    assert client.post("/console/workers", data={**form, "csrf": "0" * 64,
                                                 "username": "pam2"}).status_code == 403
    assert db.scalar(select(AuditEvent.actor).where(
        AuditEvent.action == "worker.created", AuditEvent.worker_id == pam.id)).startswith(
        "worker:")


def test_it_issues_a_batch_of_codes_and_lists_every_code(world, client, db):
    _admin_signed_in(world, client)
    page = client.get("/console/devices")
    batch = client.post("/console/devices/codes", data={
        "csrf": csrf_of(page.text), "team_id": world.teams["Custody North"], "hours": "24",
        "count": "3"})
    assert batch.status_code == 200 and "3 enrolment codes for Custody North" in batch.text
    assert batch.text.count("<svg") == 3 and 'id="enrolment-code-3"' in batch.text
    too_many = client.post("/console/devices/codes", data={
        "csrf": csrf_of(page.text), "team_id": world.teams["Custody North"], "hours": "24",
        "count": "101"})
    assert too_many.status_code == 422
    [first, *_] = db.scalars(select(EnrolmentCode.id).where(EnrolmentCode.used_at.is_(None)))
    client.post(f"/console/devices/codes/{first}/cancel", data={"csrf": csrf_of(page.text)})
    unused = client.get("/console/devices").text
    assert first[:8] not in unused
    every = client.get("/console/devices", params={"codes": "all"}).text
    assert "Every enrolment code" in every and f"{first[:8]}" in every
    assert "<td>cancelled</td>" in every


def test_every_laptop_decision_and_the_policy_are_shown(world, client, db):
    device = world.enrol("Custody North", name="Pool laptop 8")
    with world.sessions.begin() as s:
        s.add(KeyRelease(device_id=device.id, worker_id=world.workers["ann"], state="pending"))
    _admin_signed_in(world, client)
    page = client.get("/console/key-releases")
    assert 'id="policy"><strong>approval</strong>' in page.text.replace("\n", "")
    client.post("/console/key-releases", data={
        "csrf": csrf_of(page.text), "device_id": device.id, "worker_id": world.workers["ann"],
        "decision": "refuse"})
    assert "Nobody is waiting" in client.get("/console/key-releases").text
    every = client.get("/console/key-releases", params={"all": "1"}).text
    assert "Every request and decision" in every and "refused" in every
    assert ">Approve<span" in every and ">Refuse<span" not in every  # the other way only
