"""Writing the person registry: create a person, record consent."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server.errors import Refused
from sync.server.models import Consent, Person, PersonIdentifier, utcnow
from sync.server.services import audit, sealing
from sync.server.services.auth import Caller
from sync.server.services.people import get_visible, require_clinical


def create_person(session: Session, caller: Caller, data: p.PersonCreate) -> tuple[Person, bool]:
    """Returns (person, created). Re-sending the same creation is not an error, because a
    device that lost the response will send it again; a clash with another person is."""
    worker = caller.require_worker()
    require_clinical(worker)
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
    for entry in data["consents"]:
        put_consent(session, person.id, entry["agency"], entry["granted"])
    audit.record(
        session,
        "person.created",
        actor=caller.actor,
        worker_id=worker.id,
        device_id=caller.device.id,
        person_id=person.id,
    )
    return person, True


def set_consent(
    session: Session, caller: Caller, person_id: str, entries: list[p.ConsentEntry]
) -> Person:
    worker = caller.require_worker()
    require_clinical(worker)
    person = get_visible(session, caller, person_id)
    for entry in entries:
        put_consent(session, person.id, entry["agency"], entry["granted"])
        audit.record(
            session,
            "consent.recorded",
            actor=caller.actor,
            worker_id=worker.id,
            device_id=caller.device.id,
            person_id=person.id,
            agency=entry["agency"],
            granted=entry["granted"],
        )
    return person


def put_consent(session: Session, person_id: str, agency: str, granted: bool) -> None:
    """The one writer of registry consent, for the /people API and for synced rows."""
    row = session.scalar(
        select(Consent).where(Consent.person_id == person_id, Consent.agency == agency)
    )
    if row is None:
        session.add(Consent(person_id=person_id, agency=agency, granted=granted))
    else:
        row.granted, row.recorded_at = granted, utcnow()
