"""The TOP measures as one list, read the same way by charts, figures and extracts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.domain.outcomes.form import (
    RATING_LABELS,
    SUBSTANCE_LABELS,
    Rating,
    Substance,
    TopForm,
)


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    lower_is_better: bool  # days using, injecting and offending fall as people improve
    read: Callable[[TopForm], int | None]


def _using(substance: Substance) -> Callable[[TopForm], int | None]:
    return lambda form: form.days_using(substance)


def _rated(rating: Rating) -> Callable[[TopForm], int | None]:
    return lambda form: form.ratings.get(rating)


USE = tuple(Measure(f"use.{s}", f"Days using {SUBSTANCE_LABELS[s].lower()}", True, _using(s))
            for s in Substance)
CRIME = Measure("crime_days", "Crime days", True, TopForm.total_crime_days)
RATINGS = tuple(Measure(f"rating.{r}", RATING_LABELS[r], False, _rated(r)) for r in Rating)
INJECTED = Measure("days_injected", "Days injected", True, lambda f: f.days_injected)
WORK = Measure("work_days", "Days of paid work", False, lambda f: f.work_days)
EDUCATION = Measure("education_days", "Days of education or training", False,
                    lambda f: f.education_days)

# What a person's progress chart plots (issue 21, part 2).
CHARTED = (*USE, CRIME, *RATINGS)
# What the quarterly figures compare between first and latest form.
COMPARED = (*USE, INJECTED, CRIME, *RATINGS, WORK, EDUCATION)
