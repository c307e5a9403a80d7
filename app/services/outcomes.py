"""TOP outcome forms for one person: record one (or a correction), list them, what is
due, and the progress the charts draw."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from app.domain.audit import AuditAction
from app.domain.journey.treatment import Episode, episodes
from app.domain.outcomes.progress import Progress, progress
from app.domain.outcomes.schedule import forms_due
from app.domain.outcomes.top import TopForm, check, standing
from app.domain.tasks.inputs import OutcomeFormDue
from app.services.errors import InvalidInput, NotFound
from app.services.session import WorkerSession
from app.store.careplan_repo import CarePlanRepository
from app.store.journey_repo import JourneyRepository
from app.store.outcome_repo import OutcomeRepository
from app.store.people_repo import PeopleRepository


@dataclass(frozen=True)
class Outcomes:
    """What the Outcomes tab shows: the forms that stand (oldest first), what is due,
    and the charts' series and markers."""

    forms: tuple[TopForm, ...]
    due: tuple[OutcomeFormDue, ...]
    progress: Progress
    episodes: tuple[Episode, ...]


def episode_start_for(spans: Sequence[Episode], completed_on: date) -> date | None:
    """The start of the episode a form dated `completed_on` belongs to: the latest one
    begun by then. A form dated before every episode gets the first one's start, so the
    check can say so; a person with no episode has nothing to check against."""
    begun = [e.opened_on for e in spans if e.opened_on <= completed_on]
    if begun:
        return max(begun)
    return min((e.opened_on for e in spans), default=None)


def record(*, session: WorkerSession, form: TopForm, today: date | None = None) -> TopForm:
    """Check and store a form (a correction names the form it supersedes in the form).
    InvalidInput carries {field: message} for the screen to put beside each box."""
    today = today or date.today()
    with session.transaction() as db:
        if not PeopleRepository(db).exists(form.person_id):
            raise NotFound("That person")
        repo = OutcomeRepository(db, session.context, session.worker.full_name)
        if form.supersedes and form.supersedes not in {
                f.id for f in repo.forms(form.person_id)}:
            raise InvalidInput({"supersedes": "The form being corrected is not this "
                                              "person's."})
        spans = episodes(JourneyRepository(db).events_of(form.person_id))
        problems = check(form, episode_started_on=episode_start_for(spans, form.completed_on),
                         today=today)
        if problems:
            raise InvalidInput(problems)
        stored = repo.add(replace(form, id=""))
        session.audit(db, AuditAction.EDIT, record_type="top_form",
                      record_id=form.person_id, detail={"form": stored.id,
                                                        "kind": stored.kind.value})
    return stored


def of_person(*, session: WorkerSession, person_id: str,
              today: date | None = None) -> Outcomes:
    today = today or date.today()
    with session.transaction(read_only=True) as db:
        forms = OutcomeRepository(db).forms(person_id)
        journey = JourneyRepository(db).events_of(person_id)
        versions = CarePlanRepository(db).versions(person_id)
    spans = episodes(journey)
    signed = [_day(v.signed_at) for v in versions if v.signed_at]
    return Outcomes(forms=tuple(standing(forms)), due=tuple(forms_due(spans, forms, today=today)),
                    progress=progress(forms, episodes=spans, journey=journey,
                                      care_plan_dates=[d for d in signed if d]),
                    episodes=tuple(spans))


def _day(moment: str) -> date | None:
    try:
        return datetime.fromisoformat(moment).date()
    except ValueError:
        return None
