"""Who sees whom: the person registry's access rules (services/registry writes it).

- A worker or team lead sees the people their device's team owns, plus people fetched
  onto that device on purpose (consent allowing) or by break-glass (audited, reported).
- A partner_readonly worker sees only people whose consent covers the partner's agency.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server.errors import Refused, not_found
from sync.server.models import (
    AuditEvent,
    Consent,
    Device,
    DeviceFetch,
    Handover,
    Person,
    PersonIdentifier,
    ScopeChange,
    SyncRow,
    Team,
    Worker,
)
from sync.server.models.org import LAPTOP_ROLES
from sync.server.services import audit, sealing
from sync.server.services import sync_checks as checks
from sync.server.services.auth import Caller, SyncDevice
from sync.server.storage import bulk, counters


def require_clinical(worker: Worker) -> None:
    """The role check of every registry write and reach through the API: the roles that
    work on laptops, the same a push's author is checked against (credentials)."""
    if worker.role not in LAPTOP_ROLES:
        raise Refused(403, p.ERR_FORBIDDEN_ROLE, f"a {worker.role} cannot do this")


def agency_of(session: Session, worker: Worker) -> str:
    if worker.partner_agency:
        return worker.partner_agency
    return session.get_one(Team, worker.team_id).agency


def _consented(agency: str) -> Select[tuple[bool]]:
    return exists().where(
        Consent.person_id == Person.id, Consent.agency == agency, Consent.granted.is_(True)
    )


def device_scope(device: Device | SyncDevice) -> Select[tuple[Person]]:
    """What a device may hold and read (the pull sends exactly these people's rows):
    `scope_of`. What it may change is narrower: `device_write_scope`."""
    return scope_of(device.team_id, device.id)


def device_write_scope(device: Device | SyncDevice) -> Select[tuple[Person]]:
    return write_scope_of(device.team_id, device.id)


def scope_of(team_id: Any, device_id: Any) -> Select[tuple[Person]]:
    """The READ scope of a team and device, given as values or as bind parameters (the
    pull compiles it once, with parameters): the write scope, and the people the team
    handed over whose receiving team has not accepted them yet. Those stay on the
    sending team's laptops, with every change the new team makes, until accepted."""
    handed = select(Handover.person_id).where(Handover.from_team_id == team_id,
                                              Handover.accepted_at.is_(None))
    return select(Person).where(or_(Person.owning_team_id == team_id,
                                    Person.id.in_(_fetched(device_id)),
                                    Person.id.in_(handed)))


def write_scope_of(team_id: Any, device_id: Any) -> Select[tuple[Person]]:
    """The people a team's device may change: the team's own, and those fetched onto
    the device (on purpose or by break-glass)."""
    return select(Person).where(or_(Person.owning_team_id == team_id,
                                    Person.id.in_(_fetched(device_id))))


def _fetched(device_id: Any) -> Select[tuple[str]]:
    return select(DeviceFetch.person_id).where(DeviceFetch.device_id == device_id)


def handed_over(session: Session, team_id: str, person_ids: set[str]) -> dict[str, str]:
    """Of these people, those the team handed over and the receiving team has not
    accepted yet: person id -> the receiving team's name (why a write is refused)."""
    if not person_ids:
        return {}
    return dict(session.execute(
        select(Handover.person_id, Team.name).join(Team, Team.id == Handover.to_team_id)
        .where(Handover.from_team_id == team_id, Handover.accepted_at.is_(None),
               Handover.person_id.in_(sorted(person_ids)))).tuples().all())


def read_only_reason(team_name: str) -> str:
    return f"handed over to {team_name}: read only until they accept"


@dataclass(frozen=True)
class TeamWorker:
    worker_id: str
    display_name: str
    role: str
    active: bool  # not switched off


_TEAM_COLUMNS = ("id", "display_name", "role", "disabled_at")
_ALLOCATION_COLUMNS = ("table_name", "row_id", "revision_id", "person_id", "hlc", "fields_json")


def team_workers(session: Session, team_id: str) -> dict[str, TeamWorker]:
    """Every worker of the team, switched off or not, by id."""
    return _team(session.execute(select(*(Worker.__table__.c[c] for c in _TEAM_COLUMNS))
                                 .where(Worker.team_id == team_id)))


def allocation_context(session: Session, team_id: str, taken_on: set[str]
                       ) -> tuple[dict[str, TeamWorker], dict[str, checks.Held]]:
    """For a push that allocates key workers: the team's workers, and the key worker now
    of each person in `taken_on` (people held already whom a worker takes on: the latest
    stored allocation by clock stamp). Read together: one round trip on PostgreSQL."""
    with bulk.pipelined(session):
        workers = bulk.by_keys_later(session, Worker.__table__, _TEAM_COLUMNS, ("team_id",),
                                     [(team_id,)])
        allocations = bulk.by_keys_later(session, SyncRow.__table__, _ALLOCATION_COLUMNS,
                                         ("table_name", "person_id"),
                                         [(checks.ALLOCATIONS, person) for person in taken_on])
        team = _team(workers())
        latest = _latest_by_person(allocations())
    return team, _key_workers(session, list(latest.values()))


