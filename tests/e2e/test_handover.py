"""Custody to prison: find a person known to another team and fetch them, consent allowing;
and a person moved to another team leaves the old laptops at their next sync."""

from __future__ import annotations

import pytest

from app.services import consent, people
from app.services.caseload import caseload
from app.services.sync import ServerRefused, fetch_person, find_elsewhere, sync_now
from app.services.views import PersonInput
from sync.server import db as server_db
from sync.server.services import registry
from tests.e2e.conftest import PASSWORD

pytestmark = pytest.mark.slow


def _custody_person(session, *, consent_prison: bool):
    person = people.create_person(session=session, person=PersonInput(
        given_name="Darren", family_name="Smith", date_of_birth="23/11/1984", sex="1",
        pnc_id="2001/0000001Q"))
    if consent_prison:
        consent.give_consent(session=session, person_id=person.id, agency="prison")
    sync_now(session=session)
    return person


def test_prison_finds_and_fetches_a_custody_person_with_consent(enrol):
    custody, prison = enrol("ann", "Custody North"), enrol("bob", "Prison In-Reach")
    person = _custody_person(custody.session, consent_prison=True)
    sync_now(session=prison.session)  # prison's cursor is past the person's rows already:
    assert caseload(session=prison.session) == []  # they must be sent again once fetched
    [match] = find_elsewhere(session=prison.session, password=PASSWORD, typed="2001/1q")
    assert match.person_id == person.id
    assert find_elsewhere(session=prison.session, password=PASSWORD,
                          typed="DS23111984M")[0].person_id == person.id
    report = fetch_person(session=prison.session, password=PASSWORD, person_id=person.id,
                          reason="remanded to HMP Chelmsford today")
    assert report.pulled > 0
    # The laptop keeps the scope version it applied, and sends it back next cycle.
    from app.store.sync.store import EncryptedSyncStore
    assert EncryptedSyncStore(prison.session.open_store).position()[1] >= 1
    [arrived] = caseload(session=prison.session)
    assert (arrived.id, arrived.family_name) == (person.id, "Smith")
    record = people.get_person(session=prison.session, person_id=person.id)
    assert record.person.identifiers.pnc_id == "2001/0000001Q"  # one record, not re-keyed


def test_no_consent_no_fetch(enrol):
    custody, prison = enrol("ann", "Custody North"), enrol("bob", "Prison In-Reach")
    person = _custody_person(custody.session, consent_prison=False)
    with pytest.raises(ServerRefused, match="consent"):
        fetch_person(session=prison.session, password=PASSWORD, person_id=person.id,
                     reason="remanded to HMP Chelmsford today")
    assert caseload(session=prison.session) == []


def test_a_person_moved_to_another_team_leaves_the_old_laptop(enrol, server):
    custody, prison = enrol("ann", "Custody North"), enrol("bob", "Prison In-Reach")
    person = _custody_person(custody.session, consent_prison=False)
    engine = server_db.make_engine(server.database_url)
    with server_db.session_factory(engine).begin() as session:
        from sync.server.models import Team

        team = session.query(Team).filter_by(name="Prison In-Reach").one()
        registry.move_person(session, person.id, team.id)
    engine.dispose()
    report = sync_now(session=custody.session)
    assert report.evicted == 1
    assert caseload(session=custody.session) == []
    assert people.find_matches(session=custody.session, person=PersonInput(
        given_name="Darren", family_name="Smith", date_of_birth="23/11/1984")) == []
    sync_now(session=prison.session)
    assert [p.id for p in caseload(session=prison.session)] == [person.id]
