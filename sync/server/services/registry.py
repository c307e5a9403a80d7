"""The person registry's one writer: people, their identifiers, their consent, their team,
and the handovers that move them between teams (services/handovers decides those).

The registry is what access rules, lookups and fetches read (services/access); synced
rows are the record itself. It is written two ways, and both are here:

- through the API (`create_person`, `set_consent`): one person at a time, the caller's
  role checked (access.require_clinical) and the change audited at once;
- by sync, inside the push's transaction (`people_insert`, `identifiers_later`,
  `update_many`): a `people` row brings the linkage key and identifiers, a `consents`
  row what partners may see, set-based. The push's author was checked against the same
  roles (credentials), and its events are the same (`audit_created`, written from the
  ledger by people_audit, and `audit_consent`, by push_audit).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server.errors import Refused
from sync.server.models import (
    AuditEvent,
    Consent,
    Handover,
    Person,
    PersonIdentifier,
    Team,
    utcnow,
)
from sync.server.services import access, audit, sealing
from sync.server.services.auth import Caller
from sync.server.storage import bulk

# Local column of a synced `people` row -> registry identifier kind (the kinds the API
# takes: sync.protocol.IDENTIFIER_KINDS).
IDENTIFIER_COLUMNS = {"pnc_id": "pnc", "prison_number": "nomis", "nhs_number": "nhs"}


def consent_granted(fields: dict[str, Any]) -> bool:
    """Whether a synced `consents` row grants: a withdrawn or deleted one no longer lets
    partners see the person."""
    return not fields.get("withdrawn_on") and not fields.get("deleted")


def audit_created(session: Session, *, actor: str, worker_id: str | None, device_id: str,
                  person_id: str, **how: str) -> AuditEvent:
    """`person.created`, for a person made through the API and for one first pushed from
    a laptop (people_audit, with how it came)."""
    return audit.record(session, "person.created", actor=actor, worker_id=worker_id,
                        device_id=device_id, person_id=person_id, **how)


def audit_consent(session: Session, *, actor: str, worker_id: str, device_id: str,
                  person_id: str, agency: str | None, granted: bool, **how: str) -> AuditEvent:
    """`consent.recorded`: consent decides what partners may see, so each one recorded or
    withdrawn, through the API or pushed (push_audit), is an event."""
    return audit.record(session, "consent.recorded", actor=actor, worker_id=worker_id,
                        device_id=device_id, person_id=person_id, agency=agency,
                        granted=granted, **how)


# ---- through the API --------------------------------------------------------------------


def create_person(session: Session, caller: Caller, data: p.PersonCreate) -> tuple[Person, bool]:
    """Returns (person, created). Re-sending the same creation is not an error, because a
    device that lost the response will send it again; a clash with another person is."""
    worker = caller.require_worker()
    access.require_clinical(worker)
    existing = session.get(Person, data["person_id"])
    if existing is not None:
        if (existing.owning_team_id, existing.linkage_key) == (
            caller.device.team_id,
            data["linkage_key"],
        ):
            return existing, False
        raise Refused(409, p.ERR_CONFLICT, "person_id is already used by another person")
    linkage = sealing.linkage_columns(session, data["person_id"], data["linkage_key"])
    person = Person(
        id=data["person_id"],
        owning_team_id=caller.device.team_id,
        linkage_hash=linkage["linkage_key"],  # hashed for lookups, sealed for showing
        linkage_sealed=linkage["linkage_sealed"],
        created_by_device_id=caller.device.id,
    )
    session.add(person)
    session.flush()
    for kind, value in {(i["kind"], i["value"]) for i in data["identifiers"]}:
        session.add(PersonIdentifier(**sealing.identifier_columns(session, person.id, kind,
                                                                  value)))
    audit_created(session, actor=caller.actor, worker_id=worker.id,
                  device_id=caller.device.id, person_id=person.id)
    _consents(session, caller, person.id, data["consents"])
    return person, True


def set_consent(
    session: Session, caller: Caller, person_id: str, entries: list[p.ConsentEntry]
) -> Person:
    worker = caller.require_worker()
    access.require_clinical(worker)
    person = access.get_writable(session, caller, person_id)
    _consents(session, caller, person.id, entries)
    return person


def _consents(session: Session, caller: Caller, person_id: str,
              entries: Sequence[p.ConsentEntry]) -> None:
    worker = caller.require_worker()
    for entry in entries:
        put_consent(session, person_id, entry["agency"], entry["granted"])
        audit_consent(session, actor=caller.actor, worker_id=worker.id,
                      device_id=caller.device.id, person_id=person_id,
                      agency=entry["agency"], granted=entry["granted"])


def put_consent(session: Session, person_id: str, agency: str, granted: bool) -> None:
    """The one writer of registry consent, for the API and for synced rows."""
    row = session.scalar(
        select(Consent).where(Consent.person_id == person_id, Consent.agency == agency)
    )
    if row is None:
        session.add(Consent(person_id=person_id, agency=agency, granted=granted))
    else:
        row.granted, row.recorded_at = granted, utcnow()


def move_person(session: Session, person_id: str, team_id: str) -> None:
    """Hand a person to another team; the old team's devices drop them at their next pull.
    Raises NoResultFound for an unknown person or team (people.owning_team_id is not a
    foreign key: see migration 0007)."""
    session.get_one(Team, team_id)
    person = session.get_one(Person, person_id)
    if person.owning_team_id != team_id:
        access.scope_changed(session, person_id, from_team_id=person.owning_team_id,
                             to_team_id=team_id)
        person.owning_team_id = team_id


# ---- handovers between teams (services/handovers decides, checks and audits) ------------


def open_handover(session: Session, *, handover_id: str, person: Person, to_team_id: str,
                  reason: str, note: str, requested_by: str, worker_id: str | None,
                  opened_at: datetime, accept_by: date) -> Handover:
    """Open a handover and move the person to the receiving team: `move_person` records
    the scope change that brings them, and all of theirs, to that team's laptops at
    their next pull. The sending team keeps reading them while the handover is open
    (access.scope_of), so its laptops do not let them go yet."""
    handover = Handover(
        id=handover_id, person_id=person.id, from_team_id=person.owning_team_id,
        to_team_id=to_team_id, reason=reason,
        note_sealed=sealing.seal_copy(session, note, sealing.handover_note_context(
            handover_id)) if note else "",
        requested_by=requested_by, requested_by_worker_id=worker_id, opened_at=opened_at,
        accept_by=accept_by)
    session.add(handover)
    move_person(session, person.id, to_team_id)
    session.flush()  # a push commits through its own statements, not the ORM's flush
    return handover


def accept_handover(session: Session, handover: Handover, *, accepted_by: str,
                    worker_id: str | None, at: datetime) -> None:
    """Mark it accepted; the sending team's read access ends, and a scope change with no
    receiving team tells its laptops to let the person go at their next pull."""
    handover.accepted_at, handover.accepted_by = at, accepted_by
    handover.accepted_by_worker_id = worker_id
    access.scope_changed(session, handover.person_id, from_team_id=handover.from_team_id)
    session.flush()


def claim_overdue(session: Session, handover_id: str, at: datetime) -> bool:
    """Mark an open handover as flagged overdue; False if it was flagged (or accepted)
    already, by this or another process: both team leads are told once."""
    table = Handover.__table__
    return session.execute(update(table).where(
        table.c.id == handover_id, table.c.overdue_flagged_at.is_(None),
        table.c.accepted_at.is_(None)).values(overdue_flagged_at=at)).rowcount == 1


# ---- by sync, inside a push ----------------------------------------------------------------

SyncedRow = tuple[str, str, dict[str, Any], str | None]  # table, person, fields, linkage key


def people_rows(session: Session, new_people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A push's new `people` rows as stored: the linkage key as typed becomes its lookup
    hash and a sealed copy (services/sealing)."""
    return [{**row, **sealing.linkage_columns(session, row["id"], row["linkage_key"])}
            for row in new_people]