def _team(rows: Any) -> dict[str, TeamWorker]:
    return {row.id: TeamWorker(row.id, row.display_name, row.role, row.disabled_at is None)
            for row in rows}


def _latest_by_person(rows: list[Any]) -> dict[str, Any]:
    latest: dict[str, Any] = {}
    for row in rows:
        if row.person_id not in latest or row.hlc > latest[row.person_id].hlc:
            latest[row.person_id] = row
    return latest


def _key_workers(session: Session, rows: list[Any]) -> dict[str, checks.Held]:
    """Only the latest allocation of each person is opened (rows are sealed at rest)."""
    texts = sealing.open_records(session, [
        (r.table_name, r.row_id, r.revision_id, r.fields_json) for r in rows])
    return {row.person_id: (row.hlc, str(json.loads(text).get("key_worker_id")))
            for row, text in zip(rows, texts, strict=True)}


def scope_changed(session: Session, person_id: str, *, from_team_id: str | None = None,
                  to_team_id: str | None = None, device_id: str | None = None) -> None:
    """Record, in the transaction that makes it, a change of who may hold a person: a
    team move (from -> to) or a fetch onto one device. Every device looks at it at its
    next pull. The counter stays locked until commit, so versions follow commit order
    and a pull that has read version v has every entry up to v to read."""
    version = counters.next_scope_version(session)
    session.add(ScopeChange(version=version, person_id=person_id, from_team_id=from_team_id,
                            to_team_id=to_team_id, device_id=device_id))


def allowed_people(session: Session, device: Any, person_ids: set[str]) -> set[str]:
    """Of these people, those the device may change: in its write scope, or moved away
    from its team since this device was last sent the scope changes (an edit typed
    offline before the move still arrives, never lost; once told to let the person go,
    no more). Only a move counts: the end of a sending team's read access (a scope
    change with no receiving team) gives back no right to write."""
    if not person_ids:
        return set()
    in_scope = set(session.scalars(bulk.where_keys(
        device_write_scope(device).with_only_columns(Person.id), [Person.id],
        [(i,) for i in person_ids], session)))
    if in_scope >= person_ids:
        return in_scope
    moved_away = set(session.scalars(select(ScopeChange.person_id).where(
        ScopeChange.from_team_id == device.team_id, ScopeChange.to_team_id.is_not(None),
        ScopeChange.version > (device.scope_seen or 0),
        ScopeChange.person_id.in_(sorted(person_ids - in_scope)))))
    return in_scope | moved_away


def visible_query(caller: Caller) -> Select[tuple[Person]]:
    worker = caller.require_worker()
    if worker.role == "partner_readonly":
        return select(Person).where(_consented(worker.partner_agency or ""))
    return device_scope(caller.device)


def get_visible(session: Session, caller: Caller, person_id: str) -> Person:
    person = session.scalar(visible_query(caller).where(Person.id == person_id))
    if person is not None:
        return person
    if session.get(Person, person_id) is None:
        raise not_found("person")
    if caller.require_worker().role == "partner_readonly":
        raise Refused(403, p.ERR_CONSENT_REQUIRED, "the person's consent does not cover you")
    raise Refused(403, p.ERR_NOT_IN_SCOPE, "not your team's person: fetch or break glass")


def get_writable(session: Session, caller: Caller, person_id: str) -> Person:
    """`get_visible`, and the caller's device may change the person: a person their team
    handed over is theirs to read, not to change, until the receiving team accepts."""
    person = get_visible(session, caller, person_id)
    if session.scalar(device_write_scope(caller.device).with_only_columns(Person.id)
                      .where(Person.id == person_id)) is not None:
        return person
    to_team = handed_over(session, caller.device.team_id, {person_id}).get(person_id)
    raise Refused(403, p.ERR_NOT_IN_SCOPE, read_only_reason(to_team) if to_team
                  else "not your team's person to change")


def view(session: Session, person: Person) -> p.PersonView:
    """Linkage key and identifiers as typed, opened from their sealed copies (the columns
    hold keyed hashes, for lookups: services/sealing.py)."""
    ids = session.scalars(select(PersonIdentifier).where(PersonIdentifier.person_id == person.id))
    consents = session.scalars(select(Consent).where(Consent.person_id == person.id))
    return {
        "person_id": person.id,
        "owning_team_id": person.owning_team_id,
        "linkage_key": person.linkage_key,
        "identifiers": [{"kind": i.kind, "value": _identifier(session, i)} for i in ids],  # type: ignore[typeddict-item]
        "consents": [{"agency": c.agency, "granted": c.granted} for c in consents],  # type: ignore[typeddict-item]
    }


