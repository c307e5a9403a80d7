"""TOP forms: plausibility messages, and which form stands after corrections."""

from __future__ import annotations

from datetime import date

from app.domain.outcomes.top import (
    Crime,
    Days,
    FormKind,
    Rating,
    Substance,
    TopForm,
    check,
    standing,
)

TODAY = date(2026, 6, 30)
BEGAN = date(2026, 1, 5)


def _form(id_: str = "f1", on: date = date(2026, 2, 1), *, supersedes: str | None = None,
          hlc: str = "001", **changes: object) -> TopForm:
    """A full, plausible form: every drug answered, so the injecting check applies."""
    fields: dict[str, object] = {
        "use": {s: Days((0, 0, 0, 0)) for s in Substance} | {
            Substance.OPIATES: Days((7, 5, 3, 1))},
        "days_injected": 4, "shared_equipment": False,
        "crime_days": {c: 0 for c in Crime} | {Crime.SHOPLIFTING: 6}, "violence": False,
        "ratings": {Rating.PSYCHOLOGICAL: 8, Rating.PHYSICAL: 10, Rating.QUALITY_OF_LIFE: 7},
        "work_days": 0, "education_days": 0}
    fields.update(changes)
    return TopForm(id_, "p1", FormKind.START, on, supersedes=supersedes, recorded_hlc=hlc,
                   **fields)  # type: ignore[arg-type]


def test_a_plausible_form_has_no_problems() -> None:
    assert check(_form(), episode_started_on=BEGAN, today=TODAY) == {}


def test_a_week_above_seven_days_names_the_substance_and_week() -> None:
    use = {s: Days((0, 0, 0, 0)) for s in Substance} | {Substance.CRACK: Days((2, 9, 0, 0))}
    problems = check(_form(use=use, days_injected=0), episode_started_on=BEGAN, today=TODAY)
    assert problems == {"use.crack.week2": "Crack: week 2 has 9 days; a week has 7 at most."}


def test_four_weeks_above_28_and_a_total_that_disagrees_with_its_weeks() -> None:
    use = {s: Days((0, 0, 0, 0)) for s in Substance} | {
        Substance.CANNABIS: Days(total_given=30), Substance.OPIATES: Days((1, 1, 1, 1), 6)}
    problems = check(_form(use=use), episode_started_on=BEGAN, today=TODAY)
    assert problems == {
        "use.cannabis.total": "Cannabis: 30 days in four weeks; give 0 to 28.",
        "use.opiates.total": "Opiates: the weeks add up to 4 days but the total says 6. "
                             "Correct one of them."}


def test_three_weeks_given_asks_for_all_four() -> None:
    use = {s: Days((0, 0, 0, 0)) for s in Substance} | {Substance.OPIATES: Days((1, 1, 1))}
    problems = check(_form(use=use, days_injected=0), episode_started_on=BEGAN, today=TODAY)
    assert problems == {"use.opiates": "Opiates: give all 4 weeks, or only the total."}


def test_ratings_outside_0_to_20() -> None:
    ratings = {Rating.PSYCHOLOGICAL: 21, Rating.PHYSICAL: -1, Rating.QUALITY_OF_LIFE: 20}
    problems = check(_form(ratings=ratings), episode_started_on=BEGAN, today=TODAY)
    assert problems == {
        "rating.psychological_health": "Psychological health is rated 21; ratings run from "
                                       "0 to 20.",
        "rating.physical_health": "Physical health is rated -1; ratings run from 0 to 20."}


def test_a_form_before_the_episode_or_after_today() -> None:
    early = check(_form(on=date(2026, 1, 4)), episode_started_on=BEGAN, today=TODAY)
    assert early == {"completed_on": "The form is dated 04/01/2026, before this episode "
                                     "began on 05/01/2026. Check the date, or record it in "
                                     "the right episode."}
    ahead = check(_form(on=date(2026, 7, 1)), episode_started_on=BEGAN, today=TODAY)
    assert ahead == {"completed_on": "The form is dated 01/07/2026, after today. Date it "
                                     "the day it was completed."}


def test_days_injected_above_days_of_drug_use() -> None:
    # Opiates 7+5+3+1 = 16 days and no other drug: 17 days injected cannot be.
    problems = check(_form(days_injected=17), episode_started_on=BEGAN, today=TODAY)
    assert problems == {"days_injected": "Injected on 17 days but used drugs on only 16. "
                                         "Check the days of use or the days injected."}
    assert check(_form(days_injected=16), episode_started_on=BEGAN, today=TODAY) == {}


def test_injecting_is_not_judged_while_a_drug_is_unanswered() -> None:
    use = {Substance.OPIATES: Days((1, 0, 0, 0))}  # the rest not asked
    assert check(_form(use=use, days_injected=10), episode_started_on=BEGAN,
                 today=TODAY) == {}


def test_sharing_without_injecting_and_crime_days_out_of_range() -> None:
    problems = check(_form(days_injected=0, shared_equipment=True,
                           crime_days={Crime.DRUG_SELLING: 29}, work_days=-2),
                     episode_started_on=BEGAN, today=TODAY)
    assert problems == {
        "shared_equipment": "Sharing is recorded but no days injected. Check the days "
                            "injected or the sharing answer.",
        "crime.drug_selling": "Selling drugs: 29 days in four weeks; give 0 to 28.",
        "work_days": "Days of paid work: -2 days in four weeks; give 0 to 28."}


def test_alcohol_units_without_drinking_days() -> None:
    problems = check(_form(alcohol_units_per_day=12), episode_started_on=BEGAN, today=TODAY)
    assert problems == {"alcohol_units_per_day": "Units on a drinking day are given, but no "
                        "days of drinking. Check the alcohol days or the units."}


def test_days_total_is_the_weeks_or_the_total_given() -> None:
    assert Days((7, 5, 3, 1)).total == 16
    assert Days(total_given=12).total == 12
    assert Days().total is None


def test_a_correction_supersedes_and_the_later_clock_stamp_wins_between_two() -> None:
    original = _form("f1", hlc="001")
    laptop_a = _form("f2", supersedes="f1", hlc="005", work_days=3)
    laptop_b = _form("f3", supersedes="f1", hlc="004", work_days=9)
    other = _form("f4", date(2026, 5, 1), hlc="002")
    assert [f.id for f in standing([laptop_a, original, other, laptop_b])] == ["f2", "f4"]


def test_a_correction_of_a_correction_leaves_only_the_last() -> None:
    forms = [_form("f1", hlc="1"), _form("f2", supersedes="f1", hlc="2"),
             _form("f3", supersedes="f2", hlc="3")]
    assert [f.id for f in standing(forms)] == ["f3"]
