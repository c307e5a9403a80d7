"""Referrals to partner services, tracked to an answer: sent, acknowledged, accepted or
declined, and the outcome. A closed loop, not a note: an unanswered one becomes a task."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.domain import referrals as rules
from app.domain.audit import AuditAction
from app.domain.errors import InvalidValue
from app.domain.referrals import (
    Referral,
    ReferralService,
    ReferralState,
    ReferralStatus,
    ReferralUpdate,
)
from app.services.errors import InvalidInput, NotFound
from app.services.session import WorkerSession
from app.store.people_repo import PeopleRepository
from app.store.work_repo import WorkRepository


@dataclass(frozen=True)
class Tracked:
    """A referral, where it is now, and every step recorded."""

    referral: Referral
    state: ReferralState
    steps: tuple[ReferralUpdate, ...]
    answer_due_on: date | None
    person_name: str = ""

    @property
    def corrected(self) -> frozenset[str]:
        """The ids of the steps recorded in error and replaced by a correction."""
        return frozenset(s.supersedes for s in self.steps if s.supersedes)

    @property
    def last_step(self) -> ReferralUpdate | None:
        """The last standing step: the only one a correction may replace."""
        standing = _standing(self.steps)
        return standing[-1] if standing else None


def refer(*, session: WorkerSession, person_id: str, service: ReferralService, reason: str,
          partner_contact: str = "", today: date | None = None) -> Referral:
    today = today or date.today()
    given = Referral("", person_id, service, reason.strip(), today, session.worker.full_name,
                     partner_contact=partner_contact.strip())
    with session.transaction() as db:
        if not PeopleRepository(db).exists(person_id):
            raise NotFound("That person")
        repo = WorkRepository(db, session.context, session.worker.full_name)
        problems = rules.check(given, today=today, consents=repo.consents(person_id))
        if problems:
            raise InvalidInput(problems)
        stored = repo.add_referral(given)
        session.audit(db, AuditAction.EDIT, record_type="referral", record_id=person_id,
                      detail={"referral": stored.id, "service": service.value})
    return stored


def record_step(*, session: WorkerSession, referral_id: str, status: ReferralStatus,
                note: str = "", on: date | None = None, today: date | None = None,
                corrects: str | None = None) -> ReferralState:
    """Acknowledged, accepted, declined, outcome or withdrawn; refused, saying what may come
    next, when out of order. `corrects`: the id of the referral's last step, recorded in
    error; this step replaces it (checked as if it had never been) and it stays stored."""
    today = today or date.today()
    on = on or today
    if on > today:
        raise InvalidInput({"on": "A step cannot be recorded on a day still to come."})
    with session.transaction() as db:
        repo = WorkRepository(db, session.context, session.worker.full_name)
        referral = _referral(repo, referral_id)
        updates = [u for u in repo.referral_updates(referral.person_id)
                   if u.referral_id == referral.id]
        step = ReferralUpdate("", referral.id, referral.person_id, status, on,
                              session.worker.full_name, "", note.strip(), corrects)
        if corrects is not None:
            updates = _before_the_last(updates, corrects)
        try:
            state = rules.advance(referral, updates, step)
        except InvalidValue as refused:
            raise InvalidInput({refused.field or "status": str(refused)}) from None
        repo.add_referral_update(step)
        detail = {"referral": referral.id, "status": status.value}
        if corrects is not None:
            detail["corrects"] = corrects
        session.audit(db, AuditAction.EDIT, record_type="referral",
                      record_id=referral.person_id, detail=detail)
    return state


def could_have_been(tracked: Tracked) -> tuple[ReferralStatus, ...]:
    """What the last step may be corrected to: the steps allowed after the one before it,
    and its own status (the date or the note was wrong). Nothing when there is no step."""
    standing = _standing(tracked.steps)
    if not standing:
        return ()
    before = rules.state_of(tracked.referral, standing[:-1]).status
    allowed = rules.ALLOWED_NEXT[before] | {standing[-1].status}
    return tuple(status for status in ReferralStatus if status in allowed)


def _before_the_last(updates: list[ReferralUpdate], corrects: str) -> list[ReferralUpdate]:
    """The standing steps without the one corrected, which must be the last of them: an
    earlier one would rewrite the history the later steps followed from."""
    standing = _standing(updates)
    if corrects not in {u.id for u in updates}:
        raise InvalidInput({"corrects": "That step is not one of this referral's, so it "
                                        "cannot be corrected here."})
    if corrects not in {u.id for u in standing}:
        raise InvalidInput({"corrects": "That step was corrected already. Correct the step "
                                        "that replaced it instead."})
    if standing[-1].id != corrects:
        raise InvalidInput({"corrects": "Only the referral's last step can be corrected: "
                                        "steps recorded after this one followed from it."})
    return standing[:-1]


def _standing(steps: Iterable[ReferralUpdate]) -> list[ReferralUpdate]:
    """One referral's steps less those a correction replaced, in the order they happened
    (as the domain replays them)."""
    steps = list(steps)
    replaced = {s.supersedes for s in steps if s.supersedes}
    return sorted((s for s in steps if s.id not in replaced), key=ReferralUpdate.sort_key)


def of_person(*, session: WorkerSession, person_id: str) -> list[Tracked]:
    """The person's referrals, newest first."""
    with session.transaction(read_only=True) as db:
        repo = WorkRepository(db)
        referrals, updates = repo.referrals(person_id), repo.referral_updates(person_id)
    return sorted((_tracked(r, updates) for r in referrals),
                  key=lambda t: (t.referral.sent_on, t.referral.recorded_hlc), reverse=True)


def tracker(*, session: WorkerSession, open_only: bool = True) -> list[Tracked]:
    """Every referral on this laptop (the team's): oldest answer due first."""
    with session.transaction(read_only=True) as db:
        repo = WorkRepository(db)
        referrals = repo.all_referrals()
        updates = repo.referral_updates(*{r.person_id for r in referrals})
        people = PeopleRepository(db)
        names = {p.id: p.name.display() for p in people.get_many(
            people.present({r.person_id for r in referrals}))}
    tracked = [_tracked(r, updates, names.get(r.person_id, "")) for r in referrals]
    if open_only:
        tracked = [t for t in tracked if t.state.open]
    return sorted(tracked, key=lambda t: (t.answer_due_on or date.max, t.referral.sent_on))


def _tracked(referral: Referral, updates: list[ReferralUpdate], name: str = "") -> Tracked:
    mine = tuple(sorted((u for u in updates if u.referral_id == referral.id),
                        key=ReferralUpdate.sort_key))
    state = rules.state_of(referral, mine)
    return Tracked(referral, state, mine, rules.answer_due_on(referral, state), name)


def _referral(repo: WorkRepository, referral_id: str) -> Referral:
    found = repo.referrals_by_id(referral_id)
    if not found:
        raise NotFound("That referral")
    return found[0]

