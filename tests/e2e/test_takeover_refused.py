"""The outside review's critical finding, replayed through real HTTP against a real
server process, on SQLite and on PostgreSQL: an enrolled laptop of another team must not
be able to re-parent, read, overwrite or squat another team's person.

The attack as found: look the person up (initials, date of birth and sex give their id),
then push their rows' ids (a person's row id is the person id; an answer's is a uuid5 of
the person id and the question) under a person id the attacker makes up. The server
found rows by (table, row id) alone, so the rows moved into the attacker's scope.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from app.store.assessment_repo import answer_id, natural_id
from sync import protocol as p
from sync.client.transport import HttpTransport
from tests.e2e.conftest import PASSWORD, Server
from tests.e2e.fixtures_faults import start_server
from tests.sync_rows import required_fields, stamp

LINKAGE = "ZQ14031985M"
SALT = uuid.uuid4().hex  # the person's own, made by the laptop that recorded them
SECRET = {"given_name": "Zebedee", "family_name": "Quartermaine", "phone": "07700 900123",
          "address_line1": "14 Secret Lane", "id_salt": SALT}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_server(request, tmp_path) -> Iterator[Server]:
    url = request.getfixturevalue("fresh_postgres_database") if request.param == "postgresql" \
        else None
    srv = start_server(tmp_path / "server", url)
    yield srv
    srv.stop()


class Laptop:
    """A device enrolled straight through the API, with one worker signed in."""

    def __init__(self, server: Server, team: str, username: str) -> None:
        enrolled = HttpTransport(server.url).enrol(server.enrolment_code(team), username)
        self.device_id = enrolled["device_id"]
        self.http = HttpTransport(server.url, enrolled["device_token"], attempts=1)
        signed = self.http.sign_in(username, PASSWORD)
        self.http.worker_session = signed["session_token"]
        self.worker_id = signed["worker"]["worker_id"]
        self.credential = signed["sync_credential"] or ""

    def change(self, table: str, row_id: str, person_id: str,
               fields: dict[str, Any] | None = None) -> p.Change:
        body: dict[str, Any] = {
            "change_id": str(uuid.uuid4()), "table": table, "row_id": row_id,
            "person_id": person_id, "revision_id": str(uuid.uuid4()),
            "base_revision_id": None, "hlc": stamp(self.device_id),
            "worker_id": self.worker_id, "append_only": False,
            "fields": {**required_fields(table, person_id), **(fields or {})},
            "linkage_key": LINKAGE if table == "people" else None}
        body["content_hash"] = p.content_hash(body)
        return body  # type: ignore[return-value]

    def push(self, *changes: p.Change) -> list[p.ChangeResult]:
        return self.http.push(list(changes), {self.worker_id: self.credential})["results"]

    def pull_all(self) -> list[p.PulledRow]:
        rows, cursor = [], 0
        while True:
            page = self.http.pull(cursor, 500)
            rows += page["rows"]
            cursor = page["next_cursor"]
            if not page["has_more"]:
                return rows


def test_another_team_cannot_take_over_read_or_squat_a_person(any_server):
    custody = Laptop(any_server, "Custody North", "ann")
    victim = str(uuid.uuid4())
    answered = natural_id(victim, "substance", "main")
    assert [r["status"] for r in custody.push(
        custody.change("people", victim, victim, SECRET),
        custody.change("assessment_values", answered, victim,
                       {"section": "substance", "field": "main",
                        "value_json": '"Crack cocaine"'}))] == ["applied", "applied"]

    prison = Laptop(any_server, "Prison In-Reach", "bob")
    [match] = prison.http.lookup(linkage_key=LINKAGE)
    assert match["person_id"] == victim  # the lookup still works: it shows no content
    decoy = str(uuid.uuid4())
    results = prison.push(
        prison.change("people", decoy, decoy, {"given_name": "X", "family_name": "Y"}),
        # the victim's own row, under the decoy
        prison.change("people", victim, decoy, {"given_name": "Taken", "family_name": "Over"}),
        # an answer of theirs, under the decoy: a takeover then, a squat had it been new
        prison.change("assessment_values", answered, decoy,
                      {"section": "substance", "field": "main", "value_json": '"Alcohol"'}),
        # an answer they have not given yet, under the decoy (it would block theirs)
        prison.change("assessment_values", natural_id(victim, "health", "gp"), decoy,
                      {"section": "health", "field": "gp", "value_json": '"Dr Who"'}),
        # a merge folding the victim into the decoy
        prison.change("person_merges", str(uuid.uuid4()), decoy,
                      {"survivor_id": decoy, "merged_id": victim, "merged_by_name": "X",
                       "merged_at": "2026-12-05T00:00:00+00:00"}))
    assert [(r["status"], r["code"]) for r in results] == [
        ("applied", 201), ("refused", 422), ("refused", 403), ("refused", 422),
        ("refused", 403)]  # the squat: an answer's id must be made from its own person

    seen_by_prison = prison.pull_all()
    assert not {victim} & {row["person_id"] for row in seen_by_prison}
    assert all("Zebedee" not in str(row["fields"]) for row in seen_by_prison)
    mine = {(r["table"], r["row_id"]): r for r in custody.pull_all()}
    assert mine[("people", victim)]["fields"]["given_name"] == "Zebedee"
    assert mine[("assessment_values", answered)]["fields"]["value_json"] == '"Crack cocaine"'
    assert mine[("assessment_values", answered)]["person_id"] == victim
    log = any_server.admin("audit-log", "--limit", "20")
    assert log.count("sync.change_refused") == 2  # the takeover and the merge: who, whom
    # The victim's record shows who wrote it, and who reached for it and was refused.
    writes = any_server.admin("record-writes", "--person-id", victim)
    assert writes.count(f"worker:{custody.worker_id} device:") == 2  # ledger: person, answer
    assert writes.count("person.created") == 1  # made on custody's laptop, audited once
    assert writes.count("sync.change_refused") == 2 and prison.worker_id in writes

    # The laptop makes the person's answer ids from their salt, which only devices
    # holding the person have; the server takes it as made from its own person.
    [later] = custody.push(custody.change(
        "assessment_values", answer_id(victim, SALT, "health", "gp"), victim,
        {"section": "health", "field": "gp", "value_json": '"Dr Foster"'}))
    assert (later["status"], later["code"]) == ("applied", 201)
