"""TOP forms due feed the task list: a treatment start makes "Complete the TOP at
treatment start" a task, recording the form takes it away, and the next review waits
until its window opens."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.journey.kinds import Kind
from app.domain.outcomes.months import add_months
from app.domain.outcomes.top import Days, FormKind, Substance, TopForm
from app.domain.tasks import Rule
from app.services import journey, outcomes, tasks
from app.services.journey import EventInput
from tests.careplan.helpers import add_person

TODAY = date.today()


@pytest.fixture(autouse=True)
def _today() -> None:
    global TODAY
    TODAY = date.today()


def _treatment_started(session, person_id: str, on: date) -> None:
    for kind, details in ((Kind.REFERRAL_RECEIVED, {"source": "63"}), (Kind.TRIAGE_DONE, {})):
        journey.record_event(session=session, person_id=person_id,
                             typed=EventInput(kind, on, "", details))


def _form_tasks(session, today: date | None = None) -> list:
    return [line.task for line in tasks.mine(session=session, today=today or TODAY)
            if line.task.rule is Rule.OUTCOME_FORM]


def test_the_start_form_is_a_task_until_it_is_recorded(signed_in) -> None:
    person = add_person(signed_in)
    started = TODAY - timedelta(days=3)
    _treatment_started(signed_in, person, started)

    [task] = _form_tasks(signed_in)
    assert task.what == "Complete the TOP at treatment start with them"
    assert task.due_on == started and task.overdue(TODAY)

    outcomes.record(session=signed_in, form=TopForm(
        "", person, FormKind.START, TODAY, use={Substance.CRACK: Days(total_given=12)}))
    assert _form_tasks(signed_in) == []
    assert all(t.rule is not Rule.OUTCOME_FORM
               for t in tasks.of_person(session=signed_in, person_id=person))


def test_the_first_review_shows_two_weeks_before_it_falls_due(signed_in) -> None:
    person = add_person(signed_in)
    _treatment_started(signed_in, person, TODAY)
    outcomes.record(session=signed_in, form=TopForm("", person, FormKind.START, TODAY))
    review_due = add_months(TODAY, 3)

    assert _form_tasks(signed_in, review_due - timedelta(days=15)) == []
    [task] = _form_tasks(signed_in, review_due - timedelta(days=14))
    assert (task.what, task.due_on) == ("Complete the TOP review with them", review_due)


def test_a_missed_review_drops_off_when_the_next_opens_with_no_write_between(signed_in):
    """The index is built once, today; seven months on, nothing written since, the list
    asks for the second review, not the first (its window closed when the next opened)."""
    person = add_person(signed_in)
    _treatment_started(signed_in, person, TODAY)
    outcomes.record(session=signed_in, form=TopForm("", person, FormKind.START, TODAY))
    assert _form_tasks(signed_in) == []  # the index is built here, today

    later = add_months(TODAY, 7)
    [task] = _form_tasks(signed_in, later)
    assert (task.what, task.due_on) == ("Complete the TOP review with them",
                                        add_months(TODAY, 6))
    assert task.overdue(later)
