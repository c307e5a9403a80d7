"""Change between a person's first and latest outcome form, per measure, for a cohort.

Mean change is latest minus first, over everyone who answered the measure both times.
"Improved" is counted among those who could improve: for days using, injecting or
offending, people above 0 at the first form whose latest is lower; for ratings, work and
education, everyone answered twice whose latest is higher.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from app.domain.outcomes.form import TopForm, standing
from app.domain.outcomes.measures import COMPARED, Measure


@dataclass(frozen=True)
class MeasureChange:
    name: str
    label: str
    people: int  # answered at both the first and the latest form
    mean_change: float | None  # latest minus first; None when nobody answered twice
    could_improve: int
    improved: int


def first_and_latest(forms: Iterable[TopForm], *, by: date) -> tuple[TopForm, TopForm] | None:
    """The first and latest standing forms dated on or before `by`; None with fewer than two."""
    done = [f for f in standing(forms) if f.completed_on <= by]
    return (done[0], done[-1]) if len(done) >= 2 else None


def changes(pairs: Sequence[tuple[TopForm, TopForm]]) -> tuple[MeasureChange, ...]:
    return tuple(_change(measure, pairs) for measure in COMPARED)


def _change(measure: Measure, pairs: Sequence[tuple[TopForm, TopForm]]) -> MeasureChange:
    answered = [(a, b) for first, latest in pairs
                if (a := measure.read(first)) is not None and (b := measure.read(latest))
                is not None]
    deltas = [b - a for a, b in answered]
    if measure.lower_is_better:
        eligible = [(a, b) for a, b in answered if a > 0]
        improved = sum(b < a for a, b in eligible)
    else:
        eligible = answered
        improved = sum(b > a for a, b in eligible)
    return MeasureChange(measure.name, measure.label, len(answered),
                         sum(deltas) / len(deltas) if deltas else None, len(eligible), improved)
