"""Treatment episodes and current prescribing, derived from the journey's events.

An episode runs from a referral (or the first treatment event with none open) to a
discharge: NDTMS reports treatment by episode, with its interventions by setting and
type. Prescribing is what the person takes now and when they last took it: a missed or
doubled dose on the day of release is how people die, so it is shown everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from app.domain.journey.events import JourneyEvent, effective
from app.domain.journey.kinds import Kind

_OPENS = {Kind.REFERRAL_RECEIVED, Kind.TRIAGE_DONE, Kind.TREATMENT_STARTED,
          Kind.INTERVENTION_STARTED}


@dataclass(frozen=True)
class Intervention:
    event_id: str
    setting: str  # community, prison, inpatient, residential
    type: str  # pharmacological, psychosocial, recovery_support
    provider: str
    started_on: date
    ended_on: date | None = None


@dataclass(frozen=True)
class Episode:
    opened_on: date
    referred_on: date | None = None
    referral_source: str = ""
    triaged_on: date | None = None
    care_plan_started_on: date | None = None
    interventions: tuple[Intervention, ...] = field(default=())
    discharged_on: date | None = None
    discharge_reason: str = ""

    @property
    def is_open(self) -> bool:
        return self.discharged_on is None


@dataclass(frozen=True)
class Prescription:
    medicine: str
    daily_dose: str
    prescriber: str
    pharmacy: str
    since: date
    last_dose_on: date | None = None
    last_dose_time: str = ""


def episodes(events: Iterable[JourneyEvent]) -> list[Episode]:
    """The person's episodes, oldest first; the last may still be open."""
    found: list[Episode] = []
    current: Episode | None = None
    for event in effective(events):
        if current is None and event.kind in _OPENS:
            current = Episode(opened_on=event.occurred_on)
        if current is None:
            continue
        current = _apply(current, event)
        if not current.is_open:
            found.append(current)
            current = None
    return [*found, current] if current else found


def _apply(episode: Episode, event: JourneyEvent) -> Episode:
    on = event.occurred_on
    if event.kind is Kind.REFERRAL_RECEIVED and episode.referred_on is None:
        return replace(episode, referred_on=on, referral_source=event.text("source"))
    if event.kind is Kind.TRIAGE_DONE and episode.triaged_on is None:
        return replace(episode, triaged_on=on)
    if event.kind is Kind.TREATMENT_STARTED and episode.care_plan_started_on is None:
        return replace(episode, care_plan_started_on=on)
    if event.kind is Kind.INTERVENTION_STARTED:
        started = Intervention(event.id, event.text("intervention_setting"),
                               event.text("intervention_type"), event.place, on)
        return replace(episode, interventions=(*episode.interventions, started))
    if event.kind is Kind.INTERVENTION_ENDED:
        return replace(episode, interventions=tuple(
            replace(i, ended_on=on) if i.event_id == event.text("started_event") else i
            for i in episode.interventions))
    if event.kind is Kind.DISCHARGE:
        return replace(episode, discharged_on=on, discharge_reason=event.text("reason"),
                       interventions=tuple(i if i.ended_on else replace(i, ended_on=on)
                                           for i in episode.interventions))
    return episode


def current_prescription(events: Iterable[JourneyEvent], today: date) -> Prescription | None:
    """What the person is prescribed now, with the last dose known since it began."""
    prescription: Prescription | None = None
    for event in (e for e in effective(events) if e.occurred_on <= today):
        if event.kind is Kind.PRESCRIBED:
            last = prescription.last_dose_on if prescription else None
            prescription = Prescription(event.text("medicine"), event.text("daily_dose"),
                                        event.text("prescriber"), event.text("pharmacy"),
                                        event.occurred_on, last,
                                        prescription.last_dose_time if prescription else "")
        elif event.kind is Kind.PRESCRIBING_STOPPED:
            prescription = None
        elif event.kind is Kind.DOSE_GIVEN and prescription is not None:
            prescription = replace(prescription, last_dose_on=event.occurred_on,
                                   last_dose_time=event.text("time"))
    return prescription
