"""GET /team/devices through HTTP (the app in this test's transaction, on SQLite and
PostgreSQL): a team lead, signed in, is told their own team's laptops, with who has used
each, when it was last seen and whether it is revoked, so they can pick the laptop of a
worker who forgot their password; a worker and another team's lead are not; and the
laptop's transport reads it, and recovers a key with it."""

from __future__ import annotations

import base64

from sync import protocol as p
from sync.server.services import org
from tests.server.conftest import API
from tests.server.test_team_workers import _transport

URL = API + p.TEAM_DEVICES_PATH


def _listed(world, headers: dict[str, str]) -> list[dict]:
    reply = world.client.get(URL, headers=headers)
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_a_lead_sees_the_teams_laptops_with_who_used_them(world):
    anns = world.enrol("Custody North", "Custody North laptop 3")
    world.sign_in(anns, "ann")
    leads = world.enrol("Custody North", "Custody North laptop 1")
    lead = leads.headers(world.sign_in(leads, "lee"))
    world.enrol("Prison In-Reach", "In-reach laptop")

    listed = _listed(world, lead)

    assert [d["name"] for d in listed] == ["Custody North laptop 1", "Custody North laptop 3"]
    by_name = {d["name"]: d for d in listed}
    third = by_name["Custody North laptop 3"]
    assert third["device_id"] == anns.id
    assert third["users"] == [{"worker_id": world.workers["ann"], "username": "ann",
                               "display_name": "ann"}]
    assert [u["username"] for u in by_name["Custody North laptop 1"]["users"]] == ["lee"]
    assert third["revoked"] is False and third["revoked_at"] is None
    assert third["last_seen_at"] is not None and third["enrolled_at"]


def test_a_worker_signed_in_twice_is_named_once(world):
    laptop = world.enrol("Custody North")
    world.sign_in(laptop, "ann")
    world.sign_in(laptop, "ann")  # a second credential replaces the first
    lead = laptop.headers(world.sign_in(laptop, "lee"))

    [only] = _listed(world, lead)

    assert [u["username"] for u in only["users"]] == ["ann", "lee"]


def test_a_revoked_laptop_is_listed_last_and_says_so(world):
    lost = world.enrol("Custody North", "A lost laptop")
    kept = world.enrol("Custody North", "Z kept laptop")
    lead = kept.headers(world.sign_in(kept, "lee"))
    with world.sessions.begin() as s:
        org.revoke_device(s, lost.id, reason="left on a train", actor="test")

    listed = _listed(world, lead)

    assert [(d["name"], d["revoked"]) for d in listed] == [("Z kept laptop", False),
                                                           ("A lost laptop", True)]
    assert listed[1]["revoked_at"] is not None


def test_another_teams_lead_sees_only_their_own(world):
    world.enrol("Custody North", "Custody North laptop 3")
    theirs = world.enrol("Prison In-Reach", "In-reach laptop")
    pia = theirs.headers(world.sign_in(theirs, "pia"))

    assert [d["name"] for d in _listed(world, pia)] == ["In-reach laptop"]


def test_a_worker_is_refused_and_nobody_without_a_sign_in(world):
    laptop = world.enrol("Custody North")
    ann = laptop.headers(world.sign_in(laptop, "ann"))

    refused = world.client.get(URL, headers=ann)
    assert refused.status_code == 403
    assert refused.json()["error"] == p.ERR_FORBIDDEN_ROLE
    # The laptop's own token is not a team lead's sign-in.
    assert world.client.get(URL, headers=laptop.headers()).status_code in (401, 403)
    assert world.client.get(URL).status_code == 401


def test_the_transport_lists_the_laptops_and_recovers_a_key(world):
    anns = world.enrol("Custody North", "Custody North laptop 3")
    world.sign_in(anns, "ann")
    key = bytes(range(100, 132))
    stored = world.client.put(f"{API}{p.ESCROW_PATH}", headers=anns.headers(),
                              json={"store_key": base64.b64encode(key).decode()})
    assert stored.status_code == 200, stored.text
    leads = world.enrol("Custody North", "Custody North laptop 1")
    transport = _transport(world, leads, world.sign_in(leads, "lee"))

    laptops = transport.team_devices()
    third = next(d for d in laptops if d["name"] == "Custody North laptop 3")
    recovered = transport.recover_key(third["device_id"], world.workers["ann"],
                                      "Ann forgot her password, phoned at 8 am")

    assert recovered["device_id"] == anns.id
    assert base64.b64decode(recovered["store_key"]) == key
