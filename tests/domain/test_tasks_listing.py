"""The task list: decisions that sync, order, counts, the outcome-forms hook and the index."""

from __future__ import annotations

from datetime import date, timedelta

from app.domain.journey.handover import Handover, HandoverReason
from app.domain.tasks import (
    CarePlanReview,
    DecisionKind,
    OutcomeFormDue,
    PersonTaskInputs,
    Rule,
    TaskDecision,
    TaskIndex,
    check_decision,
    counts,
    latest_decisions,
    overdue_count,
    sort_tasks,
    task_index,
    tasks_for_person,
)

TODAY = date(2026, 3, 11)  # a Wednesday


def _review(person: str, on: date) -> PersonTaskInputs:
    return PersonTaskInputs(person, care_plan=CarePlanReview(f"v-{person}", on))


def _decision(key: str, kind: DecisionKind, stamp: str, on: date = TODAY, reason: str = "",
              person: str = "p1") -> TaskDecision:
    return TaskDecision(f"d{stamp}", key, person, kind, "w1", on, stamp, reason)


def test_the_latest_decision_by_clock_stamp_wins_whatever_order_a_sync_brings_them() -> None:
    inputs = _review("p1", TODAY)
    key = tasks_for_person(inputs, TODAY)[0].key
    # Laptop B's wall clock was a day behind; its stamp is still the later one.
    completed = _decision(key, DecisionKind.COMPLETED, "000002-b", on=TODAY - timedelta(1))
    reopened = _decision(key, DecisionKind.REOPENED, "000001-a")

    for order in ((completed, reopened), (reopened, completed)):
        assert tasks_for_person(inputs, TODAY, order) == []
        assert latest_decisions(order)[key] == completed


def test_a_decision_on_one_person_does_not_close_anothers_task() -> None:
    mine, theirs = _review("p1", TODAY), _review("p2", TODAY)
    key = tasks_for_person(mine, TODAY)[0].key
    done = _decision(key, DecisionKind.COMPLETED, "0001")

    assert tasks_for_person(mine, TODAY, (done,)) == []
    assert [t.person_id for t in tasks_for_person(theirs, TODAY, (done,))] == ["p2"]


def test_keys_do_not_move_with_the_day_the_list_is_computed() -> None:
    inputs = _review("p1", TODAY)
    keys = {tasks_for_person(inputs, TODAY + timedelta(days=n))[0].key for n in range(-14, 30)}

    assert keys == {f"care_plan_review:p1:v-p1:{TODAY.isoformat()}"}


def test_a_dismissal_needs_a_reason_and_a_decision_needs_who_and_a_day_gone_by() -> None:
    task = tasks_for_person(_review("p1", TODAY), TODAY)[0]
    dismissed = _decision(task.key, DecisionKind.DISMISSED, "0001")

    assert set(check_decision(dismissed, today=TODAY, task=task)) == {"reason"}
    assert check_decision(_decision(task.key, DecisionKind.DISMISSED, "0001",
                                    reason="Moved out of area"), today=TODAY, task=task) == {}
    assert check_decision(_decision(task.key, DecisionKind.COMPLETED, "0001"),
                          today=TODAY, task=task) == {}
    nobody = TaskDecision("d1", task.key, "p1", DecisionKind.COMPLETED, " ", TODAY, "0001")
    assert set(check_decision(nobody, today=TODAY)) == {"decided_by"}
    ahead = _decision(task.key, DecisionKind.COMPLETED, "0001", on=TODAY + timedelta(1))
    assert set(check_decision(ahead, today=TODAY)) == {"decided_on"}
    other = _decision("care_plan_review:p2:v-p2:2026-03-11", DecisionKind.COMPLETED, "0001")
    assert set(check_decision(other, today=TODAY, task=task)) == {"task_key"}


def test_overdue_first_then_by_due_day_then_person_and_key() -> None:
    tasks = [t for inputs in (_review("p3", TODAY + timedelta(1)), _review("p2", TODAY),
                              _review("p9", TODAY - timedelta(5)), _review("p1", TODAY),
                              _review("p4", TODAY - timedelta(1)))
             for t in tasks_for_person(inputs, TODAY)]

    assert [t.person_id for t in sort_tasks(tasks, TODAY)] == ["p9", "p4", "p1", "p2", "p3"]
    assert counts(tasks, TODAY).listed == 5
    assert (counts(tasks, TODAY).overdue, counts(tasks, TODAY).due_today) == (2, 2)
    assert overdue_count(tasks, TODAY + timedelta(days=1)) == 4


def test_outcome_forms_due_from_the_hook_are_tasks_with_a_window() -> None:
    form = OutcomeFormDue("episode-1", "TOP review", date(2026, 4, 1))
    opened_early = OutcomeFormDue("episode-1", "TOP exit", date(2026, 4, 20),
                                  opens_on=date(2026, 4, 1))
    inputs = PersonTaskInputs("p1", outcome_forms_due=(form, opened_early))

    assert tasks_for_person(inputs, date(2026, 3, 17)) == []
    assert [(t.rule, t.what) for t in tasks_for_person(inputs, date(2026, 3, 18))] == [
        (Rule.OUTCOME_FORM, "Complete the TOP review with them")]
    assert [t.due_on for t in tasks_for_person(inputs, date(2026, 4, 2))] == [
        date(2026, 4, 1), date(2026, 4, 20)]


def test_the_index_gives_the_first_day_a_task_shows_and_is_overdue() -> None:
    friday = date(2026, 3, 6)
    handover = Handover("h1", "p1", "custody", "community", HandoverReason.RELEASE,
                        friday, date(2026, 3, 10))
    inputs = PersonTaskInputs("p1", handovers=(handover,),
                              care_plan=CarePlanReview("v1", date(2026, 6, 1)))

    assert task_index(inputs, (), after=date(2026, 3, 1)) == TaskIndex(
        shows_on=friday, overdue_on=date(2026, 3, 11))
    key = tasks_for_person(inputs, friday)[0].key
    accepted = _decision(key, DecisionKind.COMPLETED, "0001", on=friday)
    assert task_index(inputs, (accepted,), after=date(2026, 3, 1)) == TaskIndex(
        shows_on=date(2026, 5, 18), overdue_on=date(2026, 6, 2))
    assert task_index(PersonTaskInputs("p1"), (), after=TODAY) == TaskIndex(None, None)


def test_the_index_moves_on_when_a_window_has_closed() -> None:
    inputs = PersonTaskInputs("p1", section_ids=("drugs",),
                              confirmed_on={"drugs": date(2025, 12, 1)},
                              last_seen_on=date(2026, 3, 1))
    # Stale from 2 March (90 days after 1 December, plus one); seen until 29 March.
    assert task_index(inputs, (), after=date(2026, 1, 1)) == TaskIndex(
        date(2026, 3, 2), date(2026, 3, 3))
    assert task_index(inputs, (), after=date(2026, 3, 30)) == TaskIndex(None, None)
