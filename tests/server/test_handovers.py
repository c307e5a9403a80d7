"""Handing a person over between teams, through real HTTP: a laptop pushes a request (or a
worker asks online), the person moves at once, the sending team keeps reading them until
a receiving worker accepts, and a handover not accepted in time is flagged to both leads."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import sqlalchemy as sa

from sync import protocol as p
from sync.protocol.tables import row_problem
from sync.protocol.working_days import handover_accept_by
from sync.server.models import AuditEvent, Handover, Person, SyncRow, Team, utcnow
from sync.server.services import handovers
from tests.server.conftest import API
from tests.server.test_cli import admin  # noqa: F401  (fixture)
from tests.server.test_sync import change, credential, pull_all, push
from tests.sync_rows import NOW, stamp

PRISON, CUSTODY, PROBATION = "Prison In-Reach", "Custody North", "Probation Partners"


def command(person_id: str, table: str, fields: dict, row_id: str | None = None) -> dict:
    """A handover command as a laptop pushes it: append-only, no creation stamp."""
    body = {"change_id": str(uuid.uuid4()), "table": table,
            "row_id": row_id or str(uuid.uuid4()), "person_id": person_id,
            "revision_id": str(uuid.uuid4()), "base_revision_id": None,
            "hlc": stamp(str(uuid.UUID(int=2))), "worker_id": "w", "append_only": True,
            "fields": fields}
    body["content_hash"] = p.content_hash(body)
    return body


def request(world, person_id: str, to_team: str = PRISON, **fields) -> dict:
    return command(person_id, p.HANDOVER_REQUESTS_TABLE, {
        "to_team_id": world.teams.get(to_team, to_team), "reason": "release",
        "note": "Released Friday: meet him at the gate, methadone 60 ml",
        "requested_by": "typed on the laptop", "requested_at": NOW, **fields})


def acceptance(person_id: str, handover_id: str) -> dict:
    return command(person_id, p.HANDOVER_ACCEPTANCES_TABLE, {
        "handover_id": handover_id, "accepted_by": "typed on the laptop",
        "accepted_at": NOW})


def _custody_person(world, custody) -> tuple[str, dict]:
    person = str(uuid.uuid4())
    created = change(person)
    contact = change(person, row_id=str(uuid.uuid4()), table="contacts")
    assert [r["code"] for r in push(world, custody, created, contact)] == [201, 201]
    return person, created


def _handover_rows(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["table"] == p.HANDOVERS_TABLE]


def _events(world, action: str) -> list[AuditEvent]:
    with world.sessions() as session:
        return list(session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_a_request_moves_the_person_and_the_sender_reads_but_cannot_write(world):
    custody, prison = world.enrol(CUSTODY), world.enrol(PRISON)
    offline = world.enrol(CUSTODY, "offline")  # has not synced since before the handover
    person, created = _custody_person(world, custody)
    _, custody_cursor, _ = pull_all(world, custody)
    _, prison_cursor, _ = pull_all(world, prison)
    asked = request(world, person)
    [result] = push(world, custody, asked)
    assert (result["status"], result["code"]) == ("applied", 201), result
    assert "handed over to Prison In-Reach" in result["message"]

    with world.sessions() as session:
        assert session.get_one(Person, person).owning_team_id == world.teams[PRISON]
        handover = session.get_one(Handover, asked["row_id"])
        assert (handover.from_team_id, handover.to_team_id, handover.requested_by,
                handover.requested_by_worker_id) == (
            world.teams[CUSTODY], world.teams[PRISON], "ann", world.workers["ann"])
        assert handover.note_sealed.startswith("r1.")  # sealed, like other free text
        assert handover.accept_by == handover_accept_by(
            handovers.day_in_england(handover.opened_at))
    [opened] = _events(world, "handover.opened")
    assert (opened.worker_id, opened.device_id, opened.person_id) == (
        world.workers["ann"], custody.id, person)
    assert {k: json.loads(opened.detail)[k] for k in ("from_team_id", "to_team_id")} == {
        "from_team_id": world.teams[CUSTODY], "to_team_id": world.teams[PRISON]}

    # The receiving team gets the person, all of theirs, and the handover.
    rows, prison_cursor, _ = pull_all(world, prison, cursor=prison_cursor)
    assert {r["table"] for r in rows} == {"people", "contacts", p.HANDOVERS_TABLE}
    [row] = _handover_rows(rows)
    assert row["row_id"] == asked["row_id"] and row["person_id"] == person
    assert row_problem(p.HANDOVERS_TABLE, row["row_id"], person, row["fields"],
                       append_only=False) is None  # a laptop can store it
    assert row["fields"]["note"] == asked["fields"]["note"]
    assert row["fields"]["requested_by"] == "ann"  # the server's name, not the laptop's
    assert row["fields"]["accepted_at"] is None
    # The sending team keeps the person (no eviction) and gets the handover too.
    rows, custody_cursor, evicted = pull_all(world, custody, cursor=custody_cursor)
    assert evicted == [] and [r["row_id"] for r in _handover_rows(rows)] == [asked["row_id"]]

    # The receiver writes; the sender reads what they write, and may not write.
    [edit] = push(world, prison, change(person, base=created["revision_id"],
                                        fields={"town": "Chelmsford"}))
    assert edit["status"] == "applied", edit
    rows, custody_cursor, evicted = pull_all(world, custody, cursor=custody_cursor)
    assert evicted == [] and [r["fields"]["town"] for r in rows] == ["Chelmsford"]
    [refused] = push(world, custody, change(person, base=edit["revision_id"],
                                            fields={"town": "Basildon"}))
    assert (refused["status"], refused["code"]) == ("refused", 403)
    assert refused["message"] == ("handed over to Prison In-Reach: read only until they "
                                  "accept")
    # An edit typed offline before the handover still arrives.
    [late] = push(world, offline, change(person, row_id=str(uuid.uuid4()), table="contacts"))
    assert late["status"] == "applied", late


def test_only_the_receiving_team_accepts_and_the_sender_then_lets_the_person_go(world):
    custody, prison = world.enrol(CUSTODY), world.enrol(PRISON)
    stale = world.enrol(CUSTODY, "stale")  # has not pulled since the move
    person, _ = _custody_person(world, custody)
    asked = request(world, person)
    push(world, custody, asked)
    _, custody_cursor, _ = pull_all(world, custody)
    _, prison_cursor, _ = pull_all(world, prison)

    for sender in (custody, stale):  # read only; and not theirs to accept anyway
        [refused] = push(world, sender, acceptance(person, asked["row_id"]))
        assert (refused["status"], refused["code"]) == ("refused", 403), refused
    assert "read only" in push(world, custody, acceptance(person, asked["row_id"]))[0][
        "message"]
    assert "only the receiving team" in push(world, stale, acceptance(
        person, asked["row_id"]))[0]["message"]
    [unknown] = push(world, prison, acceptance(person, str(uuid.uuid4())))
    assert (unknown["status"], unknown["code"]) == ("refused", 422)

    accepted = acceptance(person, asked["row_id"])
    [result] = push(world, prison, accepted)
    assert (result["status"], result["code"]) == ("applied", 200), result
    with world.sessions() as session:
        handover = session.get_one(Handover, asked["row_id"])
        assert handover.accepted_at is not None
        assert (handover.accepted_by, handover.accepted_by_worker_id) == (
            "bob", world.workers["bob"])
    [event] = _events(world, "handover.accepted")
    assert (event.worker_id, event.device_id) == (world.workers["bob"], prison.id)

    rows, _, evicted = pull_all(world, custody, cursor=custody_cursor)
    assert evicted == [person] and rows == []  # read access ended
    rows, _, _ = pull_all(world, prison, cursor=prison_cursor)
    [row] = _handover_rows(rows)
    assert row["fields"]["accepted_by"] == "bob" and row["fields"]["accepted_at"]
    # Accepting again changes nothing; the same change again is acknowledged.
    [again] = push(world, prison, acceptance(person, asked["row_id"]))
    assert (again["status"], again["message"]) == ("applied", "already accepted")
    assert push(world, prison, accepted)[0]["status"] == "duplicate"
    # Once accepted, the end of the read access gives back no right to write.
    [refused] = push(world, custody, change(person, row_id=str(uuid.uuid4()),
                                            table="contacts"))
    assert (refused["code"], refused["message"]) == (403, "this person is not your team's "
                                                     "to change")


def test_refused_requests(world):
    custody, prison = world.enrol(CUSTODY), world.enrol(PRISON)
    person, _ = _custody_person(world, custody)
    theirs = str(uuid.uuid4())
    push(world, prison, change(theirs))
    cases = [
        (request(world, theirs), 403, "not your team's"),  # another team's person
        (request(world, str(uuid.uuid4())), 422, "push the person first"),
        (request(world, person, str(uuid.uuid4())), 422, "no such receiving team"),
        (request(world, person, CUSTODY), 422, "Custody North's already"),
        (request(world, person, reason="holiday"), 422, "reason must be one of"),
        (request(world, person, accept_by="2099-01-01"), 422, "no field called 'accept_by'"),
    ]
    results = push(world, custody, *[body for body, _, _ in cases])
    for (_, code, words), result in zip(cases, results, strict=True):
        assert (result["status"], result["code"]) == ("refused", code), result
        assert words in result["message"], result
    # A second open handover for the person is refused, whoever asks.
    asked = request(world, person)
    assert push(world, custody, asked)[0]["code"] == 201
    [second] = push(world, prison, request(world, person, PROBATION))
    assert (second["status"], second["code"]) == ("refused", 409)
    assert "being handed over to Prison In-Reach already" in second["message"]
    # The same change again is acknowledged; the same request under a new change id too.
    assert push(world, custody, asked)[0]["status"] == "duplicate"
    resent = {**asked, "change_id": str(uuid.uuid4())}
    assert push(world, prison, resent)[0]["message"] == "already requested"
    with world.sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Handover)) == 1
    # A server row is never a laptop's to write.
    rows, _, _ = pull_all(world, prison)
    [row] = _handover_rows(rows)
    forged = change(person, row_id=row["row_id"], table=p.HANDOVERS_TABLE,
                    base=row["revision_id"], fields={**row["fields"], "accepted_by": "me"})
    forged["fields"].pop("created_hlc")
    forged["content_hash"] = p.content_hash(forged)
    assert push(world, prison, forged)[0]["code"] == 403


def test_overdue_handovers_are_flagged_to_both_leads_once(world):
    custody, prison = world.enrol(CUSTODY), world.enrol(PRISON)
    person, _ = _custody_person(world, custody)
    asked = request(world, person)
    push(world, custody, asked)
    leads = {name: device.headers(world.sign_in(device, name))
             for name, device in (("lee", world.enrol(CUSTODY, "lead")),
                                  ("pia", world.enrol(PRISON, "lead")))}

    def overdue(lead: str) -> list[dict]:
        reply = world.client.get(f"{API}{p.NOTIFICATIONS_PATH}", headers=leads[lead])
        assert reply.status_code == 200, reply.text
        return [n for n in reply.json() if n["kind"] == "handover_overdue"]

    today = handovers.day_in_england(utcnow())
    for accept_by, expected in ((today, 0), (today - timedelta(days=1), 1)):
        with world.sessions.begin() as session:
            session.get_one(Handover, asked["row_id"]).accept_by = accept_by
        for lead in ("lee", "pia", "lee"):  # listed again: still one, never two
            found = overdue(lead)
            assert len(found) == expected, (accept_by, lead, found)
    [note] = overdue("pia")
    assert note["person_id"] == person and "Custody North to Prison In-Reach" in note["detail"]
    assert len(_events(world, "handover.overdue")) == 1
    # Accepted handovers are never flagged.
    push(world, prison, acceptance(person, asked["row_id"]))
    with world.sessions.begin() as session:
        assert handovers.flag_overdue(session, today=today + timedelta(days=30)) == 0


def test_the_teams_list_for_laptop_roles_only(world):
    laptop = world.enrol(CUSTODY)
    reply = world.client.get(f"{API}{p.TEAMS_PATH}", headers=laptop.headers(
        world.sign_in(laptop, "ann")))
    assert reply.status_code == 200, reply.text
    assert {(t["name"], t["agency"]) for t in reply.json()["teams"]} == {
        (CUSTODY, "treatment_provider"), (PRISON, "treatment_provider"),
        (PROBATION, "probation")}
    assert world.client.get(f"{API}{p.TEAMS_PATH}", headers=laptop.headers()).status_code == 401
    partner = world.enrol(PROBATION)
    refused = world.client.get(f"{API}{p.TEAMS_PATH}", headers=partner.headers(
        world.sign_in(partner, "pat")))
    assert (refused.status_code, refused.json()["error"]) == (403, p.ERR_FORBIDDEN_ROLE)


def test_a_handover_asked_online(world):
    custody, prison = world.enrol(CUSTODY), world.enrol(PRISON)
    person, _ = _custody_person(world, custody)
    _, prison_cursor, _ = pull_all(world, prison)
    ann = custody.headers(world.sign_in(custody, "ann"))
    bob = prison.headers(world.sign_in(prison, "bob"))
    url = f"{API}{p.PEOPLE_PATH}/{person}{p.HANDOVER_SUFFIX}"
    body = {"to_team_id": world.teams[PRISON], "reason": "transfer",
            "note": "Moved to HMP Chelmsford\nwing B", "handover_id": str(uuid.uuid4())}

    def refused(headers: dict, **changes) -> tuple[int, str]:
        reply = world.client.post(changes.pop("url", url), headers=headers,
                                  json={**body, **changes})
        return reply.status_code, reply.json()["error"]

    partner = world.enrol(PROBATION)
    pat = partner.headers(world.sign_in(partner, "pat"))
    assert refused(pat) == (403, p.ERR_FORBIDDEN_ROLE)
    assert refused(bob) == (403, p.ERR_NOT_IN_SCOPE)  # not the prison team's person
    assert refused(ann, to_team_id=str(uuid.uuid4())) == (422, p.ERR_INVALID_REQUEST)
    assert refused(ann, to_team_id=world.teams[CUSTODY]) == (422, p.ERR_INVALID_REQUEST)
    assert refused(ann, reason="holiday") == (422, p.ERR_INVALID_REQUEST)
    assert refused(ann, url=f"{API}{p.PEOPLE_PATH}/{uuid.uuid4()}{p.HANDOVER_SUFFIX}") == (
        404, p.ERR_NOT_FOUND)

    reply = world.client.post(url, headers=ann, json=body)
    assert reply.status_code == 201, reply.text
    view = reply.json()
    assert (view["handover_id"], view["from_team_name"], view["to_team_name"],
            view["requested_by"], view["note"], view["accepted_at"]) == (
        body["handover_id"], CUSTODY, PRISON, "ann", body["note"], None)
    again = world.client.post(url, headers=ann, json=body)  # a lost answer, asked again
    assert (again.status_code, again.json()) == (200, view)
    [event] = _events(world, "handover.opened")
    assert json.loads(event.detail)["via"] == "api" and event.device_id == custody.id

    rows, _, _ = pull_all(world, prison, cursor=prison_cursor)
    [row] = _handover_rows(rows)
    assert row["row_id"] == view["handover_id"]
    assert {k: row["fields"][k] for k in ("note", "accept_by")} == {
        "note": body["note"], "accept_by": view["accept_by"]}
    # The sender reads the person online, and may not change them.
    assert world.client.get(f"{API}{p.PEOPLE_PATH}/{person}", headers=ann).status_code == 200
    consent = world.client.put(f"{API}{p.PEOPLE_PATH}/{person}/consents", headers=ann,
                               json={"consents": [{"agency": "probation", "granted": True}]})
    assert consent.status_code == 403
    assert "read only until they accept" in consent.json()["message"]
    # Another open handover for the person: 409, even for the team that has them now.
    second = refused(bob, to_team_id=world.teams[PROBATION], handover_id=str(uuid.uuid4()))
    assert second == (409, p.ERR_CONFLICT)
    # The receiving laptop accepts it as it accepts a pushed one.
    [result] = push(world, prison, acceptance(person, view["handover_id"]))
    assert result["status"] == "applied", result


def test_a_worker_of_another_team_cannot_push_a_request_as_ours(world):
    """The author is the credential's worker: a laptop role in the laptop's team."""
    custody = world.enrol(CUSTODY)
    person, _ = _custody_person(world, custody)
    worker_id, _token = credential(world, custody)
    body = request(world, person)
    body["hlc"], body["worker_id"] = stamp(custody.id), worker_id
    reply = world.client.post(f"{API}{p.SYNC_PUSH_PATH}", headers=custody.headers(),
                              json={"changes": [body]})  # no credential with it
    assert reply.json()["results"][0]["code"] == p.NOT_VERIFIED
    with world.sessions() as session:
        assert session.get(Handover, body["row_id"]) is None


def test_it_hands_a_person_over_from_the_command_line(admin):  # noqa: F811
    assert admin("create-team", "--name", "Custody North")[0] == 0
    assert admin("create-team", "--name", "Prison In-Reach", "--agency", "prison")[0] == 0
    with admin.engine.begin() as conn:
        teams = dict(conn.execute(sa.select(Team.name, Team.id)).tuples().all())
        person = str(uuid.uuid4())
        conn.execute(sa.insert(Person.__table__).values(
            id=person, owning_team_id=teams["Custody North"], linkage_key="h1:x",
            created_at=utcnow()))
    code, out = admin("move-person", "--person", person, "--team", "Prison In-Reach",
                      "--reason", "transfer", "--note", "moved by the court")
    assert code == 0, out
    assert "handed over from Custody North to Prison In-Reach" in out
    with admin.engine.connect() as conn:
        handover = conn.execute(sa.select(Handover.__table__)).one()
        owner = conn.scalar(sa.select(Person.__table__.c.owning_team_id))
        [row] = conn.execute(sa.select(SyncRow.__table__)).all()
        actions = conn.scalars(sa.select(AuditEvent.__table__.c.action)).all()
    assert (owner, handover.to_team_id, handover.requested_by_worker_id) == (
        teams["Prison In-Reach"], teams["Prison In-Reach"], None)
    assert (row.table_name, row.row_id, row.person_id) == (p.HANDOVERS_TABLE, handover.id,
                                                           person)
    assert "handover.opened" in actions
    # Refusals are messages: a second open handover, an unknown person, an unknown team.
    assert admin("move-person", "--person", person, "--team", "Custody North")[0] == 2
    assert admin("move-person", "--person", str(uuid.uuid4()), "--team", "Custody North") == (
        2, "error: person not found\n")
    assert admin("move-person", "--person", person, "--team", "Nowhere")[0] == 2
    assert admin("flag-overdue-handovers") == (
        0, "0 overdue handover(s) flagged to both teams' leads\n")
