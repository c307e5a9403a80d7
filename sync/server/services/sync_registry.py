"""Keep the person registry (who may see whom, lookup) in step with synced rows.

The registry is what access rules, lookups and fetches read; synced rows are the
record itself. A person row brings the linkage key and identifiers; a consent row
brings what partners may see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, tuple_
from sqlalchemy.orm import Session

from sync.server.models import Person, PersonIdentifier
from sync.server.services import bulk, sealing
from sync.server.services.registry import put_consent

# Local column -> registry identifier kind (sync.protocol.IDENTIFIER_KINDS).
_IDENTIFIERS = {"pnc_id": "pnc", "prison_number": "nomis", "nhs_number": "nhs"}


def identifiers_later(session: Session, items: list[tuple[str, str, dict[str, Any], str | None]]
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


def people_rows(session: Session, new_people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A push's new `people` rows as stored: the linkage key as typed becomes its lookup
    hash and a sealed copy (services/sealing)."""
    return [{**row, **sealing.linkage_columns(session, row["id"], row["linkage_key"])}
            for row in new_people]


def update_many(session: Session, items: list[tuple[str, str, dict[str, Any], str | None]],
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
        # A withdrawn or deleted consent row no longer lets partners see the person.
        put_consent(session, person_id, agency,
                    granted=not fields.get("withdrawn_on") and not fields.get("deleted"))


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
             for column, kind in _IDENTIFIERS.items() if fields.get(column)}
    stale = sorted(have - typed.keys())  # those from before migration 0009 among them
    if stale:
        session.execute(delete(PersonIdentifier).where(tuple_(
            PersonIdentifier.person_id, PersonIdentifier.kind, PersonIdentifier.value)
            .in_(stale)))
    bulk.insert(session, table, [sealing.identifier_columns(session, pid, kind, typed[key])
                                 for key in sorted(typed.keys() - have)
                                 for pid, kind, _hash in [key]])
