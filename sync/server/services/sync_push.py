"""Apply a batch of pushed changes: idempotent, merged, each change judged on its own."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server.models import (
    Device,
    DeviceHolding,
    Person,
    SyncChange,
    SyncCounter,
    SyncRevision,
    SyncRow,
)
from sync.server.services import people as access
from sync.server.services import sync_registry as registry
from sync.server.services.sync_merge import FieldConflict, merge


@dataclass
class _Feed:
    """Hands out seqs while holding the counter's row lock (released at commit)."""

    session: Session
    next_value: int = 0
    started: bool = field(default=False)

    def lock(self) -> None:
        if not self.started:
            counter = self.session.scalars(
                select(SyncCounter).where(SyncCounter.id == 1).with_for_update()).one()
            self.next_value, self.started = counter.value, True

    def take(self) -> int:
        self.lock()
        self.next_value += 1
        return self.next_value

    def finish(self) -> None:
        if self.started:
            self.session.get_one(SyncCounter, 1).value = self.next_value


def _result(change: p.Change, status: p.ChangeStatus, code: int, message: str,
            revision_id: str | None = None, conflicts: int = 0) -> p.ChangeResult:
    return {"change_id": change["change_id"], "status": status, "code": code,
            "message": message, "revision_id": revision_id, "conflicts": conflicts}


def push(session: Session, device: Device, changes: list[p.Change]) -> p.PushResponse:
    feed = _Feed(session)
    # Lock the feed before reading any row. On PostgreSQL (READ COMMITTED) a row read
    # before waiting for the lock is stale once the lock is ours: another push may have
    # changed it and committed meanwhile, and comparing or merging against the stale copy
    # silently undid that push's fields (tests/e2e/test_postgres_concurrency.py).
    # SQLite's BEGIN IMMEDIATE already serialises whole pushes.
    feed.lock()
    results = [_one(session, device, change, feed) for change in changes]
    feed.finish()
    return {"results": results, "server_time_ms": time.time_ns() // 1_000_000,
            "clock_warning": _clock_warning(changes)}


def _clock_warning(changes: list[p.Change]) -> str | None:
    now = time.time_ns() // 1_000_000
    for change in changes:
        wall = int(change["hlc"].split("-", 1)[0] or 0)
        if abs(wall - now) > p.CLOCK_SKEW_WARNING_MS:
            return ("this device's clock is more than 10 minutes out; its times are shown "
                    "but never used to decide which edit wins")
    return None


def _one(session: Session, device: Device, change: p.Change, feed: _Feed) -> p.ChangeResult:
    if p.content_hash(change) != change["content_hash"]:
        return _result(change, "refused", 400, "content hash does not match: damaged in transit")
    seen = session.get(SyncChange, change["change_id"])
    if seen is not None:
        if seen.content_hash != change["content_hash"]:
            return _result(change, "refused", 409,
                           "this change id was already used for different content")
        replay: p.ChangeResult = json.loads(seen.result_json)
        return {**replay, "status": "duplicate"}
    refusal = _scope_refusal(session, device, change)
    result = refusal or _apply(session, device, change, feed)
    if result["status"] != "refused" or result["code"] == 409:
        session.add(SyncChange(change_id=change["change_id"], content_hash=change["content_hash"],
                               device_id=device.id, result_json=json.dumps(result)))
    return result


def _scope_refusal(session: Session, device: Device, change: p.Change) -> p.ChangeResult | None:
    person = session.get(Person, change["person_id"])
    if person is None:
        if change["table"] != "people":
            return _result(change, "refused", 422, "the person this row belongs to is unknown; "
                           "push the person first")
        session.add(Person(id=change["person_id"], owning_team_id=device.team_id,
                           linkage_key=change.get("linkage_key") or "",
                           created_by_device_id=device.id))
        session.flush()
        return None
    held = session.get(DeviceHolding, (device.id, person.id)) is not None
    in_scope = session.scalar(access.device_scope(device).where(Person.id == person.id))
    if in_scope is None and not held:
        return _result(change, "refused", 403, "this person is not your team's to change")
    return None


def _apply(session: Session, device: Device, change: p.Change, feed: _Feed) -> p.ChangeResult:
    key = (change["table"], change["row_id"])
    current = session.get(SyncRow, key)
    incoming: dict[str, Any] = change["fields"]
    if current is None:
        _write(session, device, change, incoming, feed, None)
        registry.update_from_row(session, change["table"], change["person_id"], incoming,
                                 change.get("linkage_key"))
        return _result(change, "applied", 201, "created", change["revision_id"])
    if current.append_only or change["append_only"]:
        return _result(change, "refused", 409, "an append-only record cannot be changed; "
                       "make a new version instead")
    if current.revision_id == change["base_revision_id"]:
        _write(session, device, change, incoming, feed, current)
        registry.update_from_row(session, change["table"], change["person_id"], incoming,
                                 change.get("linkage_key"))
        return _result(change, "applied", 200, "updated", change["revision_id"])
    base = _revision_fields(session, change)
    merged = merge(base, json.loads(current.fields_json), incoming)
    _write(session, device, change, merged.fields, feed, current)
    registry.update_from_row(session, change["table"], change["person_id"], merged.fields,
                             change.get("linkage_key"))
    for conflict in merged.conflicts:
        _record_conflict(session, device, change, conflict, feed)
    return _result(change, "merged", 200, f"merged with {len(merged.conflicts)} conflict(s)",
                   change["revision_id"], len(merged.conflicts))


def _revision_fields(session: Session, change: p.Change) -> dict[str, Any]:
    if change["base_revision_id"] is None:
        return {}
    base = session.get(SyncRevision, (change["table"], change["row_id"],
                                       change["base_revision_id"]))
    return json.loads(base.fields_json) if base is not None else {}


def _write(session: Session, device: Device, change: p.Change, fields: dict[str, Any],
           feed: _Feed, row: SyncRow | None) -> None:
    text = json.dumps(fields, sort_keys=True)
    seq = feed.take()  # before adding the row: taking a seq queries, which autoflushes
    if row is None:
        row = SyncRow(table_name=change["table"], row_id=change["row_id"])
        session.add(row)
    row.person_id, row.seq = change["person_id"], seq
    row.revision_id, row.hlc = change["revision_id"], change["hlc"]
    row.device_id, row.worker_id = device.id, change["worker_id"]
    row.append_only, row.fields_json = change["append_only"], text
    session.merge(SyncRevision(table_name=change["table"], row_id=change["row_id"],
                               revision_id=change["revision_id"], fields_json=text))


def _record_conflict(session: Session, device: Device, change: p.Change,
                     conflict: FieldConflict, feed: _Feed) -> None:
    conflict_id, seq = str(uuid.uuid4()), feed.take()
    fields = {"table_name": change["table"], "row_id": change["row_id"], "field": conflict.field,
              "kept_value": json.dumps(conflict.kept), "other_value": json.dumps(conflict.other),
              "other_worker": change["worker_id"], "other_device": device.id,
              "other_hlc": change["hlc"], "resolved_at": None, "resolved_by": None}
    session.add(SyncRow(table_name=p.CONFLICTS_TABLE, row_id=conflict_id,
                        person_id=change["person_id"], seq=seq, revision_id=conflict_id,
                        hlc=change["hlc"], device_id=device.id, worker_id=change["worker_id"],
                        append_only=False, fields_json=json.dumps(fields, sort_keys=True)))
    session.add(SyncRevision(table_name=p.CONFLICTS_TABLE, row_id=conflict_id,
                             revision_id=conflict_id, fields_json=json.dumps(fields,
                                                                             sort_keys=True)))
