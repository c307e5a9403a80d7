"""A person's journey in words: codes turned into labels, dates as dd/mm/yyyy, yes/no
spelled out. The banner, the Journey tab's summary and its timeline all say it this way."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from app.domain.journey.events import JourneyEvent
from app.domain.journey.kinds import Detail, DetailType, Setting
from app.domain.journey.required_assessment import RaStage, RaState
from app.domain.journey.state import RECENT_RELEASE_DAYS, JourneyState, KeyDate
from app.domain.journey.treatment import Episode, Intervention, Prescription
from app.domain.valuesets import ValueSet
from app.services.journey import appointment_text

# Codes whose plain capitalised form would read wrongly or too tersely.
_CODE_WORDS = {
    "not_tested": "Not tested", "sentenced_custody": "Sentenced to custody",
    "sentenced_community": "Community sentence", "listed": "Listed (hearing to come)",
    "drug_rehabilitation": "Drug rehabilitation requirement",
    "alcohol_treatment": "Alcohol treatment requirement", "none": "No treatment requirement",
    "follow_up": "Follow-up assessment", "initial": "Initial assessment",
    "recovery_support": "Recovery support",
    "RA1": "RA1 — initial assessment appointment", "RA2": "RA2 — appointment changed",
    "RA3": "RA3 — attended and remained", "RA4": "RA4 — follow-up assessment given",
    "RA5": "RA5 — requirement ceases",
}
_SETTINGS = {Setting.CUSTODY: "In police custody", Setting.COURT: "At court",
             Setting.PRISON: "In prison", Setting.COMMUNITY: "In the community"}
_SHORT_SETTINGS = {Setting.CUSTODY: "Custody", Setting.COURT: "Court",
                   Setting.PRISON: "Prison", Setting.COMMUNITY: "Community"}
_STAGES = {
    RaStage.AWAITING_NOTICE: "positive test, no appointment given yet",
    RaStage.INITIAL_BOOKED: "initial assessment booked",
    RaStage.INITIAL_ATTENDED: "initial assessment attended: give the follow-up (RA4) or "
                              "end the requirement (RA5)",
    RaStage.FOLLOW_UP_BOOKED: "follow-up assessment booked",
    RaStage.FAILED: "FAILED TO ATTEND",
    RaStage.CEASED: "requirement ceased (RA5)", RaStage.COMPLETED: "completed",
}


def uk(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def code_words(detail: Detail, code: str, value_sets: Mapping[str, ValueSet]) -> str:
    if detail.value_set:
        options = value_sets.get(detail.value_set)
        return options.label_for(code) if options else code
    return plain_code(code)


def plain_code(code: str) -> str:
    return _CODE_WORDS.get(code) or code.replace("_", " ").capitalize()


def value_words(detail: Detail, value: object, value_sets: Mapping[str, ValueSet]) -> str:
    """One detail's value as a person reads it."""
    if detail.type is DetailType.YES_NO:
        return "Yes" if value else "No"
    if detail.type is DetailType.DATE and isinstance(value, str):
        return uk(date.fromisoformat(value))
    if detail.type is DetailType.CODE:
        return code_words(detail, str(value), value_sets)
    return str(value)


def details_words(event: JourneyEvent, value_sets: Mapping[str, ValueSet]) -> str:
    """'Offence: theft · Trigger offence: Yes', in the kind's own order."""
    return " · ".join(f"{d.label}: {value_words(d, event.details[d.name], value_sets)}"
                      for d in event.definition.details if d.name in event.details)


def event_summary(event: JourneyEvent) -> str:
    """'Arrest, 01/03/2026, Harlow custody suite': enough to name the event in a dialog."""
    return ", ".join(part for part in (event.definition.label, uk(event.occurred_on),
                                       event.place) if part)


# ---- where the person is and what comes next ----------------------------------------------
def setting_words(state: JourneyState, *, short: bool = False) -> str:
    if state.setting is Setting.UNKNOWN:
        return "Where they are: not known"
    return f"{(_SHORT_SETTINGS if short else _SETTINGS)[state.setting]} since {uk(state.since)}"


def key_date_words(key: KeyDate | None, today: date, *, short: bool = False) -> str:
    """'Next: Tuesday 08/12/2026 (in 3 days) — Court: Chelmsford Crown Court': the date
    first, where the eye lands; `short` names the day in three letters (the banner)."""
    if key is None:
        return "No key date ahead"
    days = (key.on - today).days
    when = "TODAY" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
    day = appointment_text(key.on)
    if short:
        day = day[:3] + day[day.index(" "):]
    return f"Next: {day} ({when}) — {key.what}"


