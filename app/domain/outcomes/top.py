"""TOP outcome forms: the model (from .form) and the plausibility checks on one form.

Callers import both from here. `check` returns {field: message}; empty means the form
can be saved. Field names are dotted so a screen can put each message beside its box:
"use.opiates.week2", "use.opiates.total", "crime.shoplifting", "rating.quality_of_life".
"""

from __future__ import annotations

from datetime import date

from app.domain.outcomes.form import (
    CRIME_LABELS,
    FORM_NAMES,
    RATING_LABELS,
    RATING_MAX,
    RECALL_DAYS,
    SUBSTANCE_LABELS,
    WEEK_DAYS,
    WEEKS,
    Crime,
    Days,
    FormKind,
    Rating,
    Substance,
    TopForm,
    standing,
)

__all__ = ["CRIME_LABELS", "FORM_NAMES", "RATING_LABELS", "SUBSTANCE_LABELS", "Crime", "Days",
           "FormKind", "Rating", "Substance", "TopForm", "check", "standing"]

# More than this many units on a drinking day is a typing slip, not a drinker.
MAX_UNITS_PER_DAY = 100
_DRUGS = tuple(s for s in Substance if s is not Substance.ALCOHOL)


def check(form: TopForm, *, episode_started_on: date | None, today: date) -> dict[str, str]:
    problems: dict[str, str] = {}
    problems.update(_dates(form, episode_started_on, today))
    for substance, days in form.use.items():
        problems.update(_use(substance, days))
    problems.update(_alcohol(form))
    problems.update(_injecting(form))
    for crime, count in form.crime_days.items():
        _days(problems, f"crime.{crime}", CRIME_LABELS[crime], count)
    for rating, value in form.ratings.items():
        if not 0 <= value <= RATING_MAX:
            problems[f"rating.{rating}"] = (
                f"{RATING_LABELS[rating]} is rated {value}; ratings run from 0 to {RATING_MAX}.")
    _days(problems, "work_days", "Days of paid work", form.work_days)
    _days(problems, "education_days", "Days at college, school or training",
          form.education_days)
    return problems


def _dates(form: TopForm, episode_started_on: date | None, today: date) -> dict[str, str]:
    if form.completed_on > today:
        return {"completed_on": f"The form is dated {form.completed_on:%d/%m/%Y}, after "
                                "today. Date it the day it was completed."}
    if episode_started_on is not None and form.completed_on < episode_started_on:
        return {"completed_on": f"The form is dated {form.completed_on:%d/%m/%Y}, before "
                                f"this episode began on {episode_started_on:%d/%m/%Y}. "
                                "Check the date, or record it in the right episode."}
    return {}


def _use(substance: Substance, days: Days) -> dict[str, str]:
    label, key = SUBSTANCE_LABELS[substance], f"use.{substance}"
    if days.weeks and len(days.weeks) != WEEKS:
        return {key: f"{label}: give all {WEEKS} weeks, or only the total."}
    problems = {f"{key}.week{n}": f"{label}: week {n} has {count} days; a week has "
                                  f"{WEEK_DAYS} at most." if count > WEEK_DAYS else
                                  f"{label}: week {n} has {count} days; it cannot be below 0."
                for n, count in enumerate(days.weeks, start=1)
                if not 0 <= count <= WEEK_DAYS}
    if days.total_given is not None:
        _days(problems, f"{key}.total", label, days.total_given)
        if days.weeks and sum(days.weeks) != days.total_given:
            problems[f"{key}.total"] = (f"{label}: the weeks add up to {sum(days.weeks)} days "
                                        f"but the total says {days.total_given}. "
                                        "Correct one of them.")
    return problems


def _alcohol(form: TopForm) -> dict[str, str]:
    units = form.alcohol_units_per_day
    if units is None:
        return {}
    if not 0 <= units <= MAX_UNITS_PER_DAY:
        return {"alcohol_units_per_day": f"{units} units a day is not plausible; "
                                         f"give 0 to {MAX_UNITS_PER_DAY}."}
    if units > 0 and form.days_using(Substance.ALCOHOL) == 0:
        return {"alcohol_units_per_day": "Units on a drinking day are given, but no days of "
                                         "drinking. Check the alcohol days or the units."}
    return {}


def _injecting(form: TopForm) -> dict[str, str]:
    problems: dict[str, str] = {}
    injected = form.days_injected
    _days(problems, "days_injected", "Days injected", injected)
    if problems or injected is None:
        return problems
    used = _drug_days(form)
    if used is not None and injected > used:
        problems["days_injected"] = (f"Injected on {injected} days but used drugs on only "
                                     f"{used}. Check the days of use or the days injected.")
    if form.shared_equipment and injected == 0:
        problems["shared_equipment"] = ("Sharing is recorded but no days injected. "
                                        "Check the days injected or the sharing answer.")
    return problems


def _drug_days(form: TopForm) -> int | None:
    """The most days drugs can have been used on: the days of every drug (not alcohol)
    added up, at most 28. None while any drug is unanswered: it might explain the rest."""
    totals = [form.days_using(s) for s in _DRUGS]
    if any(t is None for t in totals):
        return None
    return min(RECALL_DAYS, sum(t for t in totals if t is not None))


def _days(problems: dict[str, str], key: str, label: str, count: int | None) -> None:
    if count is not None and not 0 <= count <= RECALL_DAYS:
        problems[key] = (f"{label}: {count} days in four weeks; give 0 to {RECALL_DAYS}.")
