"""Referrals in the words a worker reads them: where each one is now, when the partner's
answer is due, and how long it has gone unanswered, said in words and not by colour alone
(a red cell is missed by a tired eye and by a screen reader)."""

from __future__ import annotations

from datetime import date

from app.domain.referrals import (
    SERVICE_LABELS,
    ReferralStatus,
    ReferralUpdate,
)
from app.services.referrals import Tracked

STATUS_WORDS = {
    ReferralStatus.SENT: "sent",
    ReferralStatus.ACKNOWLEDGED: "acknowledged",
    ReferralStatus.ACCEPTED: "accepted",
    ReferralStatus.DECLINED: "declined",
    ReferralStatus.OUTCOME_RECORDED: "outcome recorded",
    ReferralStatus.WITHDRAWN: "withdrawn",
}


def service_words(tracked: Tracked) -> str:
    return SERVICE_LABELS[tracked.referral.service]


def sent_words(tracked: Tracked) -> str:
    return f"{tracked.referral.sent_on:%d/%m/%Y}"


def where_now(tracked: Tracked) -> str:
    """'accepted 03/12' (the year is in the sent column and the steps); a step that did not
    follow is flagged for a worker to check."""
    state = tracked.state
    words = STATUS_WORDS[state.status]
    if state.status is not ReferralStatus.SENT:
        words += f" {state.since:%d/%m}"
    if state.set_aside:
        words += " — a step did not follow: check it"
    return words


def overdue(tracked: Tracked, today: date) -> bool:
    """No answer and the day it was due has come (the domain's `unanswered`)."""
    due = tracked.answer_due_on
    return due is not None and today >= due


def answer_words(tracked: Tracked, today: date) -> str:
    """'answer due 20/12', 'NO ANSWER — 16 days', 'answered' or 'closed': never a blank
    cell a tired worker must puzzle over. The days count from the last thing we heard (sent
    or acknowledged), as the due day does."""
    due = tracked.answer_due_on
    if due is None:
        return "answered" if tracked.state.open else "closed"
    if overdue(tracked, today):
        days = (today - tracked.state.since).days
        return f"NO ANSWER — {days} day{'s' if days != 1 else ''}"
    return f"answer due {due:%d/%m}"


def history_lines(tracked: Tracked) -> list[str]:
    """The referral and every step recorded, oldest first: what a colleague reads before
    phoning the partner. A step recorded in error stays, marked (corrected), and the step
    that replaced it says so."""
    referral = tracked.referral
    contact = f" ({referral.partner_contact})" if referral.partner_contact else ""
    lines = [f"Sent {referral.sent_on:%d/%m/%Y} by {referral.sent_by or 'someone'} to "
             f"{SERVICE_LABELS[referral.service]}{contact}.",
             f"Reason: {referral.reason}"]
    set_aside = {step.id for step in tracked.state.set_aside}
    by_id = {step.id: step for step in tracked.steps}
    replaced_by = {step.supersedes: step for step in tracked.steps if step.supersedes}
    lines += [_step_line(step, step.id in set_aside, replaced_by.get(step.id),
                         by_id.get(step.supersedes or ""))
              for step in tracked.steps]
    return lines


def step_words(step: ReferralUpdate) -> str:
    """'Accepted 03/12/2026 by Jo Bloggs', with its note if it has one."""
    line = f"{STATUS_WORDS[step.status].capitalize()} {step.on:%d/%m/%Y}"
    if step.recorded_by:
        line += f" by {step.recorded_by}"
    if step.note:
        line += f": {step.note}"
    return line


def _step_line(step: ReferralUpdate, set_aside: bool, replaced_by: ReferralUpdate | None,
               replaces: ReferralUpdate | None) -> str:
    line = step_words(step)
    if replaced_by is not None:
        return (f"(corrected) {line} — recorded in error, replaced by "
                f"'{_short(replaced_by)}'.")
    if replaces is not None:
        line += f" — corrects '{_short(replaces)}'."
    if set_aside:
        line += (" — SET ASIDE: it did not follow the step before (two laptops may both "
                 "have recorded one). Record the right step again.")
    return line


def _short(step: ReferralUpdate) -> str:
    return f"{STATUS_WORDS[step.status]} {step.on:%d/%m/%Y}"
