"""Push and pull on both backends: idempotent, merged field by field, scoped, resumable."""

import uuid

import pytest

from sync import protocol as p
from sync.protocol.tables import NATURAL_IDS, made_ids, natural_id
from sync.server.services import registry
from tests.server.conftest import API
from tests.sync_rows import required_fields, stamp, stamped


def change(person_id, row_id=None, table="people", base=None, fields=None, append_only=False,
           revision=None, worker="w-1", exact_id=False):
    """`exact_id`: keep `row_id` as given even for an answer, whose id is otherwise made
    from its person and question as a laptop makes it."""
    fields = {**required_fields(table, person_id), **(fields or {})}
    made = made_ids(table, person_id, "", fields)
    if made and row_id not in made and not exact_id:
        row_id = natural_id(person_id, *(str(fields[n]) for n in NATURAL_IDS[table]))
    body = {"change_id": str(uuid.uuid4()), "table": table, "row_id": row_id or person_id,
            "person_id": person_id, "revision_id": revision or str(uuid.uuid4()),
            "base_revision_id": base, "hlc": stamp(str(uuid.UUID(int=2))),
            "worker_id": worker, "append_only": append_only,
            "fields": fields,
            "linkage_key": "AS01011990F"}
    body["content_hash"] = p.content_hash(body)
    return body


TEAM_WORKER = {"Custody North": "ann", "Prison In-Reach": "bob", "Probation Partners": "pat"}


def credential(world, device, username=None) -> tuple[str, str]:
    """(worker id, sync credential) of a worker of the device's team on that device,
    issued as sign-in issues it; kept on the device object for the test's later pushes."""
    from sync.server.models import Worker
    from sync.server.services import credentials

    if username is None:
        team = next(name for name, team_id in world.teams.items() if team_id == device.team_id)
        username = TEAM_WORKER[team]
    held = device.__dict__.setdefault("credentials", {})
    if username not in held:
        with world.sessions.begin() as session:
            worker = session.get_one(Worker, world.workers[username])
            held[username] = (worker.id, credentials.issue(session, worker, device.id))
    return held[username]


def push(world, device, *changes, as_worker=None):
    """Push as a worker of the device's team (`as_worker`: a username), with their sync
    credential; each change is stamped with the device's own clock and that worker."""
    worker_id, token = credential(world, device, as_worker)
    stamped(list(changes), device.id)  # the device's own clock: the server takes no other
    for body in changes:
        body["worker_id"] = worker_id  # not part of the content hash
    reply = world.client.post(f"{API}{p.SYNC_PUSH_PATH}", headers=device.headers(),
                              json={"changes": list(changes),
                                    "credentials": {worker_id: token}})
    assert reply.status_code == 200, reply.text
    return reply.json()["results"]


