"""The task list on a laptop: worked out from the record through the store's index, each
decision stored and honoured, and rebuilt after every write that could change it."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from app.domain.appointments import Outcome
from app.domain.journey.kinds import Kind
from app.domain.referrals import ReferralService
from app.domain.tasks import DecisionKind, Rule
from app.services import appointments, journey, referrals, tasks
from app.services.appointments import Booking
from app.services.errors import InvalidInput
from app.services.journey import EventInput
from tests.careplan.helpers import add_person

TODAY = date.today()


@pytest.fixture(autouse=True)
def _today() -> None:
    global TODAY
    TODAY = date.today()


def _court(session, person_id: str, in_days: int) -> None:
    journey.record_event(session=session, person_id=person_id, typed=EventInput(
        Kind.COURT_HEARING, TODAY + timedelta(days=in_days), "Basildon Crown Court",
        {"outcome": "listed"}))


def test_a_court_date_next_week_is_my_task_and_done_takes_it_away(signed_in) -> None:
    person = add_person(signed_in)  # recorded by me: one of my people
    assert [line.task.rule for line in tasks.mine(session=signed_in)] == []
    _court(signed_in, person, 3)

    [line] = tasks.mine(session=signed_in)
    assert (line.task.rule, line.task.due_on, line.person_name) == (
        Rule.COURT, TODAY + timedelta(days=3), "SMITH, Darren")
    assert "Basildon Crown Court" in line.task.what
    assert [t.key for t in tasks.of_person(session=signed_in, person_id=person)] == [
        line.task.key]

    tasks.decide(session=signed_in, task=line.task, kind=DecisionKind.COMPLETED)
    assert tasks.mine(session=signed_in) == []
    assert tasks.team(session=signed_in) == []


def test_a_court_date_a_fortnight_away_is_not_listed_yet(signed_in) -> None:
    person = add_person(signed_in)
    _court(signed_in, person, 14)
    assert tasks.mine(session=signed_in) == []
    # ... and shows once its week comes (the index knows the day it starts to show).
    [line] = tasks.mine(session=signed_in, today=TODAY + timedelta(days=8))
    assert line.task.rule is Rule.COURT


def test_dismissing_needs_a_reason(signed_in) -> None:
    person = add_person(signed_in)
    _court(signed_in, person, 1)
    [line] = tasks.mine(session=signed_in)
    with pytest.raises(InvalidInput) as refused:
        tasks.decide(session=signed_in, task=line.task, kind=DecisionKind.DISMISSED)
    assert "reason" in refused.value.problems
    tasks.decide(session=signed_in, task=line.task, kind=DecisionKind.DISMISSED,
                 reason="Hearing vacated: the CPS dropped the charge")
    assert tasks.mine(session=signed_in) == []


def test_a_missed_appointment_makes_a_follow_up_task_that_is_overdue_next_working_day(
        signed_in) -> None:
    person = add_person(signed_in)
    booked = appointments.book(session=signed_in, person_id=person, booking=Booking(
        TODAY - timedelta(days=7), time(10, 0), "Harlow hub", "Sam Reid", "Key work"))
    [waiting] = tasks.mine(session=signed_in)
    assert waiting.task.rule is Rule.APPOINTMENT_OUTCOME and waiting.task.overdue(TODAY)
    assert tasks.overdue_count(session=signed_in) == 1

    appointments.record_outcome(session=signed_in, appointment_id=booked.id,
                                outcome=Outcome.DID_NOT_ATTEND)
    [follow_up] = tasks.mine(session=signed_in)
    assert follow_up.task.rule is Rule.APPOINTMENT_MISSED


def test_an_unanswered_referral_becomes_a_task_after_fourteen_days(signed_in) -> None:
    person = add_person(signed_in)
    referrals.refer(session=signed_in, person_id=person, service=ReferralService.GP,
                    reason="Not registered with a GP since release",
                    today=TODAY - timedelta(days=20))
    [line] = tasks.mine(session=signed_in)
    assert line.task.rule is Rule.REFERRAL_UNANSWERED



@pytest.mark.parametrize("receiving", [True, False])
def test_a_handover_is_the_receiving_teams_task_naming_the_sending_team(
        signed_in, receiving: bool) -> None:
    from tests.services.test_handover_local import (
        COMMUNITY,
        CUSTODY,
        _enrolled_in,
        _from_server,
    )
    _enrolled_in(signed_in, COMMUNITY if receiving else CUSTODY)
    person = add_person(signed_in)
    _from_server(signed_in, person, "7f0c1f4e-0000-4000-8000-000000000002",
                 accept_by=(TODAY + timedelta(days=2)).isoformat())

    listed = [line.task for line in tasks.team(session=signed_in)]

    if receiving:
        [task] = listed
        assert (task.rule, task.what) == (Rule.HANDOVER,
                                          f"Accept the handover from {CUSTODY['name']}")
    else:  # the team that sent them sees them as in handover, not as work to accept
        assert listed == []


def test_my_list_builds_only_my_peoples_task_digests_the_teams_builds_the_rest(
        signed_in) -> None:
    from app.services import allocation, people
    from app.services.views import PersonInput
    from app.store import task_inputs

    mine = add_person(signed_in)
    theirs = people.create_person(session=signed_in, person=PersonInput(
        given_name="Kayleigh", family_name="Osei", date_of_birth="02/02/1990")).id
    allocation.allocate(session=signed_in, person_id=theirs, worker_id="w-sam",
                        worker_name="Sam Patel")
    _court(signed_in, theirs, 1)
    _court(signed_in, mine, 1)

    assert [line.task.person_id for line in tasks.mine(session=signed_in)] == [mine]
    with signed_in.transaction(read_only=True) as db:
        assert task_inputs.unbuilt(db) == [theirs]  # the window's first count waits on nobody else
    assert {line.task.person_id for line in tasks.team(session=signed_in)} == {mine, theirs}
    with signed_in.transaction(read_only=True) as db:
        assert task_inputs.unbuilt(db) == []