def people_insert(session: Session, new_people: list[dict[str, Any]]) -> bulk.Inserts:
    """The push's new people, for its one insert statement (bulk.insert_together). A
    person another push made meanwhile stands: duplicates are skipped."""
    return Person.__table__, people_rows(session, new_people), True


def identifiers_later(session: Session, items: list[SyncedRow]
                      ) -> Callable[[], set[tuple[str, str, str]]]:
    """The identifiers held now of the people whose `people` row the batch writes, for
    `update_many`: sent now (in the push's write pipeline, after its person inserts, so
    that a person another push created meanwhile is read with theirs), read when called."""
    people = sorted({person_id for table, person_id, _fields, _key in items
                     if table == "people"})
    rows = bulk.by_keys_later(session, PersonIdentifier.__table__,
                              ("person_id", "kind", "value"), ("person_id",),
                              [(person_id,) for person_id in people])
    return lambda: {(person_id, kind, value) for person_id, kind, value in rows()}


def update_many(session: Session, items: list[SyncedRow],
                linkage_now: dict[str, str], identifiers_now: set[tuple[str, str, str]]) -> None:
    """The batch's registry updates: last state per person or consent, set-based.
    `linkage_now` is each person's linkage key as the database holds it already (its
    hash; "" for one from before migration 0009; as typed for a person this batch
    inserts), and `identifiers_now` their identifiers (person id, kind, hashed value),
    read after the batch inserted its new people (`identifiers_later`)."""
    people: dict[str, tuple[dict[str, Any], str | None]] = {}
    consents: dict[tuple[str, str], dict[str, Any]] = {}
    for table, person_id, fields, linkage in items:
        if table == "people":
            people[person_id] = (fields, linkage)
        elif table == "consents" and fields.get("agency"):
            consents[(person_id, fields["agency"])] = fields
    if people:
        _people_bulk(session, people, linkage_now, identifiers_now)
    for (person_id, agency), fields in consents.items():
        put_consent(session, person_id, agency, granted=consent_granted(fields))


