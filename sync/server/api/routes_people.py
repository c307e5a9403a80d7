"""The person registry as a device sees it: reads and reaches through access, writes
through the registry's one writer (services/registry)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Response
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server.api import schemas as s
from sync.server.api import worker_limits
from sync.server.api.deps import Db, Hasher, WorkerCaller
from sync.server.models import Person
from sync.server.services import access, auth, call_limits, handovers, registry

router = APIRouter(tags=["people"])
_REFUSALS = {code: {"model": s.ErrorBody} for code in (401, 403, 404, 409)}
_LIMITED = {**_REFUSALS, 429: {"model": s.ErrorBody, "description": "too many; see Retry-After"}}
PersonId = Path(pattern=s.UUID_PATTERN, description="the client-made person UUID")


def _view(db: Session, person: Person) -> s.PersonView:
    return s.PersonView.model_validate(access.view(db, person))


@router.get(p.PEOPLE_PATH, response_model=s.PeoplePage, responses=_REFUSALS)
def list_people(db: Db, caller: WorkerCaller) -> s.PeoplePage:
    """Only the people this caller may see (team, fetched, or consent for partners)."""
    rows = db.scalars(access.visible_query(caller).order_by(Person.id).limit(1000))
    return s.PeoplePage(people=[_view(db, person) for person in rows])


@router.post(p.PEOPLE_PATH, response_model=s.PersonView, status_code=201, responses=_REFUSALS)
def create_person(
    body: s.PersonCreate, db: Db, caller: WorkerCaller, response: Response
) -> s.PersonView:
    person, created = registry.create_person(db, caller, body.model_dump())  # type: ignore[arg-type]
    if not created:
        response.status_code = 200  # a repeat of an earlier create: same answer, no new row
    return _view(db, person)


@router.get(p.PEOPLE_PATH + "/{person_id}", response_model=s.PersonView, responses=_REFUSALS)
def get_person(db: Db, caller: WorkerCaller, person_id: str = PersonId) -> s.PersonView:
    return _view(db, access.get_visible(db, caller, person_id))


@router.put(
    p.PEOPLE_PATH + "/{person_id}/consents", response_model=s.PersonView, responses=_REFUSALS
)
def put_consents(
    body: s.ConsentUpdate, db: Db, caller: WorkerCaller, person_id: str = PersonId
) -> s.PersonView:
    entries = [c.model_dump() for c in body.consents]
    return _view(db, registry.set_consent(db, caller, person_id, entries))  # type: ignore[arg-type]


def limit_lookups(db: Db, caller: WorkerCaller) -> None:
    """Per worker and per laptop, so the registry cannot be read out by lookups."""
    tell = worker_limits.tell_lead(db, caller, what="person lookups",
                                   action="person.lookup_limited")
    call_limits.enforce(db, worker_limits.lookup_checks(caller), tell=tell)


@router.post(p.LOOKUP_PATH, response_model=list[s.LookupMatch], responses=_LIMITED,
             dependencies=[Depends(limit_lookups)])
def lookup(body: s.LookupRequest, db: Db, caller: WorkerCaller) -> list[s.LookupMatch]:
    """Find a person known to another team (no record content), to fetch on purpose."""
    found = access.lookup(
        db,
        caller,
        linkage_key=body.linkage_key,
        identifier=body.identifier.model_dump() if body.identifier else None,
    )  # type: ignore[arg-type]
    return [
        s.LookupMatch(person_id=m.person.id, owning_team_id=m.person.owning_team_id,
                      linkage_key=m.person.linkage_key, team_name=m.team_name,
                      consent=m.consent)
        for m in access.describe_matches(db, caller, found)
    ]


@router.post(p.PEOPLE_PATH + "/{person_id}/fetch", response_model=s.PersonView, responses=_REFUSALS)
def fetch(
    body: s.FetchRequest, db: Db, caller: WorkerCaller, person_id: str = PersonId
) -> s.PersonView:
    """Bring a person onto this device on purpose; their consent must cover your agency."""
    return _view(db, access.fetch(db, caller, person_id, reason=body.reason))


@router.post(
    p.PEOPLE_PATH + "/{person_id}/break-glass", response_model=s.PersonView, responses=_LIMITED
)
def break_glass(
    body: s.BreakGlassRequest, db: Db, caller: WorkerCaller, hasher: Hasher,
    person_id: str = PersonId,
) -> s.PersonView:
    """Emergency access without consent: the worker's password again, a reason code and
    the reason in words; a few an hour at most; audited and reported to the team leads."""
    worker = caller.require_worker()
    # The password first: a stolen session alone learns nothing, not even the limits.
    auth.confirm_password(db, hasher, worker, caller.device, body.password)
    tell = worker_limits.tell_lead(db, caller, what="break-glass accesses",
                                   action="person.break_glass_limited")
    call_limits.enforce(db, worker_limits.break_glass_checks(caller), tell=tell)
    reason = f"{body.reason_code}: {body.reason}"
    return _view(db, access.break_glass(db, caller, person_id, reason=reason))


@router.post(p.PEOPLE_PATH + "/{person_id}" + p.HANDOVER_SUFFIX, response_model=s.HandoverView,
             status_code=201, responses=_REFUSALS)
def hand_over(body: s.HandoverRequest, db: Db, caller: WorkerCaller, response: Response,
              person_id: str = PersonId) -> s.HandoverView:
    """Hand one of your team's people to another team: they move to it at once (its
    laptops get them at their next sync); your team keeps reading them until a worker
    of the receiving team accepts. The same `handover_id` again returns the same
    handover (200); another open handover for the person is a 409."""
    done = handovers.request_online(db, caller, person_id, to_team_id=body.to_team_id,
                                    reason=body.reason, note=body.note,
                                    handover_id=body.handover_id)
    if not done.changed:
        response.status_code = 200
    return s.HandoverView.model_validate(handovers.view(db, done.handover))
