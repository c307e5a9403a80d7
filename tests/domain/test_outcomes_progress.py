"""A person's progress: series of answered measures and the markers between them."""

from __future__ import annotations

from datetime import date

from app.domain.journey.kinds import Kind
from app.domain.journey.treatment import episodes
from app.domain.outcomes.progress import Marker, MarkerKind, Point, progress
from app.domain.outcomes.top import Crime, Days, FormKind, Rating, Substance, TopForm
from tests.domain.journey_events import event


def _form(id_: str, on: date, opiates: int | None, shoplifting: int, quality: int,
          **extra: object) -> TopForm:
    use = {} if opiates is None else {Substance.OPIATES: Days(total_given=opiates)}
    return TopForm(id_, "p1", FormKind.REVIEW, on, use=use,
                   crime_days={Crime.SHOPLIFTING: shoplifting, Crime.DRUG_SELLING: 2},
                   ratings={Rating.QUALITY_OF_LIFE: quality}, **extra)  # type: ignore[arg-type]


def test_series_follow_the_standing_forms_and_leave_gaps_for_unanswered() -> None:
    forms = [_form("a", date(2026, 1, 10), 20, 6, 5),
             _form("b", date(2026, 4, 10), None, 3, 9),
             _form("c", date(2026, 7, 10), 12, 1, 11),
             _form("c2", date(2026, 7, 10), 8, 1, 12, supersedes="c")]
    charts = {s.name: s for s in progress(forms, episodes=[], journey=[]).series}

    assert charts["use.opiates"].points == (Point(date(2026, 1, 10), 20),
                                           Point(date(2026, 7, 10), 8))
    # Crime days add the types: 6+2, 3+2, 1+2.
    assert [p.value for p in charts["crime_days"].points] == [8, 5, 3]
    assert [p.value for p in charts["rating.quality_of_life"].points] == [5, 9, 12]
    assert charts["use.crack"].points == ()
    assert charts["use.opiates"].lower_is_better
    assert not charts["rating.quality_of_life"].lower_is_better


def test_markers_show_episodes_custody_and_care_plans_in_date_order() -> None:
    arrest = event(Kind.ARREST, date(2026, 2, 3), offence="theft", trigger_offence=True)
    journey = [event(Kind.REFERRAL_RECEIVED, date(2026, 1, 5), source="63"),
               arrest,
               event(Kind.ARREST, date(2026, 2, 4), supersedes=arrest.id, offence="theft",
                     trigger_offence=True),
               event(Kind.COURT_HEARING, date(2026, 2, 20), outcome="remanded"),
               event(Kind.PRISON_RECEPTION, date(2026, 2, 20), "HMP Chelmsford"),
               event(Kind.RELEASE, date(2026, 5, 1)),
               event(Kind.DISCHARGE, date(2026, 6, 1), reason="prison")]
    result = progress([], episodes=episodes(journey), journey=journey,
                      care_plan_dates=[date(2026, 1, 20)])

    assert result.markers == (
        Marker(date(2026, 1, 5), MarkerKind.EPISODE_START, "Treatment episode began"),
        Marker(date(2026, 1, 20), MarkerKind.CARE_PLAN, "Care plan signed"),
        Marker(date(2026, 2, 4), MarkerKind.ARREST, "Arrested"),
        Marker(date(2026, 2, 20), MarkerKind.COURT, "Court"),
        Marker(date(2026, 2, 20), MarkerKind.PRISON, "Into prison"),
        Marker(date(2026, 5, 1), MarkerKind.RELEASE, "Released"),
        Marker(date(2026, 6, 1), MarkerKind.EPISODE_END, "Discharged"))