def _people_bulk(session: Session, people: dict[str, tuple[dict[str, Any], str | None]],
                 linkage_now: dict[str, str], identifiers_now: set[tuple[str, str, str]]) -> None:
    ring = sealing.keyring(session)
    bulk.update(session, Person.__table__, ("id",), [
        {"id": pid, **sealing.linkage_columns(session, pid, key)}
        for pid, (_fields, key) in people.items()
        if key and linkage_now.get(pid) not in (key, ring.lookup_hash(key))])
    table = PersonIdentifier.__table__
    have = identifiers_now  # of these same people: identifiers_later reads no others
    typed = {(pid, kind, ring.lookup_hash(str(fields[column]))): str(fields[column])
             for pid, (fields, _key) in people.items()
             for column, kind in IDENTIFIER_COLUMNS.items() if fields.get(column)}
    stale = sorted(have - typed.keys())  # those from before migration 0009 among them
    if stale:
        session.execute(delete(PersonIdentifier).where(tuple_(
            PersonIdentifier.person_id, PersonIdentifier.kind, PersonIdentifier.value)
            .in_(stale)))
    bulk.insert(session, table, [sealing.identifier_columns(session, pid, kind, typed[key])
                                 for key in sorted(typed.keys() - have)
                                 for pid, kind, _hash in [key]])


# ---- sealing what was written before migration 0009 (seal_existing) -----------------------


def seal_legacy_people(session: Session, batch: int) -> int:
    """Hash and seal up to `batch` linkage keys still held as typed; commits. Only if
    still as found: a push may have written the person meanwhile."""
    found = session.execute(select(Person.id, Person.linkage_hash).where(
        Person.linkage_hash.not_like(sealing.HASH_PREFIX + "%")).order_by(Person.id)
        .limit(batch)).all()
    hashed = 0
    for person_id, typed in found:
        people = Person.__table__  # by column name: Person.linkage_key is the typed key
        hashed += session.execute(update(people).where(people.c.id == person_id,
                                                       people.c.linkage_key == typed)
                                  .values(sealing.linkage_columns(session, person_id, typed))
                                  ).rowcount
    session.commit()
    return hashed


def seal_legacy_identifiers(session: Session, batch: int) -> int:
    """Each as typed is deleted and its hash inserted: only those this step deleted
    itself, so an identifier a push removed meanwhile does not come back. Commits."""
    found = {row.id: row for row in session.execute(
        select(PersonIdentifier.id, PersonIdentifier.person_id, PersonIdentifier.kind,
               PersonIdentifier.value)
        .where(PersonIdentifier.value.not_like(sealing.HASH_PREFIX + "%"))
        .order_by(PersonIdentifier.id).limit(batch))}
    if not found:
        return 0
    gone = session.scalars(delete(PersonIdentifier).where(PersonIdentifier.id.in_(found))
                           .returning(PersonIdentifier.id)).all()
    bulk.insert(session, PersonIdentifier.__table__, [
        sealing.identifier_columns(session, found[i].person_id, found[i].kind, found[i].value)
        for i in sorted(gone)], ignore_duplicates=True)
    session.commit()
    return len(gone)
