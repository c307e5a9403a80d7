"""A person this laptop's team handed over is read-only here until the other team
accepts: the store refuses the write at once, with a message naming that team, rather
than queueing a change the server will refuse."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.journey.kinds import Kind
from app.services import assessment, handover, journey, people
from app.services.journey import EventInput
from app.services.people import PersonInput
from app.store.sync.handed_away import HandedOverError
from app.store.sync.store import EncryptedSyncStore
from sync import protocol as p
from tests.careplan.helpers import add_person
from tests.services.test_handover_local import (
    COMMUNITY,
    CUSTODY,
    _enrolled_in,
    _from_server,
)


def _outbox(session) -> list[p.Change]:
    return EncryptedSyncStore(session.open_store).pending_changes(500)


def _event(session, person_id: str) -> None:
    journey.record_event(session=session, person_id=person_id, typed=EventInput(
        Kind.TRIAGE_DONE, date.today(), "Harlow hub", {}))


def _hand_over(session, person_id: str) -> None:
    handover.request_handover(session=session, person_id=person_id, reason="release",
                              to_team_id=COMMUNITY["team_id"])


def test_a_handed_over_person_refuses_writes_and_nothing_is_queued(signed_in) -> None:
    _enrolled_in(signed_in, CUSTODY)
    person = add_person(signed_in)
    other = people.create_person(session=signed_in, person=PersonInput(
        given_name="Kayleigh", family_name="Osei", date_of_birth="02/02/1990")).id
    _hand_over(signed_in, person)
    queued = len(_outbox(signed_in))

    with pytest.raises(HandedOverError, match="handed over to Harlow community"):
        _event(signed_in, person)
    with pytest.raises(HandedOverError):
        assessment.save_section(session=signed_in, person_id=person, section="risk",
                                typed={"risk_notes": "carries naloxone"})

    assert len(_outbox(signed_in)) == queued
    assert journey.journey_of(session=signed_in, person_id=person).events == ()
    _event(signed_in, other)  # everyone else as before
    assert len(_outbox(signed_in)) == queued + 1


def test_a_person_handed_to_this_team_stays_writable(signed_in) -> None:
    _enrolled_in(signed_in, COMMUNITY)
    person = add_person(signed_in)
    _from_server(signed_in, person, "7f0c1f4e-0000-4000-8000-000000000001")

    _event(signed_in, person)

    assert len(journey.journey_of(session=signed_in, person_id=person).events) == 1


def test_a_request_the_server_refuses_for_good_gives_the_record_back(signed_in) -> None:
    _enrolled_in(signed_in, CUSTODY)
    person = add_person(signed_in)
    _hand_over(signed_in, person)
    [asked] = [c for c in _outbox(signed_in) if c["table"] == p.HANDOVER_REQUESTS_TABLE]

    EncryptedSyncStore(signed_in.open_store).record_results([{
        "change_id": asked["change_id"], "status": "refused", "code": 409,
        "message": "already handed over", "revision_id": None, "conflicts": 0}])

    _event(signed_in, person)
    assert handover.waiting(session=signed_in) == []
    assert [r.reason for r in EncryptedSyncStore(signed_in.open_store).refused()] == [
        "409: already handed over"]
