"""Realistic sync payloads for the benchmarks, made by the real app rather than by hand.

One person is recorded through the app's own services on a real encrypted laptop; the
changes its outbox holds become a template that is cloned with fresh ids. So the rows a
fresh device pulls have exactly the shape the app writes and applies, and the benchmark
does not drift when a table gains a column.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

from app.services import assessment, people
from app.services.session import WorkerSession
from app.services.views import PersonInput
from app.store.sync.store import EncryptedSyncStore
from sync import protocol as p
from sync.protocol import tables

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def record_one_person(session: WorkerSession) -> list[p.Change]:
    """One person with ten synced rows: the person, an alias, a housing section of three
    answers (three values, three history entries, one confirmation) and a contact."""
    person = people.create_person(session=session, person=PersonInput(
        given_name="Lee", family_name="Walker", date_of_birth="02/03/1990", sex="1",
        aliases=(("Leroy Walker", "alias"),), phone="07700 900123", address_line1="Flat 2",
        town="Leeds", postcode="LS1 4AP"))
    assessment.save_section(session=session, person_id=person.id, section="housing", typed={
        "accommodation_need": "1", "at_risk_of_eviction": "Y",
        "housing_notes": "sleeping in a tent by the canal; wants a hostel place near the clinic"})
    assessment.record_contact(session=session, person_id=person.id, setting="custody")
    return EncryptedSyncStore(session.open_store).pending_changes(p.MAX_PUSH_BATCH)


def clone_people(template: list[p.Change], count: int, *, device_id: str,
                 worker_id: str) -> Iterator[p.Change]:
    """`count` copies of the template's person, each with its own ids and content hash,
    as recorded by `worker_id` on the device `device_id`.

    Every id the template's rows carry (change, row, person, revision) is replaced by a
    new one. The template's device (inside every clock stamp) and worker become the given
    ones: the server takes a change only with the pushing device's own stamp and from a
    worker of its team, and a laptop that pulls these rows sees them as that device's.
    """
    ids = sorted({c[key] for c in template  # type: ignore[literal-required]
                  for key in ("change_id", "row_id", "person_id", "revision_id")})
    text = json.dumps(template)
    for old_device in {tables.HLC_PATTERN.match(c["hlc"])[3] for c in template}:  # type: ignore[index]
        text = text.replace(old_device, device_id)
    for old_worker in {c["worker_id"] for c in template}:
        text = text.replace(old_worker, worker_id)
    for _ in range(count):
        fresh = {old: str(uuid.uuid4()) for old in ids}
        changes: list[p.Change] = json.loads(
            _UUID.sub(lambda m, ids=fresh: ids.get(m.group(0), m.group(0)), text))
        for change in changes:
            change["content_hash"] = p.content_hash(change)
            yield change


def people_changes(count: int, worker_id: str, device_id: str, *,
                   note_chars: int = 330) -> list[p.Change]:
    """`count` new rows, each for its own person; the default size is about 1 KB on the wire.

    Each is a `people` row (the only table a push may create a person with), padded with
    contact notes to the size the issue names, valid by sync.protocol.tables: the server
    refuses unknown fields and rows without their creation stamp. Every clock stamp is
    `device_id`'s, as the pushing device's own must be.
    """
    changes = []
    now_ms = time.time_ns() // 1_000_000  # a fair clock: the server flags skewed devices
    for n in range(count):
        person_id = str(uuid.uuid4())
        stamp = f"{now_ms:015d}-{n % 100_000:05d}-{device_id}"
        fields: dict[str, Any] = {
            "created_hlc": stamp,
            "given_name": f"Given{n:05d}", "family_name": f"Family{n % 977:04d}",
            "middle_name": "", "date_of_birth": f"19{60 + n % 40}-0{1 + n % 9}-1{n % 9}",
            "sex": "1", "address_line1": f"{n} Long Street", "town": "Leeds",
            "postcode": "LS1 4AP", "deleted": False,
            "contact_notes": ("lives with a sister; attends the clinic on Tuesdays; "
                              * 20)[:note_chars]}
        change: dict[str, Any] = {
            "change_id": str(uuid.uuid4()), "table": "people", "row_id": person_id,
            "person_id": person_id, "revision_id": str(uuid.uuid4()),
            "base_revision_id": None, "hlc": stamp,
            "worker_id": worker_id, "append_only": False, "fields": fields,
            "linkage_key": f"GF{n % 10_000:04d}1990M"}
        change["content_hash"] = p.content_hash(change)
        problem = tables.row_problem("people", person_id, person_id, fields,
                                     append_only=False)
        assert problem is None, problem  # a refusal would be measured, not a push
        changes.append(change)  # type: ignore[arg-type]
    return changes  # type: ignore[return-value]


def wire_size(changes: list[p.Change]) -> float:
    """Mean bytes per change as JSON: what the ~1 KB in the budget refers to."""
    return sum(len(json.dumps(c)) for c in changes) / max(1, len(changes))
