"""What a TOP form's `measures_json` may hold, checked at both ends of sync.

The laptop checks a form's plausibility before it saves it (app.domain.outcomes.top);
the server trusts nothing a laptop claims, so it checks the shape and every range again
here: a week has at most 7 days, four weeks 28, a rating runs 0 to 20. Standard library
only; a test keeps the names equal to the domain's enums.
"""

from __future__ import annotations

import json
from typing import Any, Final

SUBSTANCES: Final = ("alcohol", "opiates", "crack", "cocaine", "amphetamines", "cannabis",
                     "other")
CRIMES: Final = ("shoplifting", "drug_selling", "vehicle_theft", "other_theft")
RATINGS: Final = ("psychological_health", "physical_health", "quality_of_life")
FORM_KINDS: Final = ("start", "review", "exit", "post_exit")
_DAYS = (0, 28)
_RANGES: Final = {"alcohol_units_per_day": (0, 100), "days_injected": _DAYS,
                  "work_days": _DAYS, "education_days": _DAYS}
_ANSWERS: Final = ("shared_equipment", "violence", "acute_housing_problem", "eviction_risk")
_MAX_LENGTH = 4_000


def measures_problem(value: Any) -> str | None:
    """Why `value` is not a form's answers, or None when it is."""
    if type(value) is not str or len(value) > _MAX_LENGTH:
        return f"must be JSON text of at most {_MAX_LENGTH} characters"
    try:
        answers = json.loads(value)
    except (ValueError, RecursionError):
        return "must be JSON text"
    if not isinstance(answers, dict):
        return "must be a JSON object"
    known = {"use", "crime_days", "ratings", *_RANGES, *_ANSWERS}
    if unknown := sorted(set(answers) - known):
        return f"names a measure the TOP does not have: {unknown[0]}"
    return (_use(answers.get("use", {})) or _counts(answers.get("crime_days", {}), CRIMES,
                                                       _DAYS, "crime_days")
            or _counts(answers.get("ratings", {}), RATINGS, (0, 20), "ratings")
            or _scalars(answers))


def _whole(value: Any, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high


def _use(use: Any) -> str | None:
    if not isinstance(use, dict):
        return "use must be an object"
    for substance, days in use.items():
        if substance not in SUBSTANCES:
            return f"use names an unknown substance: {substance}"
        if not isinstance(days, dict) or set(days) - {"weeks", "total"}:
            return f"use.{substance} must hold weeks and a total"
        weeks, total = days.get("weeks") or [], days.get("total")
        if not isinstance(weeks, list) or len(weeks) not in (0, 4) or not all(
                _whole(w, 0, 7) for w in weeks):
            return f"use.{substance}.weeks must be four weeks of 0 to 7 days"
        if total is not None and not _whole(total, *_DAYS):
            return f"use.{substance}.total must be 0 to 28 days"
        if weeks and total is not None and sum(weeks) != total:
            return f"use.{substance}: the weeks do not add up to the total"
    return None


def _counts(given: Any, names: tuple[str, ...], limits: tuple[int, int],
            label: str) -> str | None:
    if not isinstance(given, dict):
        return f"{label} must be an object"
    for name, count in given.items():
        if name not in names:
            return f"{label} names an unknown measure: {name}"
        if not _whole(count, *limits):
            return f"{label}.{name} must be a whole number from {limits[0]} to {limits[1]}"
    return None


def _scalars(answers: dict[str, Any]) -> str | None:
    for name, (low, high) in _RANGES.items():
        if name in answers and not _whole(answers[name], low, high):
            return f"{name} must be a whole number from {low} to {high}"
    for name in _ANSWERS:
        if name in answers and type(answers[name]) is not bool:
            return f"{name} must be true or false"
    return None
