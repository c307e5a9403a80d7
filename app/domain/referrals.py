"""Referrals to partner services, tracked until the partner answers and the outcome is known.

A referral is sent with a reason; each later step (acknowledged, accepted or declined,
outcome recorded, or withdrawn by us) is an append-only update naming the referral, so a
referral is a closed loop and not a note. The current status is the updates replayed in
clock order. `advance` refuses a step out of order when it is recorded; the replay itself
never refuses (two laptops offline may each record a step), it sets aside what does not
follow and says so, for a worker to correct.

The services are not the consent agencies (`consent.PartnerAgency`): a GP or a mental
health team receives a referral but is not a partner that reads the shared record. Where
a service is also a consent agency the code is the same, so consent can be checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.domain.consent import ConsentRecord, PartnerAgency, agencies_with_consent
from app.domain.errors import InvalidValue

# Two weeks: long enough for a partner's weekly allocation meeting to have sat twice,
# short enough that a person waiting on housing at release is not forgotten. Calendar
# days, and a chase falling on a weekend waits for the Monday (tasks.calendar).
DEFAULT_ANSWER_DAYS = 14
MAX_REASON = 2000


class ReferralService(StrEnum):
    HOUSING = "housing"
    MENTAL_HEALTH = "mental_health"
    GP = "gp"
    EMPLOYMENT = "employment"
    RESIDENTIAL_REHAB = "residential_rehab"
    YOUNG_PEOPLES_SERVICE = "young_peoples_service"
    SOCIAL_SERVICES = "social_services"
    PROBATION = "probation"


SERVICE_LABELS = {
    ReferralService.HOUSING: "Housing services",
    ReferralService.MENTAL_HEALTH: "Mental health service",
    ReferralService.GP: "GP",
    ReferralService.EMPLOYMENT: "Employment support",
    ReferralService.RESIDENTIAL_REHAB: "Residential rehabilitation",
    ReferralService.YOUNG_PEOPLES_SERVICE: "Young people's service",
    ReferralService.SOCIAL_SERVICES: "Social services",
    ReferralService.PROBATION: "Probation",
}


class ReferralStatus(StrEnum):
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    OUTCOME_RECORDED = "outcome_recorded"
    WITHDRAWN = "withdrawn"  # we stopped it: the person changed their mind, moved away...


# A partner that accepts or declines at once has acknowledged too: that step may be skipped.
ALLOWED_NEXT: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    ReferralStatus.SENT: frozenset({ReferralStatus.ACKNOWLEDGED, ReferralStatus.ACCEPTED,
                                    ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN}),
    ReferralStatus.ACKNOWLEDGED: frozenset({ReferralStatus.ACCEPTED, ReferralStatus.DECLINED,
                                            ReferralStatus.WITHDRAWN}),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.OUTCOME_RECORDED,
                                        ReferralStatus.WITHDRAWN}),
    ReferralStatus.DECLINED: frozenset({ReferralStatus.OUTCOME_RECORDED}),
    ReferralStatus.OUTCOME_RECORDED: frozenset(),
    ReferralStatus.WITHDRAWN: frozenset(),
}
AWAITING_ANSWER = frozenset({ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED})
_NEEDS_NOTE = frozenset({ReferralStatus.DECLINED, ReferralStatus.OUTCOME_RECORDED,
                         ReferralStatus.WITHDRAWN})


class InvalidReferralStep(InvalidValue):
    """A referral step cannot be recorded now."""


@dataclass(frozen=True)
class Referral:
    id: str
    person_id: str
    service: ReferralService
    reason: str
    sent_on: date
    sent_by: str
    recorded_hlc: str = ""
    partner_contact: str = ""  # the named team or person it went to


@dataclass(frozen=True)
class ReferralUpdate:
    id: str
    referral_id: str
    person_id: str
    status: ReferralStatus
    on: date
    recorded_by: str
    recorded_hlc: str
    note: str = ""  # why declined, what the outcome was, why withdrawn
    supersedes: str | None = None  # a step recorded in error, replaced by this one

    def sort_key(self) -> tuple[date, str, str]:
        return self.on, self.recorded_hlc, self.id


@dataclass(frozen=True)
class ReferralState:
    status: ReferralStatus
    since: date
    set_aside: tuple[ReferralUpdate, ...] = ()  # steps that did not follow: show them

    @property
    def open(self) -> bool:
        return self.status not in (ReferralStatus.OUTCOME_RECORDED, ReferralStatus.WITHDRAWN)


def state_of(referral: Referral, updates: Iterable[ReferralUpdate]) -> ReferralState:
    """Where the referral is now: its standing updates replayed in order."""
    status, since, set_aside = ReferralStatus.SENT, referral.sent_on, []
    for update in _standing(referral, updates):
        if update.status in ALLOWED_NEXT[status]:
            status, since = update.status, update.on
        else:
            set_aside.append(update)
    return ReferralState(status, since, tuple(set_aside))


def advance(referral: Referral, updates: Iterable[ReferralUpdate],
            step: ReferralUpdate) -> ReferralState:
    """The state after `step`; raise InvalidReferralStep, saying why, if it is out of order."""
    current = state_of(referral, updates)
    if step.referral_id != referral.id or step.person_id != referral.person_id:
        raise InvalidReferralStep("This update is for another referral.",
                                  "Record it on the referral it belongs to.", field="referral_id")
    if step.status not in ALLOWED_NEXT[current.status]:
        raise InvalidReferralStep(*_out_of_order(current.status, step.status), field="status")
    if step.on < current.since:
        raise InvalidReferralStep(f"{step.on:%d/%m/%Y} is before the referral was "
                                  f"{current.status.value.replace('_', ' ')} "
                                  f"({current.since:%d/%m/%Y}).", "Check the date.", field="on")
    if step.status in _NEEDS_NOTE and not step.note.strip():
        raise InvalidReferralStep("A note is needed for this step.",
                                  "Write the reason or the outcome in a few words.", field="note")
    return ReferralState(step.status, step.on)


def _out_of_order(current: ReferralStatus, wanted: ReferralStatus) -> tuple[str, str]:
    said = current.value.replace("_", " ")
    if not ALLOWED_NEXT[current]:
        return f"The referral is closed ({said}).", "Make a new referral if it is needed again."
    choices = [s.value.replace("_", " ") for s in ReferralStatus if s in ALLOWED_NEXT[current]]
    listed = " or ".join(choices) if len(choices) < 3 else (
        f"{', '.join(choices[:-1])} or {choices[-1]}")
    return (f"A referral that is {said} cannot be {wanted.value.replace('_', ' ')} next.",
            f"Next it can be {listed}.")


def check(referral: Referral, *, today: date,
          consents: Iterable[ConsentRecord] | None = None) -> dict[str, str]:
    """Problems keyed by field; empty when the referral can be sent. With `consents`, a
    service that reads the shared record needs the person's consent to share with it."""
    problems: dict[str, str] = {}
    if not referral.reason.strip():
        problems["reason"] = "Write the reason for the referral: the partner reads it first."
    elif len(referral.reason) > MAX_REASON:
        problems["reason"] = f"Keep the reason under {MAX_REASON} characters."
    if referral.sent_on > today:
        problems["sent_on"] = "A referral cannot be sent on a day still to come."
    if not referral.sent_by.strip():
        problems["sent_by"] = "The referral must say who sent it. Sign in again."
    agency = _consent_agency(referral.service)
    if consents is not None and agency is not None and agency not in agencies_with_consent(
            consents, referral.sent_on):
        problems["service"] = (f"They have not consented to share with "
                               f"{SERVICE_LABELS[referral.service].lower()}. Ask them and "
                               "record their consent before referring.")
    return problems


def answer_due_on(referral: Referral, state: ReferralState,
                  answer_days: int = DEFAULT_ANSWER_DAYS) -> date | None:
    """The day an answer is overdue from: counted from the last step we heard of (sent, or
    acknowledged), so an acknowledgement buys the partner another period. None once
    answered or closed."""
    if state.status not in AWAITING_ANSWER:
        return None
    return state.since + timedelta(days=answer_days)


def unanswered(referral: Referral, updates: Iterable[ReferralUpdate], today: date,
               answer_days: int = DEFAULT_ANSWER_DAYS) -> bool:
    """Neither accepted nor declined, and `answer_days` have passed since the last step."""
    due = answer_due_on(referral, state_of(referral, updates), answer_days)
    return due is not None and today >= due


def _standing(referral: Referral, updates: Iterable[ReferralUpdate]) -> list[ReferralUpdate]:
    mine = [u for u in updates if u.referral_id == referral.id]
    replaced = {u.supersedes for u in mine if u.supersedes}
    return sorted((u for u in mine if u.id not in replaced), key=ReferralUpdate.sort_key)


def _consent_agency(service: ReferralService) -> PartnerAgency | None:
    try:
        return PartnerAgency(service.value)
    except ValueError:
        return None
