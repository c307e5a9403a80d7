"""TOP (Treatment Outcomes Profile) forms: the measures, dated and append-only.

The TOP's printed layout is copyrighted; this captures its measures only. A form looks
back 28 days. It is never edited: a correction is a new form naming the one it
supersedes, and where two laptops corrected the same form offline the later clock stamp
stands (wall clocks never decide). An unanswered measure is None (or absent from a
mapping), never 0: "did not say" and "no days" must not be averaged together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class FormKind(StrEnum):
    START = "start"
    REVIEW = "review"  # every three months while in treatment
    EXIT = "exit"
    POST_EXIT = "post_exit"


FORM_NAMES = {FormKind.START: "TOP at treatment start", FormKind.REVIEW: "TOP review",
              FormKind.EXIT: "TOP at exit", FormKind.POST_EXIT: "TOP after exit"}


class Substance(StrEnum):
    ALCOHOL = "alcohol"
    OPIATES = "opiates"
    CRACK = "crack"
    COCAINE = "cocaine"
    AMPHETAMINES = "amphetamines"
    CANNABIS = "cannabis"
    OTHER = "other"


SUBSTANCE_LABELS = {Substance.ALCOHOL: "Alcohol", Substance.OPIATES: "Opiates",
                    Substance.CRACK: "Crack", Substance.COCAINE: "Cocaine",
                    Substance.AMPHETAMINES: "Amphetamines", Substance.CANNABIS: "Cannabis",
                    Substance.OTHER: "Other drug"}


class Crime(StrEnum):
    """The TOP's crime-day types (DOMAIN.md); violence is a yes/no of its own."""

    SHOPLIFTING = "shoplifting"
    DRUG_SELLING = "drug_selling"
    VEHICLE_THEFT = "vehicle_theft"  # theft from or of a vehicle
    OTHER_THEFT = "other_theft"  # other property theft or burglary


CRIME_LABELS = {Crime.SHOPLIFTING: "Shoplifting", Crime.DRUG_SELLING: "Selling drugs",
                Crime.VEHICLE_THEFT: "Theft from or of a vehicle",
                Crime.OTHER_THEFT: "Other property theft or burglary"}


class Rating(StrEnum):
    PSYCHOLOGICAL = "psychological_health"
    PHYSICAL = "physical_health"
    QUALITY_OF_LIFE = "quality_of_life"


RATING_LABELS = {Rating.PSYCHOLOGICAL: "Psychological health",
                 Rating.PHYSICAL: "Physical health", Rating.QUALITY_OF_LIFE: "Quality of life"}

RECALL_DAYS = 28
WEEKS = 4
WEEK_DAYS = 7
RATING_MAX = 20


@dataclass(frozen=True)
class Days:
    """Days of use in the past four weeks: four weekly counts (oldest week first) when the
    person can say, or only the total when they cannot."""

    weeks: tuple[int, ...] = ()
    total_given: int | None = None

    @property
    def total(self) -> int | None:
        return sum(self.weeks) if self.weeks else self.total_given


@dataclass(frozen=True)
class TopForm:
    id: str
    person_id: str
    kind: FormKind
    completed_on: date
    use: Mapping[Substance, Days] = field(default_factory=dict)
    alcohol_units_per_day: int | None = None  # on a typical drinking day
    days_injected: int | None = None
    shared_equipment: bool | None = None
    crime_days: Mapping[Crime, int] = field(default_factory=dict)
    violence: bool | None = None  # committed assault or violence
    ratings: Mapping[Rating, int] = field(default_factory=dict)
    work_days: int | None = None  # days of paid work
    education_days: int | None = None  # days at college, school or training
    acute_housing_problem: bool | None = None
    eviction_risk: bool | None = None
    supersedes: str | None = None
    recorded_by: str = ""
    recorded_hlc: str = ""  # the recording device's clock stamp: decides between corrections

    def days_using(self, substance: Substance) -> int | None:
        days = self.use.get(substance)
        return None if days is None else days.total

    def total_crime_days(self) -> int | None:
        """Crime days of all types added up (a day with two crimes counts twice, as the
        TOP's totals do); None when no type was answered."""
        answered = list(self.crime_days.values())
        return sum(answered) if answered else None


def standing(forms: Iterable[TopForm]) -> list[TopForm]:
    """The forms that stand, oldest first. A superseded form drops out; where several
    corrections descend from one original, the latest by clock stamp stands."""
    forms = list(forms)
    by_id = {f.id: f for f in forms}
    replaced = {f.supersedes for f in forms if f.supersedes}
    latest: dict[str, TopForm] = {}
    for form in sorted((f for f in forms if f.id not in replaced),
                       key=lambda f: (f.recorded_hlc, f.id)):
        latest[_original(form, by_id)] = form
    return sorted(latest.values(), key=lambda f: (f.completed_on, f.recorded_hlc, f.id))


def _original(form: TopForm, by_id: Mapping[str, TopForm]) -> str:
    """The id of the first form in a chain of corrections (a cycle stops the walk)."""
    seen = {form.id}
    while form.supersedes and form.supersedes not in seen:
        seen.add(form.supersedes)
        earlier = by_id.get(form.supersedes)
        if earlier is None:
            return form.supersedes
        form = earlier
    return form.id
