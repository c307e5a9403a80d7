"""Handing a person over, on the laptop: asked for offline, passed on by the server,
accepted by the receiving team, and gone from the sender once they let the person go."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest

from app.services import handover
from app.services.errors import InvalidInput
from app.store.sync.models import SyncState
from app.store.sync.store import EncryptedSyncStore
from sync import protocol as p
from tests.careplan.helpers import add_person
from tests.services.test_set_aside import page, row

CUSTODY = {"team_id": str(uuid.uuid4()), "name": "Harlow custody", "agency": "police"}
COMMUNITY = {"team_id": str(uuid.uuid4()), "name": "Harlow community",
             "agency": "treatment_provider"}
THURSDAY = date(2026, 4, 2)  # before Easter: two working days run to the Wednesday


def _enrolled_in(session, team: dict[str, str]) -> None:
    with session.transaction() as db:
        db.merge(SyncState(key="team_id", value=team["team_id"]))
        db.merge(SyncState(key="team_name", value=team["name"]))
        db.merge(SyncState(key="teams", value=json.dumps([CUSTODY, COMMUNITY])))


def _pending(session) -> list[p.Change]:
    return EncryptedSyncStore(session.open_store).pending_changes(100)


def _from_server(session, person_id: str, handover_id: str, **fields) -> None:
    handed = {"from_team_id": CUSTODY["team_id"], "from_team_name": CUSTODY["name"],
              "to_team_id": COMMUNITY["team_id"], "to_team_name": COMMUNITY["name"],
              "reason": "release", "note": "", "requested_by": "Jo Bloggs",
              "opened_at": "2026-04-02T09:00:00+00:00", "accept_by": "2026-04-08",
              "accepted_at": None, "accepted_by": None, **fields}
    EncryptedSyncStore(session.open_store).apply_page(page(
        [row(p.HANDOVERS_TABLE, person_id, handed, row_id=handover_id)], 10))


def test_a_request_waits_in_the_outbox_and_shows_at_once(signed_in) -> None:
    _enrolled_in(signed_in, CUSTODY)
    person = add_person(signed_in)

    handover.request_handover(session=signed_in, person_id=person, reason="release",
                              to_team_id=COMMUNITY["team_id"], note=" Out on Friday ",
                              today=THURSDAY)

    [sent] = [c for c in _pending(signed_in) if c["table"] == p.HANDOVER_REQUESTS_TABLE]
    assert sent["person_id"] == person and sent["fields"]["to_team_id"] == COMMUNITY["team_id"]
    assert sent["fields"]["note"] == "Out on Friday"
    [waiting] = handover.waiting(session=signed_in, today=THURSDAY)
    assert (waiting.entry.state, waiting.inbound, waiting.entry.to_team_name) == (
        "requested", False, "Harlow community")
    assert waiting.entry.handover.accept_by == date(2026, 4, 8)
    with pytest.raises(InvalidInput, match="already being handed over"):
        handover.request_handover(session=signed_in, person_id=person, reason="move",
                                  to_team_id=COMMUNITY["team_id"], today=THURSDAY)


@pytest.mark.parametrize(("to_team", "reason", "field"), [
    ("", "release", "to_team"),
    (CUSTODY["team_id"], "release", "to_team"),
    (COMMUNITY["team_id"], "holiday", "reason"),
])
def test_a_request_needs_another_known_team_and_a_reason(signed_in, to_team: str,
                                                         reason: str, field: str) -> None:
    _enrolled_in(signed_in, CUSTODY)
    person = add_person(signed_in)

    with pytest.raises(InvalidInput) as refused:
        handover.request_handover(session=signed_in, person_id=person, reason=reason,
                                  to_team_id=to_team)

    assert field in refused.value.problems and _pending(signed_in) == [
        c for c in _pending(signed_in) if c["table"] != p.HANDOVER_REQUESTS_TABLE]


def test_the_receiving_team_accepts_what_the_server_passed_on(signed_in) -> None:
    _enrolled_in(signed_in, COMMUNITY)
    person = add_person(signed_in)
    handover_id = str(uuid.uuid4())
    _from_server(signed_in, person, handover_id)

    [inbound] = handover.waiting(session=signed_in, today=date(2026, 4, 9))
    assert (inbound.inbound, inbound.overdue, inbound.entry.state) == (True, True, "open")
    handover.accept_handover(session=signed_in, handover_id=handover_id)

    [accepted] = [c for c in _pending(signed_in)
                  if c["table"] == p.HANDOVER_ACCEPTANCES_TABLE]
    assert accepted["fields"]["handover_id"] == handover_id
    assert accepted["fields"]["accepted_by"] == "Jo Bloggs"
    assert handover.waiting(session=signed_in) == []


def test_the_sending_team_cannot_accept_its_own_handover(signed_in) -> None:
    _enrolled_in(signed_in, CUSTODY)
    person = add_person(signed_in)
    handover_id = str(uuid.uuid4())
    _from_server(signed_in, person, handover_id)

    with pytest.raises(InvalidInput, match="receiving team"):
        handover.accept_handover(session=signed_in, handover_id=handover_id)


def test_the_sender_forgets_the_handover_with_the_person(signed_in) -> None:
    _enrolled_in(signed_in, CUSTODY)
    person = add_person(signed_in)
    _from_server(signed_in, person, str(uuid.uuid4()),
                 accepted_at="2026-04-03T10:00:00+00:00", accepted_by="Sam")
    evicted = page([], 11) | {"evicted_people": [person]}

    EncryptedSyncStore(signed_in.open_store).apply_page(evicted)

    assert handover.of_person(session=signed_in, person_id=person) == []


def test_the_inbox_lists_a_handover_whose_person_has_not_arrived_yet(signed_in) -> None:
    from app.services.handover_inbox import inbox

    _enrolled_in(signed_in, COMMUNITY)
    _from_server(signed_in, str(uuid.uuid4()), str(uuid.uuid4()))

    [waiting] = inbox(session=signed_in, today=THURSDAY)
    assert waiting.person_name.startswith("Not on this laptop yet")
