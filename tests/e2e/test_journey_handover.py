"""The journey through custody, prison and release, over a real server process and three
real encrypted laptop stores: each team records what happens in its setting, hands the
person over on purpose, and the receiving team takes them on. Nobody starts again, and
nothing one team recorded is lost at the gate."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.journey.kinds import Kind, Setting
from app.domain.journey.required_assessment import RaStage
from app.services import consent, handover, journey, people
from app.services.caseload import caseload
from app.services.journey import EventInput
from app.services.sync import sync_now
from app.services.views import PersonInput
from sync.server import db as server_db
from sync.server.models import SyncRow
from tests.e2e.conftest import PASSWORD

pytestmark = pytest.mark.slow

TODAY = date.today()


@pytest.fixture(autouse=True)
def _today() -> None:
    """The day the test runs, not the day the module was imported: a run that crosses
    midnight compares with the app's own date.today()."""
    global TODAY
    TODAY = date.today()


def _record(session, person_id: str, kind: Kind, place: str = "", on: date | None = None,
            **details) -> None:
    journey.record_event(session=session, person_id=person_id, today=TODAY,
                         typed=EventInput(kind, on or TODAY, place, details))


def _hand_over(laptop, person_id: str, team: str, reason: str) -> bool:
    """Returns whether the handover had to wait a sync for the person to go up first."""
    teams = {t.name: t.team_id for t in handover.teams(session=laptop.session,
                                                        password=PASSWORD)}
    handover.request_handover(session=laptop.session, person_id=person_id,
                              to_team_id=teams[team], reason=reason, today=TODAY)
    first = sync_now(session=laptop.session)
    assert first.refused == []
    if first.waiting:  # the person went up in this same sync: the handover follows
        assert "new in this sync" in " ".join(first.waiting)
        assert sync_now(session=laptop.session).refused == []
    return bool(first.waiting)


def _take_on(laptop, person_id: str) -> None:
    sync_now(session=laptop.session)
    [inbound] = [h for h in handover.waiting(session=laptop.session, today=TODAY)
                 if h.entry.handover.person_id == person_id]
    assert inbound.inbound and inbound.entry.state == "open"
    handover.accept_handover(session=laptop.session, handover_id=inbound.entry.handover.id)
    assert sync_now(session=laptop.session).refused == []


def _server_events(server, person_id: str) -> set[str]:
    engine = server_db.make_engine(server.database_url)
    try:
        with server_db.session_factory(engine)() as session:
            return set(session.scalars(SyncRow.__table__.select().with_only_columns(
                SyncRow.row_id).where(SyncRow.table_name == "journey_events",
                                      SyncRow.person_id == person_id)))
    finally:
        engine.dispose()


def test_custody_to_prison_to_the_community_nobody_starts_again(enrol, server):
    server.admin("create-team", "--name", "Harlow Community", "--agency",
                 "treatment_provider")
    server.admin("create-worker", "--team", "Harlow Community", "--username", "cat",
                 "--display-name", "Cat", "--password-stdin", stdin=PASSWORD + "\n")
    custody, prison = enrol("ann", "Custody North"), enrol("bob", "Prison In-Reach")
    community = enrol("cat", "Harlow Community")

    # Custody: arrest, a positive test, the initial Required Assessment notice.
    person = people.create_person(session=custody.session, person=PersonInput(
        given_name="Darren", family_name="Smith", date_of_birth="23/11/1984", sex="1")).id
    consent.give_consent(session=custody.session, person_id=person, agency="prison")
    _record(custody.session, person, Kind.ARREST, "Harlow", offence="burglary",
            trigger_offence=True)
    _record(custody.session, person, Kind.DRUG_TEST, "Harlow", opiates="positive",
            cocaine="negative")
    _record(custody.session, person, Kind.RA_NOTICE, "Harlow hub", notice="RA1",
            appointment_on=(TODAY + timedelta(days=3)).isoformat(), appointment_at="10:00")
    # Recorded and handed over offline: the person goes up first, the handover follows.
    assert _hand_over(custody, person, "Prison In-Reach", "transfer")

    # Prison: takes the person on, records reception and the expected release.
    _take_on(prison, person)
    _record(prison.session, person, Kind.PRISON_RECEPTION, "HMP Chelmsford")
    _record(prison.session, person, Kind.EXPECTED_RELEASE,
            release_on=(TODAY + timedelta(days=10)).isoformat())
    assert sync_now(session=custody.session).evicted == 1  # accepted: custody lets go
    assert not _hand_over(prison, person, "Harlow Community", "release")
    in_handover = {h.entry.handover.person_id for h in handover.waiting(
        session=prison.session, today=TODAY)}
    assert person in in_handover  # shown as in handover on the sending side too

    # The community team receives everyone's events at its next sync and accepts.
    _take_on(community, person)
    arrived = journey.journey_of(session=community.session, person_id=person, today=TODAY)
    kinds = [e.kind for e in arrived.events]
    assert kinds == [Kind.ARREST, Kind.DRUG_TEST, Kind.RA_NOTICE, Kind.PRISON_RECEPTION,
                     Kind.EXPECTED_RELEASE]
    assert {e.recorded_by for e in arrived.events} == {"Ann", "Bob"}
    assert arrived.state.setting is Setting.PRISON
    assert arrived.required_assessment.stage is RaStage.INITIAL_BOOKED
    [listed] = caseload(session=community.session)  # derived from the pulled events
    assert (listed.id, listed.setting) == (person, "prison")
    assert listed.next_key_date.endswith("Required Assessment (initial): Harlow hub")

    # Event for event, the server holds what the community laptop holds.
    assert _server_events(server, person) == {e.id for e in arrived.events}
    assert sync_now(session=prison.session).evicted == 1  # accepted: prison lets go too
    assert caseload(session=prison.session) == [] and caseload(session=custody.session) == []
