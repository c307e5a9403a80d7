"""The worker's day over a real server and real encrypted laptops: a task closed on one
laptop is closed on every laptop of the team after their next sync, a team lead's
reassignment moves the person into the new worker's My people and My tasks, and a
break-glass access by another team shows on the lead's desk."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from app.domain.journey.kinds import Kind
from app.domain.tasks import DecisionKind, Rule
from app.services import allocation, journey, people, tasks, team_desk
from app.services.caseload import caseload
from app.services.journey import EventInput
from app.services.key_workers import known_workers
from app.services.sync import break_glass, sync_now
from app.services.views import PersonInput
from app.ui.operations import DeskOperations
from app.ui.team_desk import TeamDeskDialog
from tests.e2e.conftest import PASSWORD

pytestmark = pytest.mark.slow

TODAY = date.today()


@pytest.fixture(autouse=True)
def _today() -> None:
    global TODAY
    TODAY = date.today()


def _synced(*laptops) -> None:
    for laptop in laptops:
        report = sync_now(session=laptop.session)
        assert report.refused == [], report.refused


def _rules(lines) -> list[Rule]:
    return [line.task.rule for line in lines]


def test_a_task_done_on_one_laptop_is_done_on_the_others_and_a_reassignment_follows(
        enrol, server):
    server.admin("create-worker", "--team", "Custody North", "--username", "lee",
                 "--display-name", "Lee", "--role", "team_lead", "--password-stdin",
                 stdin=PASSWORD + "\n")
    ann, cal, lead = (enrol("ann", "Custody North"), enrol("cal", "Custody North"),
                      enrol("lee", "Custody North"))
    person = people.create_person(session=ann.session, person=PersonInput(
        given_name="Darren", family_name="Smith", date_of_birth="23/11/1984")).id
    journey.record_event(session=ann.session, person_id=person, today=TODAY, typed=EventInput(
        Kind.COURT_HEARING, TODAY + timedelta(days=2), "Basildon Crown Court",
        {"outcome": "listed"}))
    assert _rules(tasks.mine(session=ann.session)) == [Rule.COURT]
    _synced(ann, cal, lead)

    # Cal is not Darren's key worker: the court date is on the team's list, not hers.
    assert tasks.mine(session=cal.session) == []
    [court] = tasks.team(session=cal.session)
    tasks.decide(session=cal.session, task=court.task, kind=DecisionKind.COMPLETED)
    assert [line.task.key for line in tasks.team(session=lead.session)] == [court.task.key]
    _synced(cal, ann, lead)
    assert tasks.mine(session=ann.session) == []  # closed on Ann's laptop too
    assert tasks.team(session=lead.session) == []  # ... and on the lead's

    # The lead's laptop lists the team as the server does: Cal never used it, holds nobody.
    assert {w.name for w in known_workers(session=lead.session)} == {"Ann", "Cal", "Lee"}

    # The lead gives Darren to Cal: he leaves Ann's My people and joins Cal's.
    allocation.allocate(session=lead.session, person_id=person,
                        worker_id=cal.session.worker.id, worker_name="Cal")
    _synced(lead, cal, ann)
    assert [p.id for p in caseload(session=cal.session, mine_only=True)] == [person]
    assert caseload(session=ann.session, mine_only=True) == []
    journey.record_event(session=ann.session, person_id=person, today=TODAY, typed=EventInput(
        Kind.COURT_HEARING, TODAY + timedelta(days=4), "Basildon Crown Court",
        {"outcome": "listed"}))
    _synced(ann, cal)
    assert _rules(tasks.mine(session=cal.session)) == [Rule.COURT]  # the new date: Cal's
    assert tasks.mine(session=ann.session) == []


def test_a_break_glass_access_shows_on_the_team_leads_desk(qtbot, enrol, server):
    server.admin("create-worker", "--team", "Custody North", "--username", "lee",
                 "--display-name", "Lee", "--role", "team_lead", "--password-stdin",
                 stdin=PASSWORD + "\n")
    ann, bob, lead = (enrol("ann", "Custody North"), enrol("bob", "Prison In-Reach"),
                      enrol("lee", "Custody North"))
    person = people.create_person(session=ann.session, person=PersonInput(
        given_name="Darren", family_name="Smith", date_of_birth="23/11/1984")).id
    _synced(ann, lead)  # no consent to share with the prison: a fetch would be refused

    report = break_glass(session=bob.session, password=PASSWORD, person_id=person,
                         reason_code="risk_to_life",
                         reason="Found unresponsive in his cell; what does he take?")
    assert report.refused == [] and caseload(session=bob.session)[0].id == person

    # On the desk, through the real dialog: the password once, then a red row in words.
    desk = TeamDeskDialog(ops=DeskOperations(lead.session))
    qtbot.addWidget(desk)
    assert desk.password.isEnabled()  # no server sign-in yet this session
    qtbot.keyClicks(desk.password, PASSWORD)
    qtbot.keyClick(desk.check_button, Qt.Key.Key_Space)
    row = desk.notices.topLevelItem(0)
    assert row.text(1) == "Break-glass access  (unread)" and row.text(3) == "SMITH, Darren"
    assert "Found unresponsive" in row.text(4)
    assert row.foreground(1).color().name() == "#a4161a"
    assert not desk.password.isEnabled()  # signed in to the server for this session
    assert [desk.workers.topLevelItem(i).text(0) for i in range(
        desk.workers.topLevelItemCount())][:1] == ["Ann"]  # she holds Darren

    seen = team_desk.notifications(session=lead.session, password=PASSWORD)
    [glass] = [n for n in seen if n.kind == "break_glass"]
    assert glass.urgent and glass.what == "Break-glass access"
    assert "Found unresponsive in his cell" in glass.detail and "Bob" in glass.detail
    assert glass.person_name == "SMITH, Darren"  # named, from the lead's own laptop
    team_desk.mark_read(session=lead.session, notification_id=glass.notification_id)
    assert all(n.notification_id != glass.notification_id for n in team_desk.notifications(
        session=lead.session, unread_only=True))
    [ann_load] = [w for w in team_desk.caseload_by_worker(session=lead.session)
                  if w.name == "Ann"]
    assert (ann_load.people, ann_load.overdue_people) == (1, 0)