def release_words(state: JourneyState) -> str:
    """'' when never released (or back inside); the overdose-risk window said in full."""
    days = state.days_since_release
    if days is None:
        return ""
    ago = "today" if days == 0 else "1 day ago" if days == 1 else f"{days} days ago"
    if state.recently_released:
        return f"Released {ago} ({uk(state.released_on)}): OVERDOSE RISK for " \
               f"{RECENT_RELEASE_DAYS} days — naloxone, check doses"
    return f"Released {ago} ({uk(state.released_on)})"


def risk_badge_words(state: JourneyState) -> str:
    """The banner's badge: short, for a glance."""
    days = state.days_since_release
    if days is None or not state.recently_released:
        return ""
    ago = "today" if days == 0 else "1 day ago" if days == 1 else f"{days} days ago"
    return f"Released {ago} — overdose risk"


def prescribing_words(given: Prescription | None) -> str:
    if given is None:
        return "No current prescribing recorded"
    last = (f"last dose {uk(given.last_dose_on)}"
            + (f" {given.last_dose_time}" if given.last_dose_time else "")
            if given.last_dose_on else "LAST DOSE NOT KNOWN")
    return f"Prescribed {given.medicine} {given.daily_dose} daily · {last}"


def ra_words(ra: RaState) -> str:
    """The Required Assessment's stage and its next appointment, or '' if there is none."""
    if ra.stage is RaStage.NONE:
        return ""
    text = f"Required Assessment: {_STAGES[ra.stage]}"
    if ra.appointment is not None:
        text += f" — {appointment_text(ra.appointment.on, ra.appointment_at)}"
        place = ra.appointment.what.partition(": ")[2]
        text += f", {place}" if place else ""
    if ra.attendance_unrecorded:
        text += ". The appointment has passed: record RA3 or a failure to attend"
    if ra.hold_initial_by is not None:
        text += f". Hold the initial assessment by {uk(ra.hold_initial_by)}"
    return text


def police_words(ra: RaState) -> str:
    """The open 'tell the police' steps, one line each; '' when there are none."""
    lines = []
    for step in ra.tell_police:
        which = code_words(step.failure.definition.details[0],
                           step.failure.text("stage"), {})
        remained = " (attended but did not remain)" if step.failure.details.get(
            "remained") else ""
        lines.append(f"failed to attend the {which.lower()}{remained} on "
                     f"{uk(step.failure.occurred_on)} ({step.failure.recorded_by or 'unknown'})")
    return ";\n".join(lines)


# ---- treatment episodes ---------------------------------------------------------------------
def episode_words(episode: Episode, value_sets: Mapping[str, ValueSet]) -> str:
    """'In treatment since 03/04/2026: referred 01/04/2026 by Arrest referral · triaged
    02/04/2026 · care plan from 03/04/2026 · Pharmacological, community, Harlow hub from
    05/04/2026 (ongoing)' — or 'Treatment 03/04/2026 to 10/06/2026, discharged (Treatment
    completed): …'."""
    if episode.is_open:
        head = f"In treatment since {uk(episode.opened_on)}"
    else:
        reason = _label(value_sets, "discharge_reasons", episode.discharge_reason)
        head = (f"Treatment {uk(episode.opened_on)} to {uk(episode.discharged_on)}, "
                f"discharged ({reason or 'reason not recorded'})")
    steps = [part for part in (
        episode.referred_on and f"referred {uk(episode.referred_on)} by "
        f"{_label(value_sets, 'referral_sources', episode.referral_source) or 'unknown'}",
        episode.triaged_on and f"triaged {uk(episode.triaged_on)}",
        episode.care_plan_started_on and f"care plan from {uk(episode.care_plan_started_on)}",
        *map(_intervention_words, episode.interventions)) if part]
    return head + (": " + " · ".join(steps) if steps else "")


def episodes_words(episodes: tuple[Episode, ...],
                   value_sets: Mapping[str, ValueSet]) -> str:
    """Every episode, the latest first, one line each; '' when never in treatment."""
    return "\n".join(episode_words(e, value_sets) for e in reversed(episodes))


def _intervention_words(given: Intervention) -> str:
    words = ", ".join(part for part in (
        plain_code(given.type), given.setting, given.provider) if part)
    ended = f" to {uk(given.ended_on)}" if given.ended_on else " (ongoing)"
    return f"{words} from {uk(given.started_on)}{ended}"


def _label(value_sets: Mapping[str, ValueSet], name: str, code: str) -> str:
    options = value_sets.get(name)
    return options.label_for(code) if options and code else code
