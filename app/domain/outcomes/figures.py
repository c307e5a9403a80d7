"""A team's figures for a quarter: the dashboard and the quarterly evaluation.

Counting rules, so a reader can check any figure by hand:
- caseload: people first seen on or before the quarter's end who, during the quarter,
  were first seen, had a treatment episode open or had any journey event;
- new people: first contact inside the quarter, by route;
- in treatment: people with an episode open on some day of the quarter whose treatment
  had begun (see schedule.treatment_start) by its end;
- exits: episodes discharged inside the quarter, planned or not (cohort.PLANNED_EXITS);
- change: per measure between each caseload person's first and latest form to date.
Records dated after the quarter's end are ignored, except where a figure looks forward
from a day inside it (an arrest's assessment, a release's appointment).
The raw counts here are never published as they are: suppress.shown() turns them into
what a page or a file may show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from app.domain.journey.events import effective
from app.domain.journey.treatment import Episode, episodes
from app.domain.outcomes.change import MeasureChange, changes, first_and_latest
from app.domain.outcomes.cohort import CohortPerson, Route, is_planned_exit
from app.domain.outcomes.compliance import RaCompliance, compliance
from app.domain.outcomes.months import Quarter
from app.domain.outcomes.revolving import RevolvingDoor, Waits, revolving_door, waits
from app.domain.outcomes.schedule import treatment_start

REVOLVING_MONTHS = (6, 12)


@dataclass(frozen=True)
class QuarterFigures:
    quarter: Quarter
    caseload: int
    new_by_route: Mapping[Route, int]
    in_treatment: int
    planned_exits: int
    unplanned_exits: int
    changes: tuple[MeasureChange, ...]
    ra: RaCompliance
    revolving: tuple[RevolvingDoor, ...]  # one per REVOLVING_MONTHS
    waits: Waits


def quarter_figures(cohort: Sequence[CohortPerson], quarter: Quarter) -> QuarterFigures:
    known = [_as_at(p, quarter) for p in cohort if p.first_contact_on <= quarter.end]
    spans = {p.person_id: episodes(p.journey) for p in known}
    caseload = [p for p in known if _active(p, spans[p.person_id], quarter)]
    exits = [e for p in known for e in spans[p.person_id] if e.discharged_on in quarter]
    pairs = [pair for p in caseload if (pair := first_and_latest(p.forms, by=quarter.end))]
    ra = RaCompliance()
    for person in known:
        ra += compliance(person.journey, quarter)
    return QuarterFigures(
        quarter=quarter, caseload=len(caseload),
        new_by_route={route: sum(p.route is route and p.first_contact_on in quarter
                                 for p in known) for route in Route},
        in_treatment=sum(any(_treated(e, quarter) for e in spans[p.person_id]) for p in known),
        planned_exits=sum(is_planned_exit(e.discharge_reason) for e in exits),
        unplanned_exits=sum(not is_planned_exit(e.discharge_reason) for e in exits),
        changes=changes(pairs), ra=ra,
        revolving=tuple(revolving_door(known, quarter, m) for m in REVOLVING_MONTHS),
        # Only people the scheme had met by the quarter's end; their waits look forward
        # past it (an arrest's assessment may come after), so the journey is not cut.
        waits=waits([p for p in cohort if p.first_contact_on <= quarter.end], quarter))


def _as_at(person: CohortPerson, quarter: Quarter) -> CohortPerson:
    """The person as the record stood at the quarter's end."""
    return replace(person, journey=tuple(e for e in effective(person.journey)
                                         if e.occurred_on <= quarter.end))


def _active(person: CohortPerson, spans: Sequence[Episode], quarter: Quarter) -> bool:
    return (person.first_contact_on in quarter
            or any(quarter.overlaps(e.opened_on, e.discharged_on) for e in spans)
            or any(e.occurred_on in quarter for e in person.journey))


def _treated(episode: Episode, quarter: Quarter) -> bool:
    began = treatment_start(episode)
    return began is not None and quarter.overlaps(began, episode.discharged_on)
