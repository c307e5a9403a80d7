"""When TOP forms fall due: start, reviews every three months, exit, post-exit.

Expected dates are worked out by hand in each test from the rules: reviews on the same
day of the month every three months from treatment start, a window opening 14 days
before the due day, post-exit six months after discharge.
"""

from __future__ import annotations

from datetime import date

from app.domain.journey.kinds import Kind
from app.domain.journey.treatment import episodes
from app.domain.outcomes.schedule import forms_due
from app.domain.outcomes.top import FormKind, TopForm
from app.domain.tasks import candidate_tasks
from app.domain.tasks.inputs import OutcomeFormDue, PersonTaskInputs
from app.domain.tasks.model import Rule
from tests.domain.journey_events import event

KEY = "episode-2026-01-05"


def _opened(discharged: date | None = None, reason: str = "completed") -> list:
    events = [event(Kind.REFERRAL_RECEIVED, date(2026, 1, 5), source="63"),
              event(Kind.TRIAGE_DONE, date(2026, 1, 10))]
    if discharged:
        events.append(event(Kind.DISCHARGE, discharged, reason=reason))
    return episodes(events)


def _form(kind: FormKind, on: date, id_: str = "") -> TopForm:
    return TopForm(id_ or f"{kind}-{on}", "p1", kind, on)


def test_the_start_form_is_due_at_triage_and_the_first_review_is_listed_ahead() -> None:
    assert forms_due(_opened(), [], today=date(2026, 1, 12)) == [
        # 14 days before is before the referral; each closes the day before the next opens.
        OutcomeFormDue(f"{KEY}/start", "TOP at treatment start", date(2026, 1, 10),
                       date(2026, 1, 5), date(2026, 3, 26)),
        OutcomeFormDue(f"{KEY}/review-1", "TOP review", date(2026, 4, 10), date(2026, 3, 27),
                       date(2026, 6, 25))]


def test_a_completed_start_form_is_not_due() -> None:
    done = [_form(FormKind.START, date(2026, 1, 10))]
    assert [d.source_id for d in forms_due(_opened(), done, today=date(2026, 1, 12))] == [
        f"{KEY}/review-1"]


def test_the_second_review_is_due_in_its_window_with_the_third_ahead() -> None:
    done = [_form(FormKind.START, date(2026, 1, 10)), _form(FormKind.REVIEW, date(2026, 4, 8))]
    assert forms_due(_opened(), done, today=date(2026, 7, 20)) == [
        OutcomeFormDue(f"{KEY}/review-2", "TOP review", date(2026, 7, 10), date(2026, 6, 26),
                       date(2026, 9, 25)),
        OutcomeFormDue(f"{KEY}/review-3", "TOP review", date(2026, 10, 10),
                       date(2026, 9, 26), date(2026, 12, 26))]


def test_a_missed_review_is_overtaken_when_the_next_window_opens() -> None:
    done = [_form(FormKind.START, date(2026, 1, 10))]
    due = forms_due(_opened(), done, today=date(2026, 10, 1))
    assert [(d.source_id, d.due_on) for d in due] == [
        (f"{KEY}/review-3", date(2026, 10, 10)), (f"{KEY}/review-4", date(2027, 1, 10))]


def test_a_review_done_outside_its_window_does_not_fill_it() -> None:
    # 20 March is before review 1's window opens on 27 March.
    done = [_form(FormKind.START, date(2026, 1, 10)), _form(FormKind.REVIEW, date(2026, 3, 20))]
    assert [d.source_id for d in forms_due(_opened(), done, today=date(2026, 4, 1))] == [
        f"{KEY}/review-1", f"{KEY}/review-2"]


