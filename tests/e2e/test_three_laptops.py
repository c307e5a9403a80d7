"""Three laptops, a real server process, offline edits, syncs in different orders."""

from __future__ import annotations

import pytest

from app.services import assessment, conflicts, people
from app.services.caseload import caseload
from app.services.sync import DeviceRevoked, sync_now, sync_status
from app.services.views import PersonInput

pytestmark = pytest.mark.slow


def snapshot(session):
    """Everything a worker would compare: people, identifiers, assessment, history, and
    what the caseload shows of them (derived locally from the synced rows)."""
    out = {}
    for person in caseload(session=session):
        record = people.get_person(session=session, person_id=person.id).person
        view = assessment.load_assessment(session=session, person_id=person.id)
        history = assessment.person_history(session=session, person_id=person.id)
        out[person.id] = (record.name, record.identifiers, record.aliases, view.values,
                          sorted((h.section, h.field, str(h.old), str(h.new)) for h in history),
                          (person.risk_level, person.risk_headline, person.last_contact,
                           person.stale_sections))
    return out


def _lee_on_two_laptops(enrol):
    """Two laptops of one team, both holding Lee Walker (created on the first)."""
    a, b = enrol("ann", "Custody North"), enrol("cal", "Custody North")
    lee = people.create_person(session=a.session, person=PersonInput(
        given_name="Lee", family_name="Walker"))
    sync_now(session=a.session)
    sync_now(session=b.session)
    return a, b, lee


def test_offline_edits_on_three_laptops_converge_with_conflicts_everywhere(enrol):
    a, b = enrol("ann", "Custody North"), enrol("cal", "Custody North")
    c = enrol("ann", "Custody North")
    lee = people.create_person(session=a.session, person=PersonInput(
        given_name="Lee", family_name="Walker", date_of_birth="02/03/1990", sex="1"))
    assessment.save_section(session=a.session, person_id=lee.id, section="housing",
                            typed={"accommodation_need": "1", "housing_notes": "tent"})
    sync_now(session=a.session)
    for laptop in (b, c):
        sync_now(session=laptop.session)
        assert [p.id for p in caseload(session=laptop.session)] == [lee.id]

    # All three offline now. Different fields on a and b; the same field on b and c.
    assessment.save_section(session=a.session, person_id=lee.id, section="risk",
                            typed={"overdose_risk": "high"})
    assessment.save_section(session=b.session, person_id=lee.id, section="housing",
                            typed={"housing_notes": "hostel on North Hill"})
    assessment.save_section(session=c.session, person_id=lee.id, section="housing",
                            typed={"housing_notes": "sofa at his sister's"})
    people.create_person(session=c.session, person=PersonInput(
        given_name="Kim", family_name="Offline", date_of_birth="01/01/1980", sex="2"))

    for laptop in (c, a, b, c, a):  # an awkward order on purpose
        sync_now(session=laptop.session)

    states = [snapshot(laptop.session) for laptop in (a, b, c)]
    assert states[0] == states[1] == states[2]
    values = states[0][lee.id][3]
    assert values["risk"]["overdose_risk"] == "high"
    # b and c held Lee already: their caseload digest was rewritten by the pull.
    assert states[0][lee.id][5][0] != "not_assessed"
    assert values["housing"]["housing_notes"] == "sofa at his sister's"  # first to arrive
    assert len(states[0]) == 2
    for laptop in (a, b, c):
        [held] = conflicts.list_conflicts(session=laptop.session)
        assert (held.label, held.current, held.other) == (
            "Housing: Where they are living and with whom", "sofa at his sister's",
            "hostel on North Hill")
        assert held.person_name == "WALKER, Lee" and held.other_worker == "Cal"
        assert sync_status(session=laptop.session).conflicts == 1

    # b resolves by combining both; everyone gets the resolution and the value.
    conflicts.resolve_conflict(session=b.session, conflict_id=held.id,
                               value="hostel on North Hill; sofa at his sister's at weekends")
    for laptop in (b, a, c):
        sync_now(session=laptop.session)
    for laptop in (a, b, c):
        assert conflicts.list_conflicts(session=laptop.session) == []
        values = assessment.load_assessment(session=laptop.session, person_id=lee.id).values
        assert values["housing"]["housing_notes"] == \
            "hostel on North Hill; sofa at his sister's at weekends"
    assert snapshot(a.session) == snapshot(b.session) == snapshot(c.session)


def test_every_value_written_is_current_or_in_history(enrol):
    a, b, lee = _lee_on_two_laptops(enrol)
    written = []
    for n, laptop in enumerate((a, b, a, b)):
        note = f"note {n} from {laptop.session.worker.username}"
        written.append(note)
        assessment.save_section(session=laptop.session, person_id=lee.id, section="housing",
                                typed={"housing_notes": note})
    for laptop in (a, b, a, b):
        sync_now(session=laptop.session)
    history = assessment.person_history(session=a.session, person_id=lee.id)
    seen = {h.new for h in history}
    current = assessment.load_assessment(session=a.session, person_id=lee.id).values
    seen.add(current["housing"]["housing_notes"])
    assert set(written) <= seen


