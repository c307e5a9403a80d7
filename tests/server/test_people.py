"""Who sees whom: team scope, fetch on purpose, partner consent, break-glass."""

from __future__ import annotations

import json
import uuid

import pytest
import sqlalchemy as sa

from sync import protocol as p
from sync.server.models import AuditEvent
from tests.server.conftest import API, PASSWORD, new_person


def glass_body(reason: str, code: str = "medical_emergency") -> dict[str, str]:
    """A break-glass body: a reason code, the reason in words and the password again."""
    return {"reason_code": code, "reason": reason, "password": PASSWORD}


@pytest.fixture
def custody(world):
    device = world.enrol("Custody North")
    return device, device.headers(world.sign_in(device, "ann"))


@pytest.fixture
def prison(world):
    device = world.enrol("Prison In-Reach")
    return device, device.headers(world.sign_in(device, "bob"))


@pytest.fixture
def probation(world):
    device = world.enrol("Probation Partners")
    return device, device.headers(world.sign_in(device, "pat"))


def _create(world, headers, person):
    reply = world.client.post(f"{API}/people", headers=headers, json=person)
    assert reply.status_code == 201, reply.text
    return person["person_id"]


def _listed(world, headers) -> set[str]:
    reply = world.client.get(f"{API}/people", headers=headers)
    assert reply.status_code == 200, reply.text
    return {row["person_id"] for row in reply.json()["people"]}


def test_a_device_lists_only_its_own_teams_people(world, custody, prison):
    ours = _create(world, custody[1], new_person())
    theirs = _create(world, prison[1], new_person())
    assert _listed(world, custody[1]) == {ours}
    assert _listed(world, prison[1]) == {theirs}


def test_wrong_team_cannot_read_a_person(world, custody, prison):
    theirs = _create(world, prison[1], new_person())
    reply = world.client.get(f"{API}/people/{theirs}", headers=custody[1])
    assert reply.status_code == 403
    assert reply.json()["error"] == p.ERR_NOT_IN_SCOPE


def test_fetch_on_purpose_needs_consent_then_the_person_is_listed(world, custody, prison):
    refused = _create(world, prison[1], new_person({"treatment_provider": False}))
    allowed = _create(world, prison[1], new_person({"treatment_provider": True}))
    reason = {"reason": "transferred from HMP Chelmsford"}
    no = world.client.post(f"{API}/people/{refused}/fetch", headers=custody[1], json=reason)
    assert no.status_code == 403
    assert no.json()["error"] == p.ERR_CONSENT_REQUIRED
    yes = world.client.post(f"{API}/people/{allowed}/fetch", headers=custody[1], json=reason)
    assert yes.status_code == 200
    assert _listed(world, custody[1]) == {allowed}


def test_lookup_finds_other_teams_people_by_identifier_without_content(world, custody, prison):
    theirs = _create(world, prison[1], new_person())
    reply = world.client.post(f"{API}/people/lookup", headers=custody[1],
                              json={"identifier": {"kind": "pnc", "value": "1986/0123456X"}})
    assert reply.status_code == 200
    assert reply.json() == [{"person_id": theirs, "owning_team_id": world.teams["Prison In-Reach"],
                             "linkage_key": "DS07031986M", "team_name": "Prison In-Reach",
                             "consent": False}]


def test_partner_sees_only_people_whose_consent_covers_their_agency(world, custody, probation):
    covered = _create(world, custody[1], new_person({"probation": True}))
    refused = _create(world, custody[1], new_person({"probation": False, "police": True}))
    silent = _create(world, custody[1], new_person())
    assert _listed(world, probation[1]) == {covered}
    for person_id in (refused, silent):
        reply = world.client.get(f"{API}/people/{person_id}", headers=probation[1])
        assert reply.status_code == 403
        assert reply.json()["error"] == p.ERR_CONSENT_REQUIRED
    assert world.client.get(f"{API}/people/{covered}", headers=probation[1]).status_code == 200


def test_withdrawn_consent_hides_the_person_from_the_partner(world, custody, probation):
    person_id = _create(world, custody[1], new_person({"probation": True}))
    withdraw = {"consents": [{"agency": "probation", "granted": False}]}
    reply = world.client.put(f"{API}/people/{person_id}/consents", headers=custody[1],
                             json=withdraw)
    assert reply.status_code == 200
    assert _listed(world, probation[1]) == set()


def test_partner_is_read_only(world, custody, probation):
    person_id = _create(world, custody[1], new_person({"probation": True}))
    create = world.client.post(f"{API}/people", headers=probation[1], json=new_person())
    glass = world.client.post(f"{API}/people/{person_id}/break-glass", headers=probation[1],
                              json=glass_body("I would like to see it please"))
    assert (create.status_code, glass.status_code) == (403, 403)
    assert create.json()["error"] == glass.json()["error"] == p.ERR_FORBIDDEN_ROLE


def test_break_glass_needs_a_reason(world, custody, prison):
    theirs = _create(world, prison[1], new_person())
    reply = world.client.post(f"{API}/people/{theirs}/break-glass", headers=custody[1],
                              json=glass_body("   "))
    assert reply.status_code == 422
    assert reply.json()["fields"][0]["field"] == "body.reason"


