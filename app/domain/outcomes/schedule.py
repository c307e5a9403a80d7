"""When TOP forms are due, from a person's treatment episodes and the forms they have.

Each episode has slots: the start form at treatment start, a review every three months
while the episode is open, the exit form at discharge and a post-exit form some months
later. A slot opens `window_days` before its due day (the task list shows it from then)
and closes when the next slot opens: a review missed is overtaken by the next one, not
chased for ever. A standing form of the slot's kind dated inside the slot fills it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.journey.treatment import Episode
from app.domain.outcomes.form import FORM_NAMES, FormKind, TopForm, standing
from app.domain.outcomes.months import add_months
from app.domain.tasks.inputs import OutcomeFormDue

_DAY = timedelta(days=1)
_LOOK_AHEAD_DAYS = 200  # past the next review's window, whatever the review period


@dataclass(frozen=True)
class ScheduleRules:
    review_months: int = 3
    window_days: int = 14  # the tasks' FORM_LEAD: a review may be done two weeks early
    post_exit_months: int = 6
    # Discharge reasons after which nobody can be asked: no exit or post-exit form.
    no_forms_after: frozenset[str] = frozenset({"died"})


DEFAULT_RULES = ScheduleRules()


@dataclass(frozen=True)
class Slot:
    source_id: str
    kind: FormKind
    due_on: date
    opens_on: date
    closes_on: date | None  # None: open until filled

    def fits(self, form: TopForm) -> bool:
        return form.kind is self.kind and self.opens_on <= form.completed_on and (
            self.closes_on is None or form.completed_on <= self.closes_on)


def treatment_start(episode: Episode) -> date | None:
    """The day treatment began: triage, the care plan or the first intervention, whichever
    came first. An episode that is only a referral has no forms due yet."""
    days = [episode.triaged_on, episode.care_plan_started_on,
            *(i.started_on for i in episode.interventions)]
    return min((d for d in days if d is not None), default=None)


def forms_due(episodes: Sequence[Episode], forms: Iterable[TopForm], *, today: date,
              rules: ScheduleRules = DEFAULT_RULES) -> list[OutcomeFormDue]:
    """The forms due for one person, soonest first: every open slot not yet filled, and
    each episode's next slot, so the list is right before anything syncs again."""
    done = standing(forms)
    due: list[OutcomeFormDue] = []
    for index, episode in enumerate(episodes):
        after = episodes[index + 1].opened_on if index + 1 < len(episodes) else None
        # Slots a little past today, so the last one listed knows the day it closes.
        unfilled = [s for s in slots(episode, rules=rules, next_opened_on=after,
                                     until=today + timedelta(days=_LOOK_AHEAD_DAYS))
                    if not any(s.fits(f) for f in done)]
        due += [_due(s) for s in unfilled if s.opens_on <= today and (
            s.closes_on is None or today <= s.closes_on)]
        due += [_due(s) for s in unfilled if s.opens_on > today][:1]
    return sorted(due, key=lambda d: (d.due_on, d.source_id))


def slots_ahead(episodes: Sequence[Episode], forms: Iterable[TopForm], *, today: date,
                horizon_days: int = 400, rules: ScheduleRules = DEFAULT_RULES
                ) -> list[OutcomeFormDue]:
    """Every unfilled slot still open on `today` or opening within the horizon, each with
    the day it closes: what the task index keeps, so the list stays right day by day (a
    review missed drops off when the next opens) while nothing is written for months."""
    done = standing(forms)
    until = today + timedelta(days=horizon_days)
    due: list[OutcomeFormDue] = []
    for index, episode in enumerate(episodes):
        after = episodes[index + 1].opened_on if index + 1 < len(episodes) else None
        due += [_due(s) for s in slots(episode, rules=rules, next_opened_on=after, until=until)
                if not any(s.fits(f) for f in done) and s.opens_on <= until
                and (s.closes_on is None or today <= s.closes_on)]
    return sorted(due, key=lambda d: (d.due_on, d.source_id))


def _due(slot: Slot) -> OutcomeFormDue:
    return OutcomeFormDue(slot.source_id, FORM_NAMES[slot.kind], slot.due_on, slot.opens_on,
                          slot.closes_on)


def slots(episode: Episode, *, rules: ScheduleRules = DEFAULT_RULES,
          next_opened_on: date | None = None, until: date) -> list[Slot]:
    """An episode's slots in order; an open episode's stop at the first that opens after
    `until` (reviews go on while treatment does)."""
    start = treatment_start(episode)
    if start is None:
        return []
    key = f"episode-{episode.opened_on.isoformat()}"
    dues = [(FormKind.START, start, key + "/start")]
    dues += _reviews(start, episode.discharged_on, rules, until, key)
    ended = episode.discharged_on
    if ended is not None and episode.discharge_reason not in rules.no_forms_after:
        dues.append((FormKind.EXIT, ended, key + "/exit"))
        post = add_months(ended, rules.post_exit_months)
        if next_opened_on is None or next_opened_on > post:
            dues.append((FormKind.POST_EXIT, post, key + "/post-exit"))
    return _windows(dues, rules, episode.opened_on, next_opened_on)


def _reviews(start: date, discharged_on: date | None, rules: ScheduleRules, until: date,
             key: str) -> list[tuple[FormKind, date, str]]:
    """Reviews every few months; none due on or after discharge (the exit form serves)."""
    found = []
    for number in itertools.count(1):
        due = add_months(start, rules.review_months * number)
        if discharged_on is not None and due >= discharged_on:
            break
        found.append((FormKind.REVIEW, due, f"{key}/review-{number}"))
        if due - timedelta(days=rules.window_days) > until:
            break  # one beyond today is enough to know what comes next
    return found


def _windows(dues: list[tuple[FormKind, date, str]], rules: ScheduleRules, opened_on: date,
             next_opened_on: date | None) -> list[Slot]:
    """Each slot opens a window before its due day (never before the episode began) and
    closes when the next opens; the last closes a review period after it fell due, or
    when the person's next episode begins."""
    lead = timedelta(days=rules.window_days)
    # A slot never opens before the previous one falls due: in a short episode the exit
    # window would otherwise swallow the start form's.
    opens = [max(due - lead, opened_on, *([dues[i - 1][1] + _DAY] if i else []))
             for i, (_, due, _) in enumerate(dues)]
    found = []
    for index, (kind, due, source_id) in enumerate(dues):
        closes = opens[index + 1] - _DAY if index + 1 < len(dues) else None
        if closes is None and kind in (FormKind.EXIT, FormKind.POST_EXIT):
            closes = add_months(due, rules.review_months)
        if next_opened_on is not None and (closes is None or closes >= next_opened_on):
            closes = next_opened_on - _DAY
        found.append(Slot(source_id, kind, due, opens[index], closes))
    return found
