"""Apply a batch of pushed changes: idempotent, merged field by field, each judged alone.

Order of work in one transaction (and why):
1. lock every row key the batch touches (sorted, so two pushes cannot deadlock), before
   reading anything: a row read before its lock may be stale once the lock is ours, and
   merging against a stale copy silently undoes another push;
2. read the ledger, the people, the current rows and the merge bases: a few set queries;
3. decide each change in memory, in batch order;
4. write everything else, then the feed rows numbered from the counter in the same
   statement that takes it (on PostgreSQL), sent with the COMMIT: the counter lock is
   held for one statement and the commit, and commit order is seq order, so a puller
   that stops at the committed counter can never skip a change.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server.models import Person, SyncChange, SyncRevision
from sync.server.models.base import utcnow
from sync.server.services import bulk, canonical
from sync.server.services import sync_batch as batch
from sync.server.services import sync_registry as registry
from sync.server.services.auth import SyncDevice
from sync.server.services.sync_merge import merge


def _result(change: p.Change, status: p.ChangeStatus, code: int, message: str,
            revision_id: str | None = None, conflicts: int = 0) -> p.ChangeResult:
    return {"change_id": change["change_id"], "status": status, "code": code,
            "message": message, "revision_id": revision_id, "conflicts": conflicts}


@dataclass
class _Plan:
    """What the batch will write, gathered in memory first."""

    rows: dict[batch.Key, dict[str, Any]] = field(default_factory=dict)  # final row state
    revisions: list[dict[str, Any]] = field(default_factory=list)
    ledger: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    new_people: list[dict[str, Any]] = field(default_factory=list)
    registry: list[tuple[str, str, dict[str, Any], str | None]] = field(default_factory=list)
    linkage: dict[str, str] = field(default_factory=dict)  # person id -> key held now


def push(session: Session, device: SyncDevice, changes: list[p.Change]) -> p.PushResponse:
    results: list[p.ChangeResult | None] = [None] * len(changes)
    for i, change in enumerate(changes):
        if not canonical.hash_matches(change):
            results[i] = _result(change, "refused", 400,
                                 "content hash does not match: damaged in transit")
    live = [(i, c) for i, c in enumerate(changes) if results[i] is None]
    held = batch.lock_and_read(session, [c for _, c in live])  # type: ignore[misc]
    plan = _Plan()
    _decide(session, device, live, results, held, plan)
    _write_and_commit(session, plan)  # the counter is released at once: see above
    return {"results": [r for r in results if r is not None],
            "server_time_ms": time.time_ns() // 1_000_000,
            "clock_warning": _clock_warning(changes)}


def _decide(session: Session, device: SyncDevice, live: list[tuple[int, p.Change]],
            results: list[p.ChangeResult | None], held: batch.Held, plan: _Plan) -> None:
    seen, current, bases = held.ledger, held.current, held.bases
    received = utcnow()
    person_ids = {c["person_id"] for _, c in live}
    plan.linkage = dict(held.linkage)
    known = set(plan.linkage)
    allowed = batch.allowed_people(session, device, person_ids & known)
    # A change repeated inside one batch is a replay of its first copy.
    in_batch: dict[str, tuple[str, p.ChangeResult]] = {}
    for i, change in live:
        earlier = seen.get(change["change_id"])
        if earlier is not None:
            in_batch.setdefault(change["change_id"], (earlier.content_hash,
                                                      json.loads(earlier.result_json)))
        if change["change_id"] in in_batch:
            results[i] = _replay(change, *in_batch[change["change_id"]])
            continue
        refusal = _scope(device, change, known, allowed, plan)
        result = refusal or _apply(device, change, current, bases, plan)
        results[i] = result
        if result["status"] != "refused" or result["code"] == 409:
            in_batch[change["change_id"]] = (change["content_hash"], result)
            plan.ledger.append({"change_id": change["change_id"], "device_id": device.id,
                                "content_hash": change["content_hash"],
                                "result_json": canonical.text(result),
                                "received_at": received})


def _replay(change: p.Change, stored_hash: str, stored: p.ChangeResult) -> p.ChangeResult:
    if stored_hash != change["content_hash"]:
        return _result(change, "refused", 409,
                       "this change id was already used for different content")
    return {**stored, "status": "duplicate"}


def _scope(device: SyncDevice, change: p.Change, known: set[str], allowed: set[str],
           plan: _Plan) -> p.ChangeResult | None:
    person_id = change["person_id"]
    if person_id in known:
        return None if person_id in allowed else _result(
            change, "refused", 403, "this person is not your team's to change")
    if change["table"] != "people":
        return _result(change, "refused", 422,
                       "the person this row belongs to is unknown; push the person first")
    linkage_key = change.get("linkage_key") or ""
    plan.new_people.append({"id": person_id, "owning_team_id": device.team_id,
                            "linkage_key": linkage_key, "created_at": utcnow(),
                            "created_by_device_id": device.id})
    plan.linkage[person_id] = linkage_key
    known.add(person_id)  # later changes in this batch see the new person
    allowed.add(person_id)
    return None


def _apply(device: SyncDevice, change: p.Change, current: dict[batch.Key, Any],
           bases: dict[tuple, str], plan: _Plan) -> p.ChangeResult:
    key = (change["table"], change["row_id"])
    existing = plan.rows.get(key) or _row_state(current.get(key))
    in_db = key in current
    if existing is None:
        _stage(device, change, change["fields"], plan, in_db)
        return _result(change, "applied", 201, "created", change["revision_id"])
    if existing["append_only"] or change["append_only"] or _frozen(change["table"], existing):
        return _result(change, "refused", 409, "an append-only or signed record cannot be "
                       "changed; make a new version instead")
    if existing["revision_id"] == change["base_revision_id"]:
        _stage(device, change, change["fields"], plan, in_db, replaced=existing)
        return _result(change, "applied", 200, "updated", change["revision_id"])
    base_json = bases.get((*key, change["base_revision_id"] or ""))
    merged = merge(json.loads(base_json) if base_json else _staged_base(change, plan),
                   existing["fields"], change["fields"])
    # The merge is a revision of its own. Kept under the pusher's revision id, the pusher's
    # next edit (based on that id) would look like an edit of the merged row and silently
    # overwrite the other side. The pusher's own revision is kept as what it had, so its
    # next edit merges against exactly that (tests/e2e/test_convergence_stateful.py).
    plan.revisions.append({"table_name": key[0], "row_id": key[1],
                           "revision_id": change["revision_id"],
                           "fields_json": canonical.text(change["fields"])})
    merged_revision = str(uuid.uuid4())
    _stage(device, change, merged.fields, plan, in_db, revision_id=merged_revision,
           replaced=existing)
    for conflict in merged.conflicts:
        plan.conflicts.append(_conflict_row(device, change, conflict.field, conflict.kept,
                                            conflict.other))
    return _result(change, "merged", 200, f"merged with {len(merged.conflicts)} conflict(s)",
                   merged_revision, len(merged.conflicts))


def _frozen(table: str, existing: dict[str, Any]) -> bool:
    field_value = p.FROZEN_WHEN.get(table)
    return field_value is not None and existing["fields"].get(field_value[0]) == field_value[1]


def _staged_base(change: p.Change, plan: _Plan) -> dict[str, Any]:
    """A base written earlier in this same batch is not in the database yet."""
    for revision in plan.revisions:
        if (revision["table_name"], revision["row_id"], revision["revision_id"]) == (
                change["table"], change["row_id"], change["base_revision_id"]):
            return json.loads(revision["fields_json"])
    return {}


def _row_state(row: Any) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"revision_id": row.revision_id, "append_only": row.append_only,
            "fields": json.loads(row.fields_json), "fields_json": row.fields_json}


def _stage(device: SyncDevice, change: p.Change, fields: dict[str, Any], plan: _Plan,
           in_db: bool, revision_id: str | None = None,
           replaced: dict[str, Any] | None = None) -> None:
    """Stage the row's new state. The state it replaces (`replaced`) goes to the revision
    history: every revision is kept, the current one in sync_rows and the superseded ones
    in sync_revisions, so a row seen once is written once (a merge base is either the
    current row or superseded, hence in sync_revisions)."""
    key = (change["table"], change["row_id"])
    text = canonical.text(fields)
    revision_id = revision_id or change["revision_id"]
    plan.rows[key] = {
        "table_name": key[0], "row_id": key[1], "person_id": change["person_id"],
        "revision_id": revision_id, "hlc": change["hlc"], "device_id": device.id,
        "worker_id": change["worker_id"], "append_only": change["append_only"],
        "fields_json": text, "fields": fields, "in_db": in_db}
    if replaced is not None:
        plan.revisions.append({"table_name": key[0], "row_id": key[1],
                               "revision_id": replaced["revision_id"],
                               "fields_json": replaced["fields_json"]})
    plan.registry.append((change["table"], change["person_id"], fields,
                          change.get("linkage_key")))


def _conflict_row(device: SyncDevice, change: p.Change, name: str, kept: Any,
                  other: Any) -> dict[str, Any]:
    conflict_id = str(uuid.uuid4())
    fields = {"table_name": change["table"], "row_id": change["row_id"], "field": name,
              "kept_value": json.dumps(kept), "other_value": json.dumps(other),
              "other_worker": change["worker_id"], "other_device": device.id,
              "other_hlc": change["hlc"], "resolved_at": None, "resolved_by": None}
    return {"table_name": p.CONFLICTS_TABLE, "row_id": conflict_id,
            "person_id": change["person_id"], "revision_id": conflict_id, "hlc": change["hlc"],
            "device_id": device.id, "worker_id": change["worker_id"], "append_only": False,
            "fields_json": json.dumps(fields, sort_keys=True)}


def _write_and_commit(session: Session, plan: _Plan) -> None:
    """Everything but the feed rows first; the rows last, numbered from the counter as
    they are written, and the commit with them (sync_batch.write_rows_and_commit)."""
    identifiers: Callable[[], set[tuple[str, str, str]]] = set
    # Nothing to send (a batch of replays): an empty pipeline would still wait a trip.
    if plan.new_people or plan.revisions or plan.ledger or plan.registry:
        with bulk.pipelined(session):  # sent together, waited for once
            # A person the read found new can still arrive meanwhile: from a `people` row
            # with another row id (the lock is on the row), or from POST /people. Theirs
            # stands, and so do their identifiers: read after this insert has waited for them.
            batch.insert_ignoring_duplicates(session, Person, plan.new_people)
            batch.insert_ignoring_duplicates(session, SyncRevision, plan.revisions)
            bulk.insert(session, SyncChange.__table__, plan.ledger)
            identifiers = registry.identifiers_later(session, plan.registry)
    # Outside: the registry goes partly through SQLAlchemy, which needs each reply at once.
    registry.update_many(session, plan.registry, plan.linkage, identifiers())
    states = list(plan.rows.values())
    rows = [_db_row(state) for state in states] + plan.conflicts  # conflicts are always new
    for offset, row in enumerate(rows):
        row["seq"] = offset
    paired = list(zip(rows, states, strict=False))  # stops before the conflicts
    batch.write_rows_and_commit(session,
                     [row for row, state in paired if not state["in_db"]] + plan.conflicts,
                     [row for row, state in paired if state["in_db"]])


def _db_row(state: dict[str, Any]) -> dict[str, Any]:
    return {k: state[k] for k in ("table_name", "row_id", "person_id", "revision_id", "hlc",
                                  "device_id", "worker_id", "append_only", "fields_json")}


def _clock_warning(changes: list[p.Change]) -> str | None:
    now = time.time_ns() // 1_000_000
    for change in changes:
        wall = int(change["hlc"].split("-", 1)[0] or 0)
        if abs(wall - now) > p.CLOCK_SKEW_WARNING_MS:
            return ("this device's clock is more than 10 minutes out; its times are shown "
                    "but never used to decide which edit wins")
    return None


__all__ = ["push"]