def test_break_glass_is_audited_and_reported_to_both_team_leads(world, db, custody, prison):
    theirs = _create(world, prison[1], new_person())
    reason = "collapsed in cell, needs prescribing history"
    reply = world.client.post(f"{API}/people/{theirs}/break-glass", headers=custody[1],
                              json=glass_body(reason))
    assert reply.status_code == 200
    assert theirs in _listed(world, custody[1])
    event = db.scalars(sa.select(AuditEvent).where(AuditEvent.action == "person.break_glass")).one()
    assert (event.worker_id, event.person_id) == (world.workers["ann"], theirs)
    assert json.loads(event.detail)["reason"] == f"medical_emergency: {reason}"
    for team, lead in (("Custody North", "lee"), ("Prison In-Reach", "pia")):
        lead_device = world.enrol(team)
        headers = lead_device.headers(world.sign_in(lead_device, lead))
        notes = world.client.get(f"{API}/team/notifications", headers=headers).json()
        assert [(n["kind"], n["person_id"]) for n in notes] == [("break_glass", theirs)]
        assert reason in notes[0]["detail"]


def test_only_team_leads_read_notifications(world, custody):
    reply = world.client.get(f"{API}/team/notifications", headers=custody[1])
    assert reply.status_code == 403
    assert reply.json()["error"] == p.ERR_FORBIDDEN_ROLE


def test_resending_a_create_is_idempotent_and_a_clash_is_409(world, custody, prison):
    person = new_person()
    _create(world, custody[1], person)
    again = world.client.post(f"{API}/people", headers=custody[1], json=person)
    assert again.status_code == 200
    clash = world.client.post(f"{API}/people", headers=prison[1], json=person)
    assert clash.status_code == 409
    assert clash.json()["error"] == p.ERR_CONFLICT


def test_consent_and_identifiers_that_arrive_by_sync_govern_the_registry(world, custody,
                                                                           prison, probation):
    """The registry is written from synced rows too: a consent row pushed from a laptop
    lets the partner see the person, its withdrawal (a later revision) hides them
    again, and the person row's PNC is what a lookup by identifier finds."""
    from tests.server.test_sync import change, push

    person = str(uuid.uuid4())
    consent = str(uuid.uuid4())
    given = change(person, row_id=consent, table="consents", fields={
        "agency": "probation", "withdrawn_on": None, "deleted": False})
    results = push(world, custody[0], change(person, fields={
        "given_name": "Dee", "family_name": "Stone", "pnc_id": "1986/0123456X"}), given)
    assert [r["status"] for r in results] == ["applied", "applied"]
    assert _listed(world, probation[1]) == {person}
    found = world.client.post(f"{API}/people/lookup", headers=prison[1], json={
        "identifier": {"kind": "pnc", "value": "1986/0123456X"}})
    assert found.status_code == 200, found.text
    assert [m["person_id"] for m in found.json()] == [person]

    withdrawn = change(person, row_id=consent, table="consents", base=given["revision_id"],
                       fields={"agency": "probation", "withdrawn_on": "2026-11-27",
                               "deleted": False})
    [result] = push(world, custody[0], withdrawn)
    assert result["status"] == "applied"
    assert _listed(world, probation[1]) == set()


def test_a_person_brought_in_after_the_cursor_passed_them_arrives_whole(world, custody, prison):
    """The device had synced past the person's rows while they were another team's: the
    break-glass must make its next pull send those rows (and only then look for them)."""
    from tests.server.test_sync import change, pull_all, push

    theirs = str(uuid.uuid4())
    push(world, prison[0], change(theirs))
    rows, cursor, _ = pull_all(world, custody[0])
    assert rows == []
    assert pull_all(world, custody[0], cursor=cursor)[0] == []  # nothing moved: nothing sent
    reply = world.client.post(f"{API}/people/{theirs}/break-glass", headers=custody[1],
                              json=glass_body("collapsed in cell, needs prescribing history"))
    assert reply.status_code == 200
    rows, _, _ = pull_all(world, custody[0], cursor=cursor)
    assert [(r["table"], r["row_id"]) for r in rows] == [("people", theirs)]


def test_a_backfill_whose_reply_was_lost_is_sent_again(world, custody, prison):
    """The device says which scope version it saved; a page it never applied does not
    count as seen, however far the server got."""
    from tests.server.test_sync import change, push

    def pull(cursor, scope_seen):
        reply = world.client.get(f"{API}{p.SYNC_PULL_PATH}", headers=custody[0].headers(),
                                 params={"cursor": cursor, "limit": 500,
                                         **({"scope_seen": scope_seen} if scope_seen is not None
                                            else {})})
        assert reply.status_code == 200, reply.text
        return reply.json()

    theirs = str(uuid.uuid4())
    push(world, prison[0], change(theirs))
    first = pull(0, None)
    cursor, saved = first["next_cursor"], first["scope_version"]
    world.client.post(f"{API}/people/{theirs}/break-glass", headers=custody[1],
                      json=glass_body("collapsed in cell, needs prescribing history"))
    lost = pull(cursor, saved)  # served, but the reply never arrived
    assert [r["row_id"] for r in lost["rows"]] == [theirs]
    again = pull(cursor, saved)
    assert [r["row_id"] for r in again["rows"]] == [theirs]
    assert again["scope_version"] > saved
    assert pull(again["next_cursor"], again["scope_version"])["rows"] == []