def lookup(
    session: Session, caller: Caller, *, linkage_key: str | None, identifier: p.Identifier | None
) -> list[Person]:
    """Find people anywhere in the scheme, to fetch on purpose. Returns no record content."""
    worker = caller.require_worker()
    require_clinical(worker)
    conditions = []
    # Matched by keyed hash; as typed too, for rows from before migration 0009 that
    # seal_existing has not reached yet. The matches show the key from its sealed copy
    # (Person.linkage_key): the caller may have looked up by identifier alone.
    if linkage_key:
        conditions.append(Person.linkage_hash.in_(_as_stored(session, linkage_key)))
    if identifier:
        conditions.append(
            exists().where(
                and_(
                    PersonIdentifier.person_id == Person.id,
                    PersonIdentifier.kind == identifier["kind"],
                    PersonIdentifier.value.in_(_as_stored(session, identifier["value"])),
                )
            )
        )
    if not conditions:
        raise Refused(422, p.ERR_INVALID_REQUEST, "give linkage_key or identifier")
    found = list(session.scalars(select(Person).where(*conditions).limit(50)))
    audit.record(
        session,
        "person.lookup",
        actor=caller.actor,
        worker_id=worker.id,
        device_id=caller.device.id,
        matches=len(found),
    )
    return found


@dataclass(frozen=True)
class Match:
    """A lookup's answer about one person: no record content."""

    person: Person
    team_name: str
    consent: bool  # the person's consent covers the caller's agency: a fetch will work


def describe_matches(session: Session, caller: Caller, found: list[Person]) -> list[Match]:
    """Whose each person is and whether a fetch would be allowed, so the worker knows
    before asking (and whom to ask when it would not)."""
    agency = agency_of(session, caller.require_worker())
    teams = {t.id: t.name for t in session.scalars(
        select(Team).where(Team.id.in_({x.owning_team_id for x in found})))}
    covered = set(session.scalars(select(Consent.person_id).where(
        Consent.person_id.in_([x.id for x in found]), Consent.agency == agency,
        Consent.granted.is_(True))))
    return [Match(x, teams.get(x.owning_team_id, ""), x.id in covered) for x in found]


def consent_covers(session: Session, person_id: str, agency: str) -> bool:
    return bool(session.scalar(select(_consented(agency)).where(Person.id == person_id)))


def _as_stored(session: Session, value: str) -> list[str]:
    return [sealing.lookup_hash(session, value), value]


def _identifier(session: Session, ident: PersonIdentifier) -> str:
    return sealing.open_copy(session, ident.value_sealed, ident.value,
                             sealing.identifier_context(ident.person_id, ident.kind))


def fetch(session: Session, caller: Caller, person_id: str, *, reason: str) -> Person:
    """Bring another team's person onto this device, when their consent allows it."""
    worker = caller.require_worker()
    require_clinical(worker)
    person = session.get(Person, person_id)
    if person is None:
        raise not_found("person")
    if person.owning_team_id == caller.device.team_id:
        return person  # already in scope; nothing to record
    agency = agency_of(session, worker)
    if not consent_covers(session, person.id, agency):
        # Audited and committed though the request fails: a refused fetch is as much an
        # attempt to reach another team's record as a granted one.
        audit.record(session, "person.fetch_refused", actor=caller.actor, worker_id=worker.id,
                     device_id=caller.device.id, person_id=person.id, agency=agency,
                     reason=reason)
        raise Refused(403, p.ERR_CONSENT_REQUIRED, "their consent does not cover your "
                      "agency; ask your team lead", keep_writes=True)
    _bring_onto_device(session, caller, worker, person, reason, break_glass=False)
    return person


def _bring_onto_device(session: Session, caller: Caller, worker: Worker, person: Person,
                       reason: str, *, break_glass: bool) -> AuditEvent:
    """The person comes into this device's scope from its next pull; audited either way."""
    session.add(DeviceFetch(device_id=caller.device.id, person_id=person.id,
                            worker_id=worker.id, reason=reason, break_glass=break_glass))
    scope_changed(session, person.id, device_id=caller.device.id)
    return audit.record(session, "person.break_glass" if break_glass else "person.fetched",
                        actor=caller.actor, worker_id=worker.id, device_id=caller.device.id,
                        person_id=person.id, reason=reason)


def break_glass(session: Session, caller: Caller, person_id: str, *, reason: str) -> Person:
    """Emergency access whatever consent says: audited, and reported to the team leads
    of both the worker's team and the team that owns the person."""
    worker = caller.require_worker()
    require_clinical(worker)
    person = session.get(Person, person_id)
    if person is None:
        raise not_found("person")
    event = _bring_onto_device(session, caller, worker, person, reason, break_glass=True)
    audit.notify_team(
        session,
        {caller.device.team_id, person.owning_team_id},
        event,
        kind="break_glass",
        text=f"{worker.display_name} broke glass on a person: {reason}",
    )
    return person