def test_another_team_does_not_receive_the_person(enrol):
    a, prison = enrol("ann", "Custody North"), enrol("bob", "Prison In-Reach")
    people.create_person(session=a.session, person=PersonInput(given_name="Lee",
                                                               family_name="Walker"))
    sync_now(session=a.session)
    sync_now(session=prison.session)
    assert caseload(session=prison.session) == []


def test_a_revoked_laptop_destroys_its_key_wraps(enrol, server):
    from app.services.sync import _state

    a = enrol("ann", "Custody North")
    device_id = _state(a.session, "server_device_id")
    assert sync_status(session=a.session).enrolled
    assert device_id in server.admin("list-devices")  # the server knows this laptop
    server.admin("revoke-device", "--device-id", device_id, "--reason", "stolen from a car",
                 "--yes")
    with pytest.raises(DeviceRevoked, match="revoked"):
        sync_now(session=a.session)
    assert not a.session.is_open
    assert a.device.usernames() == []  # the wraps are gone: the store can never open again
    assert not a.device.takes_new_workers()  # and the sign-in key with them


def test_a_nickname_added_on_one_laptop_is_searchable_on_the_other(enrol):
    """Only the alias row travels (the person row is unchanged): the other laptop must
    still rebuild that person's search entry, and answers alone must not lose it."""
    from app.services.caseload import search_people

    a, b, lee = _lee_on_two_laptops(enrol)
    people.update_person(session=a.session, person_id=lee.id, person=PersonInput(
        given_name="Lee", family_name="Walker", aliases=(("Zebedee", "nickname"),)))
    assessment.save_section(session=a.session, person_id=lee.id, section="housing",
                            typed={"housing_notes": "sofa surfing"})
    assert sync_now(session=a.session).pushed >= 2
    assert sync_now(session=b.session).pulled >= 2
    assert [p.id for p in search_people(session=b.session, text="Zebedee")] == [lee.id]
    assert [p.id for p in search_people(session=b.session, text="Walker")] == [lee.id]


def test_a_contact_recorded_on_one_laptop_shows_in_the_others_caseload(enrol):
    """A page holding only a contact row must still refresh the caseload's last contact."""
    a, b, lee = _lee_on_two_laptops(enrol)
    [before] = caseload(session=b.session)
    assert before.last_contact == ""
    assessment.record_contact(session=a.session, person_id=lee.id, setting="custody")
    assert sync_now(session=a.session).pushed == 1  # the contact alone travels
    sync_now(session=b.session)
    [after] = caseload(session=b.session)
    assert after.last_contact.endswith("custody")


def test_a_backlog_pushed_two_batches_at_a_time_arrives_whole_and_in_order(enrol):
    """Small batches, so a person's rows straddle batch boundaries, through the real
    encrypted outbox (paging past the batches in flight) and a real server: every row
    arrives, none refused, and the other laptop ends up identical. (This SQLite server
    takes one write at a time, so it cannot show the ordering rule; the controlled
    server in tests/sync_client/test_engine_push.py does.)"""
    from app.services.sync import credentials_for, transport_for
    from app.store.sync.store import EncryptedSyncStore
    from sync.client.engine import SyncEngine, SyncReport

    a, b = enrol("ann", "Custody North"), enrol("cal", "Custody North")
    for n in range(6):
        person = people.create_person(session=a.session, person=PersonInput(
            given_name=f"Backlog{n}", family_name="Walker", date_of_birth=f"0{n + 1}/03/1990",
            sex="1", aliases=((f"Alias{n}", "alias"),)))
        assessment.save_section(session=a.session, person_id=person.id, section="housing",
                                typed={"accommodation_need": "1", "housing_notes": f"n{n}"})
        assessment.record_contact(session=a.session, person_id=person.id, setting="custody")
    store = EncryptedSyncStore(a.session.open_store)
    backlog = store.counts()["pending"]
    assert backlog > 30
    # The batch after the ones in flight: those are still pending, at the head.
    assert store.pending_changes(3, skip=4) == store.pending_changes(7)[4:]
    report = SyncReport()
    SyncEngine(store, transport_for(a.session), batch=4,
               credentials=credentials_for(session=a.session)).push(report)
    assert (report.pushed, report.refused) == (backlog, [])
    assert store.counts()["pending"] == 0
    sync_now(session=a.session)
    sync_now(session=b.session)
    assert snapshot(a.session) == snapshot(b.session)
    assert len(snapshot(b.session)) == 6