def test_discharge_makes_the_exit_form_due_then_the_post_exit_one() -> None:
    done = [_form(FormKind.START, date(2026, 1, 10)), _form(FormKind.REVIEW, date(2026, 4, 9))]
    ended = _opened(date(2026, 5, 1))
    assert forms_due(ended, done, today=date(2026, 5, 2)) == [
        # The exit form is asked for until the post-exit one opens; that one for three
        # months after it falls due.
        OutcomeFormDue(f"{KEY}/exit", "TOP at exit", date(2026, 5, 1), date(2026, 4, 17),
                       date(2026, 10, 17)),
        OutcomeFormDue(f"{KEY}/post-exit", "TOP after exit", date(2026, 11, 1),
                       date(2026, 10, 18), date(2027, 2, 1))]
    done.append(_form(FormKind.EXIT, date(2026, 5, 1)))
    assert [d.source_id for d in forms_due(ended, done, today=date(2026, 10, 20))] == [
        f"{KEY}/post-exit"]
    # Three months after it fell due, the post-exit form is no longer chased.
    assert forms_due(ended, done, today=date(2027, 2, 2)) == []


def test_no_review_falls_on_or_after_discharge() -> None:
    done = [_form(FormKind.START, date(2026, 1, 10))]
    due = forms_due(_opened(date(2026, 4, 10)), done, today=date(2026, 4, 11))
    assert [d.source_id for d in due] == [f"{KEY}/exit", f"{KEY}/post-exit"]


def test_nothing_after_a_death() -> None:
    done = [_form(FormKind.START, date(2026, 1, 10))]
    assert forms_due(_opened(date(2026, 3, 1), "died"), done, today=date(2026, 3, 2)) == []


def test_a_new_episode_before_the_post_exit_date_replaces_it_with_a_new_start() -> None:
    events = [event(Kind.REFERRAL_RECEIVED, date(2026, 1, 5), source="63"),
              event(Kind.TRIAGE_DONE, date(2026, 1, 10)),
              event(Kind.DISCHARGE, date(2026, 3, 1), reason="dropped_out"),
              event(Kind.REFERRAL_RECEIVED, date(2026, 5, 1), source="64"),
              event(Kind.TRIAGE_DONE, date(2026, 5, 4))]
    done = [_form(FormKind.START, date(2026, 1, 10))]
    due = forms_due(episodes(events), done, today=date(2026, 5, 5))
    assert [(d.source_id, d.due_on) for d in due] == [
        ("episode-2026-05-01/start", date(2026, 5, 4)),
        ("episode-2026-05-01/review-1", date(2026, 8, 4))]


def test_a_referral_alone_has_nothing_due() -> None:
    events = [event(Kind.REFERRAL_RECEIVED, date(2026, 1, 5), source="63")]
    assert forms_due(episodes(events), [], today=date(2026, 2, 1)) == []


def test_a_review_from_the_31st_falls_on_the_last_day_of_a_short_month() -> None:
    events = [event(Kind.TRIAGE_DONE, date(2025, 11, 30))]
    done = [_form(FormKind.START, date(2025, 11, 30))]
    due = forms_due(episodes(events), done, today=date(2025, 12, 1))
    assert [d.due_on for d in due] == [date(2026, 2, 28)]


def test_the_forms_due_become_tasks_on_the_worker_list() -> None:
    due = forms_due(_opened(), [], today=date(2026, 1, 12))
    tasks = [t for t in candidate_tasks(PersonTaskInputs("p1", outcome_forms_due=tuple(due)))
             if t.rule is Rule.OUTCOME_FORM]
    assert [(t.what, t.due_on, t.shows_from) for t in tasks] == [
        ("Complete the TOP at treatment start with them", date(2026, 1, 10), date(2026, 1, 5)),
        ("Complete the TOP review with them", date(2026, 4, 10), date(2026, 3, 27))]


def test_in_a_short_episode_the_exit_window_opens_after_the_start_form_falls_due() -> None:
    ended = _opened(date(2026, 1, 15), "dropped_out")
    assert [(d.source_id, d.due_on, d.opens_on) for d in forms_due(
        ended, [], today=date(2026, 1, 10))] == [
        (f"{KEY}/start", date(2026, 1, 10), date(2026, 1, 5)),
        (f"{KEY}/exit", date(2026, 1, 15), date(2026, 1, 11))]  # listed ahead
    # Once the exit window opens, the start form is overtaken by it.
    assert [d.source_id for d in forms_due(ended, [], today=date(2026, 1, 16))] == [
        f"{KEY}/exit", f"{KEY}/post-exit"]