def pull_all(world, device, cursor=0, limit=500):
    rows, evicted = [], []
    while True:
        reply = world.client.get(f"{API}{p.SYNC_PULL_PATH}", headers=device.headers(),
                                 params={"cursor": cursor, "limit": limit})
        assert reply.status_code == 200, reply.text
        page = reply.json()
        rows += page["rows"]
        evicted += page["evicted_people"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return rows, cursor, evicted


def test_a_team_sees_its_people_and_another_team_does_not(world):
    custody_a, custody_b = world.enrol("Custody North", "a"), world.enrol("Custody North", "b")
    prison = world.enrol("Prison In-Reach")
    person = str(uuid.uuid4())
    [result] = push(world, custody_a, change(person))
    assert (result["status"], result["code"]) == ("applied", 201)
    rows, cursor, _ = pull_all(world, custody_b)
    assert [(r["table"], r["row_id"]) for r in rows] == [("people", person)]
    assert cursor == rows[-1]["seq"]
    assert pull_all(world, prison)[0] == []


def test_a_replay_is_acknowledged_and_a_reused_id_is_refused_without_blocking(world):
    device = world.enrol("Custody North")
    person = str(uuid.uuid4())
    first = change(person)
    push(world, device, first)
    reused = change(person, fields={"given_name": "Someone else"})
    reused["change_id"] = first["change_id"]
    reused["content_hash"] = p.content_hash(reused)
    other = change(str(uuid.uuid4()))
    results = push(world, device, first, reused, other)
    assert [r["status"] for r in results] == ["duplicate", "refused", "applied"]
    assert results[1]["code"] == 409
    rows, _, _ = pull_all(world, device)
    assert sorted(r["row_id"] for r in rows) == sorted([person, other["person_id"]])


def test_a_damaged_change_is_refused_alone(world):
    device = world.enrol("Custody North")
    damaged = change(str(uuid.uuid4()))
    damaged["fields"]["given_name"] = "Tampered"
    good = change(str(uuid.uuid4()))
    results = push(world, device, damaged, good)
    assert [(r["status"], r["code"]) for r in results] == [("refused", 400), ("applied", 201)]


def test_concurrent_edits_merge_field_by_field_and_conflicts_reach_every_device(world):
    a, b = world.enrol("Custody North", "a"), world.enrol("Custody North", "b")
    person = str(uuid.uuid4())
    created = change(person, fields={"given_name": "Ann", "family_name": "Smith", "town": "X"})
    push(world, a, created)
    base = created["revision_id"]
    from_a = change(person, base=base, fields={"given_name": "Anne", "family_name": "Smith",
                                               "town": "Harlow"}, worker="w-a")
    from_b = change(person, base=base, fields={"given_name": "Ann", "family_name": "Smyth",
                                               "town": "Basildon"}, worker="w-b")
    assert push(world, a, from_a)[0]["status"] == "applied"
    [merged] = push(world, b, from_b)
    assert (merged["status"], merged["conflicts"]) == ("merged", 1)
    for device in (a, b):
        rows, _, _ = pull_all(world, device)
        person_row = next(r for r in rows if r["table"] == "people")
        assert {k: person_row["fields"][k] for k in ("given_name", "family_name", "town")} == {
            "given_name": "Anne", "family_name": "Smyth", "town": "Harlow"}
        [conflict] = [r for r in rows if r["table"] == p.CONFLICTS_TABLE]
        assert conflict["fields"]["field"] == "town"
        assert conflict["fields"]["kept_value"] == '"Harlow"'
        assert conflict["fields"]["other_value"] == '"Basildon"'
        assert conflict["fields"]["other_worker"] == world.workers["ann"]  # b's worker


def test_append_only_rows_never_change(world):
    device = world.enrol("Custody North")
    person = str(uuid.uuid4())
    push(world, device, change(person))
    signed = change(person, row_id=str(uuid.uuid4()), table="assessment_history",
                    append_only=True, fields={"new_json": '"stay clean"'})
    assert push(world, device, signed)[0]["status"] == "applied"
    rewrite = change(person, row_id=signed["row_id"], table="assessment_history",
                     append_only=True, base=signed["revision_id"],
                     fields={"new_json": '"rewritten"'})
    [refused] = push(world, device, rewrite)
    assert (refused["status"], refused["code"]) == ("refused", 409)


def test_pages_resume_from_the_cursor_without_gaps(world):
    device = world.enrol("Custody North")
    people = [str(uuid.uuid4()) for _ in range(25)]
    push(world, device, *[change(person) for person in people])
    rows, cursor, _ = pull_all(world, device, limit=7)
    assert [r["row_id"] for r in rows] == people  # every one, once, in push order
    assert pull_all(world, device, cursor=cursor)[0] == []


def test_a_person_moved_to_another_team_leaves_the_old_devices(world):
    custody, prison = world.enrol("Custody North"), world.enrol("Prison In-Reach")
    person = str(uuid.uuid4())
    push(world, custody, change(person))
    _, custody_cursor, _ = pull_all(world, custody)
    other = str(uuid.uuid4())
    push(world, prison, change(other))
    _, prison_cursor, _ = pull_all(world, prison)
    with world.sessions.begin() as session:
        registry.move_person(session, person, world.teams["Prison In-Reach"])
    rows, _, evicted = pull_all(world, custody, cursor=custody_cursor)
    assert evicted == [person] and rows == []
    rows, _, _ = pull_all(world, prison, cursor=prison_cursor)
    assert [r["row_id"] for r in rows] == [person]  # its history arrives at the new team


def test_a_person_cannot_be_moved_to_a_team_that_does_not_exist(world):
    """people.owning_team_id is not a foreign key (migration 0007): the move checks."""
    from sqlalchemy.exc import NoResultFound

    from sync.server.models import Person

    custody = world.enrol("Custody North")
    person = str(uuid.uuid4())
    push(world, custody, change(person))
    with pytest.raises(NoResultFound), world.sessions.begin() as session:
        registry.move_person(session, person, str(uuid.uuid4()))
    with world.sessions() as session:
        assert session.get(Person, person).owning_team_id == world.teams["Custody North"]


def test_a_revoked_device_cannot_sync(world):
    from sync.server.models import Device
    from sync.server.models.base import utcnow

    device = world.enrol("Custody North")
    with world.sessions.begin() as session:
        session.get(Device, device.id).revoked_at = utcnow()
    reply = world.client.get(f"{API}{p.SYNC_PULL_PATH}", headers=device.headers())
    assert reply.status_code == 403
    assert reply.json()["action"] == p.ACTION_DESTROY_LOCAL_KEYS


def test_an_edit_typed_before_a_move_still_arrives_after_it(world):
    """The old team's laptop was offline when the person moved: its edit is accepted
    (not lost), and the laptop is then told to let the person go."""
    custody, prison = world.enrol("Custody North"), world.enrol("Prison In-Reach")
    stranger = world.enrol("Prison In-Reach", "other")
    person = str(uuid.uuid4())
    [created] = push(world, custody, change(person))
    _, cursor, _ = pull_all(world, custody)
    with world.sessions.begin() as session:
        registry.move_person(session, person, world.teams["Prison In-Reach"])
    offline_edit = change(person, base=created["revision_id"],
                          fields={"given_name": "Ann", "family_name": "Smyth"})
    [result] = push(world, custody, offline_edit)
    assert result["status"] == "applied", result
    _, _, evicted = pull_all(world, custody, cursor=cursor)
    assert evicted == [person]
    late = change(person, base=result["revision_id"], fields={"given_name": "Late"})
    [after] = push(world, custody, late)  # told to let go: no longer this team's to change
    assert (after["status"], after["code"]) == ("refused", 403)
    rows, _, _ = pull_all(world, prison)
    assert [r["fields"]["family_name"] for r in rows] == ["Smyth"]  # the new team has it
    # A person who was never this team's stays out of reach.
    theirs = str(uuid.uuid4())
    push(world, stranger, change(theirs))
    [refused] = push(world, custody, change(theirs, fields={"given_name": "X"}))
    assert (refused["status"], refused["code"]) == ("refused", 403)


def test_a_key_longer_than_its_column_matches_nothing(world):
    """PostgreSQL truncates a cast to varchar(n): keys go as text[], or a key of 37
    characters would find the row named by its first 36."""
    from sync.server.models import SyncRow
    from sync.server.storage import bulk

    device = world.enrol("Custody North")
    person = str(uuid.uuid4())
    push(world, device, change(person))
    with world.sessions() as session:
        def found(row_id: str) -> list:
            return bulk.by_keys(session, SyncRow.__table__, ("row_id",),
                                ("table_name", "row_id"), [("people", row_id)])
        assert len(found(person)) == 1
        assert found(person + "x") == []
