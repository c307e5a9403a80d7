"""A person's progress over time: what the charts plot, and what they mark on the axis.

The worker and the person look at this together, so each series holds only answered
measures (a gap stays a gap; it is not drawn as 0), and the markers say what happened
between two forms: an episode starting or ending, an arrest, court, prison, release, a
new care plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.journey.events import JourneyEvent, effective
from app.domain.journey.kinds import Kind
from app.domain.journey.treatment import Episode
from app.domain.outcomes.form import TopForm, standing
from app.domain.outcomes.measures import CHARTED


@dataclass(frozen=True)
class Point:
    on: date
    value: int


@dataclass(frozen=True)
class Series:
    name: str  # the measure: "use.opiates", "crime_days", "rating.quality_of_life"
    label: str
    lower_is_better: bool
    points: tuple[Point, ...]


class MarkerKind(StrEnum):
    EPISODE_START = "episode_start"
    EPISODE_END = "episode_end"
    ARREST = "arrest"
    COURT = "court"
    PRISON = "prison"
    RELEASE = "release"
    CARE_PLAN = "care_plan"


@dataclass(frozen=True)
class Marker:
    on: date
    kind: MarkerKind
    label: str


@dataclass(frozen=True)
class Progress:
    series: tuple[Series, ...]
    markers: tuple[Marker, ...]


_CUSTODY_MARKERS = {Kind.ARREST: (MarkerKind.ARREST, "Arrested"),
                    Kind.COURT_HEARING: (MarkerKind.COURT, "Court"),
                    Kind.PRISON_RECEPTION: (MarkerKind.PRISON, "Into prison"),
                    Kind.RELEASE: (MarkerKind.RELEASE, "Released")}


def progress(forms: Iterable[TopForm], *, episodes: Sequence[Episode],
             journey: Iterable[JourneyEvent], care_plan_dates: Iterable[date] = ()) -> Progress:
    done = standing(forms)
    series = tuple(Series(m.name, m.label, m.lower_is_better, tuple(
        Point(f.completed_on, value) for f in done if (value := m.read(f)) is not None))
        for m in CHARTED)
    markers = [*_episode_markers(episodes), *_journey_markers(journey),
               *(Marker(on, MarkerKind.CARE_PLAN, "Care plan signed") for on in care_plan_dates)]
    return Progress(series, tuple(sorted(markers, key=lambda m: (m.on, m.kind))))


def _episode_markers(episodes: Sequence[Episode]) -> Iterable[Marker]:
    for episode in episodes:
        yield Marker(episode.opened_on, MarkerKind.EPISODE_START, "Treatment episode began")
        if episode.discharged_on is not None:
            yield Marker(episode.discharged_on, MarkerKind.EPISODE_END, "Discharged")


def _journey_markers(journey: Iterable[JourneyEvent]) -> Iterable[Marker]:
    for event in effective(journey):
        found = _CUSTODY_MARKERS.get(event.kind)
        if found is not None:
            yield Marker(event.occurred_on, *found)
