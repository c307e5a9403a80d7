"""Treatment episodes and current prescribing, derived from events."""

from __future__ import annotations

from datetime import date

from app.domain.journey.kinds import Kind
from app.domain.journey.treatment import current_prescription, episodes
from tests.domain.journey_events import event


def _methadone(on: date, dose: str = "60 mg") -> object:
    return event(Kind.PRESCRIBED, on, medicine="Methadone 1 mg/ml", daily_dose=dose,
                 prescriber="Dr Patel", pharmacy="Boots, Harlow")


def test_an_episode_runs_from_referral_to_discharge_with_its_interventions() -> None:
    started = event(Kind.INTERVENTION_STARTED, date(2026, 1, 12), "Harlow hub",
                    intervention_setting="community", intervention_type="pharmacological")
    events = [
        event(Kind.REFERRAL_RECEIVED, date(2026, 1, 5), source="63"),
        event(Kind.TRIAGE_DONE, date(2026, 1, 6)),
        event(Kind.TREATMENT_STARTED, date(2026, 1, 9)),
        started,
        event(Kind.INTERVENTION_STARTED, date(2026, 2, 1), "Open Road",
              intervention_setting="community", intervention_type="psychosocial"),
        event(Kind.INTERVENTION_ENDED, date(2026, 2, 20), started_event=started.id),
        event(Kind.DISCHARGE, date(2026, 3, 1), reason="completed"),
        event(Kind.REFERRAL_RECEIVED, date(2026, 5, 1), source="64"),
    ]

    first, second = episodes(events)
    assert (first.referred_on, first.referral_source, first.triaged_on,
            first.care_plan_started_on) == (date(2026, 1, 5), "63", date(2026, 1, 6),
                                            date(2026, 1, 9))
    assert [(i.type, i.ended_on) for i in first.interventions] == [
        ("pharmacological", date(2026, 2, 20)), ("psychosocial", date(2026, 3, 1))]
    assert (first.discharged_on, first.discharge_reason, first.is_open) == (
        date(2026, 3, 1), "completed", False)
    assert second.is_open and second.referral_source == "64"


def test_events_outside_treatment_open_no_episode() -> None:
    assert episodes([event(Kind.ARREST, date(2026, 1, 5), offence="x",
                           trigger_offence=True)]) == []


def test_current_prescribing_keeps_the_last_dose_through_a_dose_change() -> None:
    events = [_methadone(date(2026, 3, 3)),
              event(Kind.DOSE_GIVEN, date(2026, 4, 16), time="08:15"),
              _methadone(date(2026, 4, 17), "50 mg")]

    now = current_prescription(events, date(2026, 4, 17))
    assert (now.daily_dose, now.since, now.last_dose_on, now.last_dose_time) == (
        "50 mg", date(2026, 4, 17), date(2026, 4, 16), "08:15")
    assert current_prescription(events, date(2026, 3, 2)) is None


def test_stopping_ends_prescribing_and_a_dose_with_nothing_prescribed_is_not_a_script() -> None:
    events = [event(Kind.DOSE_GIVEN, date(2026, 3, 1)), _methadone(date(2026, 3, 3)),
              event(Kind.PRESCRIBING_STOPPED, date(2026, 3, 20))]

    assert current_prescription(events, date(2026, 3, 10)).last_dose_on is None
    assert current_prescription(events, date(2026, 3, 20)) is None
