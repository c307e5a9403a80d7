"""Consent due for renewal and out-of-date assessment sections, on a moving clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from app.domain.assessment import stale_sections
from app.domain.consent import ConsentRecord, PartnerAgency
from app.domain.tasks import (
    DEFAULT_SETTINGS,
    DecisionKind,
    PersonTaskInputs,
    Rule,
    TaskDecision,
    TaskSettings,
    tasks_for_person,
)

PERSON = "p1"
REVIEW_ON = date(2026, 6, 1)


def _listed(inputs: PersonTaskInputs, today: date, decisions: tuple = (),
            settings: TaskSettings = DEFAULT_SETTINGS) -> list[tuple[Rule, date, bool]]:
    return [(t.rule, t.due_on, t.overdue(today))
            for t in tasks_for_person(inputs, today, decisions, settings)]


def _consent(**changes: object) -> ConsentRecord:
    record = ConsentRecord(PartnerAgency.HOUSING, date(2025, 6, 1), "w1", how="written",
                           review_on=REVIEW_ON)
    return replace(record, **changes)


def test_consent_shows_four_weeks_before_its_review_and_is_overdue_after() -> None:
    inputs = PersonTaskInputs(PERSON, consents=(_consent(),))

    assert _listed(inputs, date(2026, 5, 3)) == []
    assert _listed(inputs, date(2026, 5, 4)) == [(Rule.CONSENT_REVIEW, REVIEW_ON, False)]
    assert _listed(inputs, date(2026, 6, 2)) == [(Rule.CONSENT_REVIEW, REVIEW_ON, True)]
    assert "housing" in tasks_for_person(inputs, REVIEW_ON)[0].what


def test_withdrawn_or_undated_consent_asks_for_no_review() -> None:
    withdrawn = PersonTaskInputs(PERSON, consents=(_consent(withdrawn_on=date(2026, 5, 20)),))
    assert _listed(withdrawn, date(2026, 5, 19)) == [(Rule.CONSENT_REVIEW, REVIEW_ON, False)]
    assert _listed(withdrawn, date(2026, 5, 20)) == []
    assert _listed(PersonTaskInputs(PERSON, consents=(_consent(review_on=None),)),
                   date(2026, 6, 2)) == []


def test_consent_given_again_with_a_new_review_date_is_a_new_task() -> None:
    old = _consent(withdrawn_on=date(2026, 6, 3))
    inputs = PersonTaskInputs(PERSON, consents=(old,))
    key = tasks_for_person(inputs, date(2026, 6, 2))[0].key
    dismissed = TaskDecision("d1", key, PERSON, DecisionKind.DISMISSED, "w1",
                             date(2026, 6, 2), "0001", "Asked: they will sign again on Friday")
    assert _listed(inputs, date(2026, 6, 2), (dismissed,)) == []

    renewed = PersonTaskInputs(PERSON, consents=(old, _consent(
        given_on=date(2026, 6, 5), review_on=date(2027, 6, 5))))
    assert _listed(renewed, date(2027, 5, 8), (dismissed,)) == [
        (Rule.CONSENT_REVIEW, date(2027, 6, 5), False)]


SECTIONS = ("drugs", "housing")


def _assessment(confirmed: dict[str, date], seen: date | None) -> PersonTaskInputs:
    return PersonTaskInputs(PERSON, section_ids=SECTIONS, confirmed_on=confirmed,
                            known_since=date(2025, 1, 10), last_seen_on=seen)


def test_stale_sections_show_from_the_day_one_goes_out_of_date_while_seen_recently() -> None:
    settings = TaskSettings(stale_section_days=90, seen_recently_days=28)
    inputs = _assessment({"drugs": date(2026, 1, 5), "housing": date(2026, 2, 1)},
                         seen=date(2026, 4, 1))
    stale_from = date(2026, 4, 6)  # 5 April is 90 days after 5 January: still fresh

    assert stale_sections({"drugs": date(2026, 1, 5)}, date(2026, 4, 5), 90) == []
    assert stale_sections({"drugs": date(2026, 1, 5)}, stale_from, 90) == ["drugs"]
    assert _listed(inputs, date(2026, 4, 5), settings=settings) == []
    assert _listed(inputs, stale_from, settings=settings) == [
        (Rule.STALE_SECTIONS, stale_from, False)]
    assert _listed(inputs, date(2026, 4, 29), settings=settings) == [
        (Rule.STALE_SECTIONS, stale_from, True)]
    assert _listed(inputs, date(2026, 4, 30), settings=settings) == []  # not seen in 28 days


def test_stale_sections_need_a_recent_contact_and_a_never_confirmed_section_counts() -> None:
    never_seen = _assessment({"drugs": date(2025, 1, 10)}, seen=None)
    assert _listed(never_seen, date(2026, 4, 1)) == []

    half_done = _assessment({"drugs": date(2026, 3, 30)}, seen=date(2026, 3, 30))
    assert _listed(half_done, date(2026, 4, 1)) == [
        (Rule.STALE_SECTIONS, date(2025, 1, 10), True)]


def test_confirming_the_sections_closes_the_task_and_a_later_staleness_is_new() -> None:
    inputs = _assessment({"drugs": date(2026, 1, 5), "housing": date(2026, 2, 1)},
                         seen=date(2026, 4, 6))
    key = tasks_for_person(inputs, date(2026, 4, 6))[0].key
    done = TaskDecision("d1", key, PERSON, DecisionKind.COMPLETED, "w1", date(2026, 4, 6),
                        "0001")
    assert _listed(inputs, date(2026, 4, 7), (done,)) == []

    # A sync brings the drugs section confirmed at the contact; housing goes stale in May.
    confirmed = replace(inputs, confirmed_on={"drugs": date(2026, 4, 6),
                                              "housing": date(2026, 2, 1)})
    assert _listed(confirmed, date(2026, 5, 2), (done,)) == []
    assert _listed(confirmed, date(2026, 5, 3), (done,)) == [
        (Rule.STALE_SECTIONS, date(2026, 5, 3), False)]
