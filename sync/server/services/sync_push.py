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
   that stops at the committed counter can never skip a change;
5. once committed, hand each written row's JSON to this process's feed cache: the
   team's next pulls send it as it is, without reading the sealed row back and opening it.
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
from sync.protocol.tables import NATURAL_IDS
from sync.server.errors import Refused
from sync.server.models import SyncChange, SyncRevision
from sync.server.models.base import utcnow
from sync.server.services import access, canonical, handovers, push_audit, registry, sealing
from sync.server.services import credentials as authorship
from sync.server.services import sync_checks as checks
from sync.server.services.auth import SyncDevice
from sync.server.services.sync_merge import merge
from sync.server.storage import bulk, feed, push_batch
from sync.server.storage.feed_cache import FeedCache


def _result(change: p.Change, status: p.ChangeStatus, code: int, message: str,
            revision_id: str | None = None, conflicts: int = 0) -> p.ChangeResult:
    return {"change_id": change["change_id"], "status": status, "code": code,
            "message": message, "revision_id": revision_id, "conflicts": conflicts}


@dataclass
class _Plan:
    """What the batch will write, gathered in memory first."""

    rows: dict[push_batch.Key, dict[str, Any]] = field(default_factory=dict)  # final row state
    revisions: list[dict[str, Any]] = field(default_factory=list)
    ledger: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    new_people: list[dict[str, Any]] = field(default_factory=list)
    registry: list[tuple[str, str, dict[str, Any], str | None]] = field(default_factory=list)
    linkage: dict[str, str] = field(default_factory=dict)  # person id -> key held now
    authors: dict[str, authorship.Author] = field(default_factory=dict)  # by worker id
    # change id -> the person a refused change reached for (another person's row, or a
    # person it named): that person's record shows the attempt (cli record-writes).
    aimed_at: dict[str, str] = field(default_factory=dict)
    unique: dict[tuple[str, str], str] = field(default_factory=dict)  # -> row holding it
    waiting: set[str] = field(default_factory=set)  # people of changes kept for later
    # person id -> the team they were handed over to and have not accepted yet: why this
    # device's write to them is refused (read only until then)
    handed_over: dict[str, str] = field(default_factory=dict)
    # Read only for a batch that allocates a key worker: the team's workers, and the key
    # worker now of each held person a worker takes on, kept current through the batch.
    team_workers: dict[str, access.TeamWorker] = field(default_factory=dict)
    holders: dict[str, checks.Held] = field(default_factory=dict)


def push(session: Session, device: SyncDevice, changes: list[p.Change],
         credentials: dict[str, str] | None = None,
         cache: FeedCache | None = None) -> p.PushResponse:
    """`credentials`: worker id -> that worker's sync credential for this laptop, for
    the workers whose changes the push holds (credentials.py): the server takes a
    change's author from them, never from the change. `cache`: this process's feed
    cache, given each written row's text once the push has committed."""
    results: list[p.ChangeResult | None] = [None] * len(changes)
    for i, change in enumerate(changes):
        if not canonical.hash_matches(change):
            results[i] = _result(change, "refused", 400,
                                 "content hash does not match: damaged in transit")
    live = [(i, c) for i, c in enumerate(changes) if results[i] is None]
    claimed = authorship.hashes(checks.well_formed_credentials(credentials or {}))
    held = _lock_and_read(session, live, claimed)
    plan = _Plan(authors=authorship.judge(claimed, held.credentials,
                                          device_id=device.id, team_id=device.team_id))
    _decide(session, device, live, results, held, plan)
    push_audit.refusals(session, device, live, results, plan.aimed_at)
    push_audit.consents(session, device, live, results)
    _write_and_commit(session, plan, cache)  # the counter is released at once: see above
    return {"results": [r for r in results if r is not None],
            "server_time_ms": time.time_ns() // 1_000_000,
            "clock_warning": _clock_warning(changes)}


def _lock_and_read(session: Session, live: list[tuple[int, p.Change]],
                   claimed: dict[str, str]) -> push_batch.Held:
    """Step 1 and 2 above: what the batch's rows, people and unique keys are, locked and
    read by storage/push_batch in one round trip."""
    uniques = {(c["table"], k) for _, c in live if (k := checks.unique_key(c)) is not None}
    targets = [_as_target(c) for _, c in live]
    # A handover's person, locked with the rows (in one sorted order: no deadlock), so two
    # requests for one person cannot both find no open handover.
    handed = {handovers.lock_key(c["person_id"]) for _, c in live
              if c["table"] in checks.HANDOVER_COMMANDS}
    return push_batch.lock_and_read(
        session, targets, also_locked=handed,  # type: ignore[arg-type]
        people=set().union(*map(checks.people_named, targets)),  # in fields too (merges)
        # The person's own row, for the salt an answer's id is made from (checks.made_id)
        salted={("people", c["person_id"]) for c in targets if c["table"] in NATURAL_IDS}
        | set().union(*map(checks.rows_referenced, targets)),  # read for checks.foreign_row
        credential_hashes=claimed, unique_keys=uniques)


def _decide(session: Session, device: SyncDevice, live: list[tuple[int, p.Change]],
            results: list[p.ChangeResult | None], held: push_batch.Held, plan: _Plan) -> None:
    seen, current, bases = held.ledger, held.current, held.bases
    received = utcnow()
    person_ids = set().union(*(checks.people_named(c) for _, c in live))  # and those named
    plan.linkage = dict(held.linkage)
    plan.unique = dict(held.unique)
    known = set(plan.linkage)
    allowed = access.allowed_people(session, device, person_ids & known)
    if known & person_ids - allowed:  # rare: say why, when it is a handover
        plan.handed_over = access.handed_over(session, device.team_id,
                                              known & person_ids - allowed)
    if any(c["table"] == checks.ALLOCATIONS for _, c in live):
        plan.team_workers, plan.holders = access.allocation_context(
            session, device.team_id, _taken_on(live, plan, known))
    now_ms = time.time_ns() // 1_000_000
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
        result = (_behind_a_waiting_change(change, plan)
                  or _refusal(device, change, known, allowed, current, plan, now_ms)
                  or _act(session, device, change, current, bases, plan, allowed))
        if result["code"] in p.KEPT_FOR_LATER:  # what follows for its people waits too
            plan.waiting |= checks.people_named(change)
        results[i] = result
        if change["table"] == checks.ALLOCATIONS and result["status"] == "applied":
            checks.now_held(plan.holders, change)  # a later change in the batch sees it
        if result["status"] != "refused" or result["code"] == 409:
            in_batch[change["change_id"]] = (change["content_hash"], result)
            plan.ledger.append({"change_id": change["change_id"], "device_id": device.id,
                                "content_hash": change["content_hash"],
                                "result_json": canonical.text(result),
                                "received_at": received, "worker_id": change["worker_id"],
                                "person_id": change["person_id"],
                                "table_name": change["table"], "row_id": change["row_id"]})


def _taken_on(live: list[tuple[int, p.Change]], plan: _Plan, known: set[str]) -> set[str]:
    """People held already whom a worker (not a lead, and whose change is taken) allocates
    to themselves: whose key worker now is read. A person a worker records is theirs from
    the start, in the push that brings them, and needs no read."""
    return {c["person_id"] for _, c in live if c["person_id"] in known
            and (author := plan.authors.get(c["worker_id"])) is not None
            and author.refusal is None and checks.taking_on(c, author.role)}


def _behind_a_waiting_change(change: p.Change, plan: _Plan) -> p.ChangeResult | None:
    """An earlier change of the batch for the same person waits (its worker has no good
    credential yet, or its clock is ahead): this one may depend on it (the person's own
    row before their answers), so it waits too, rather than being refused for good."""
    if plan.waiting and plan.waiting & checks.people_named(change):  # rarely any waits
        return _result(change, "refused", p.NOT_YET,
                       "waits for an earlier change to the same person, which is kept "
                       "for later")
    return None


def _replay(change: p.Change, stored_hash: str, stored: p.ChangeResult) -> p.ChangeResult:
    if stored_hash != change["content_hash"]:
        return _result(change, "refused", 409,
                       "this change id was already used for different content")
    return {**stored, "status": "duplicate"}


def _as_target(change: p.Change) -> p.Change:
    """The change as the row it acts on (a resolution acts on its conflict's row)."""
    table, row_id = checks.target(change)
    return change if table == change["table"] else {**change, "table": table,
                                                    "row_id": row_id}


def _refusal(device: SyncDevice, change: p.Change, known: set[str], allowed: set[str],
             current: dict[push_batch.Key, Any], plan: _Plan, now_ms: int) -> p.ChangeResult | None:
    """Why the change may not be applied at all, checked before it touches anything: its
    shape and clock, the person's scope (and of every person it names), and that the row
    it acts on belongs to that same person."""
    problem = (authorship.refusal_for(plan.authors, change["worker_id"])
               or checks.shape(change, device.id, now_ms))
    if problem is None:
        outside = checks.references(change) - allowed
        if outside:
            problem = (403, "it names a person who is not your team's to change")
            plan.aimed_at[change["change_id"]] = min(outside)
    if problem is None:
        key = checks.target(change)
        owner = checks.person_of(plan.rows.get(key) or current.get(key))
        problem = checks.bound(change, owner)
        if problem is not None and owner is not None:
            plan.aimed_at[change["change_id"]] = owner
    if problem is None:
        problem = checks.foreign_row(change, lambda named: checks.person_of(
            plan.rows.get(named) or current.get(named)))
    if problem is None:
        problem = _authored(change, plan)
    if problem is None:
        problem = _unique_problem(change, plan.rows.get(key) or current.get(key), plan)
    if problem is None:
        person_key = ("people", change["person_id"])
        problem = checks.made_id(change, plan.rows.get(key) or current.get(key),
                                 plan.rows.get(person_key) or current.get(person_key))
    if problem is not None:
        return _result(change, "refused", *problem)
    return _scope(device, change, known, allowed, plan)


def _authored(change: p.Change, plan: _Plan) -> checks.Refusal | None:
    """The names a row gives its author and its key worker are theirs, and an allocation
    is the author's to make (sync_checks)."""
    author = plan.authors.get(change["worker_id"])
    role = author.role if author else ""
    problem = checks.author_named(change, author.name if author else "")
    if problem is None and change["table"] == checks.ALLOCATIONS:
        given_to = plan.team_workers.get(change["fields"].get("key_worker_id"))
        problem = (checks.allocation(change, role, given_to.display_name if given_to else None)
                   or checks.taken_from_another(change, role, _holder(change, plan)))
    return problem


def _holder(change: p.Change, plan: _Plan) -> str | None:
    """The person's key worker now, if still a working member of the team."""
    held = plan.holders.get(change["person_id"])
    worker = plan.team_workers.get(held[1]) if held else None
    return worker.worker_id if worker is not None and worker.active else None


def _unique_problem(change: p.Change, existing: Any, plan: _Plan) -> checks.Refusal | None:
    """One row per unique key (a person's answer to one question): a second row for it is
    refused, and a row's key never changes. The row that takes a key holds it for the
    rest of the batch."""
    key = checks.unique_key(change)
    held_key = (existing.get("unique_key") if isinstance(existing, dict)
                else getattr(existing, "unique_key", None))
    problem = checks.unique_clash(change, key, plan.unique.get((change["table"], key or "")),
                                  held_key)
    if problem is None and key is not None:
        plan.unique[(change["table"], key)] = change["row_id"]
    return problem


def _act(session: Session, device: SyncDevice, change: p.Change,
         current: dict[push_batch.Key, Any], bases: dict[tuple, str], plan: _Plan,
         allowed: set[str]) -> p.ChangeResult:
    if change["table"] == p.RESOLUTIONS_TABLE:
        return _resolve(device, change, current, plan)
    if change["table"] in checks.HANDOVER_COMMANDS:
        return _hand_over(session, device, change, current, plan, allowed)
    return _apply(device, change, current, bases, plan)


def _hand_over(session: Session, device: SyncDevice, change: p.Change,
               current: dict[push_batch.Key, Any], plan: _Plan,
               allowed: set[str]) -> p.ChangeResult:
    """A handover request or acceptance: services/handovers decides and the registry
    writes (in this push's transaction); the handover's server row is staged here, a new
    revision of it, sent to both teams' laptops."""
    if any(person["id"] == change["person_id"] for person in plan.new_people):
        # The person is first stored when this push commits: the registry cannot move
        # them yet. Kept for the next sync, when they exist, not refused for good.
        return _result(change, "refused", p.NOT_YET, "the person is new in this sync: "
                       "the handover goes with the next one")
    author = plan.authors.get(change["worker_id"])
    fields = change["fields"]
    by = handovers.By(name=(author.name if author and author.name else
                            fields.get("requested_by") or fields.get("accepted_by") or ""),
                      worker_id=change["worker_id"], device_id=device.id,
                      actor=f"worker:{change['worker_id']}", team_id=device.team_id,
                      via="sync")
    try:
        if change["table"] == p.HANDOVER_REQUESTS_TABLE:
            done = handovers.open_handover(session, handovers.Asked(
                handover_id=change["row_id"], person_id=change["person_id"],
                to_team_id=fields["to_team_id"], reason=fields["reason"],
                note=fields.get("note") or ""), by)
        else:
            done = handovers.accept(session, fields["handover_id"], change["person_id"], by)
    except Refused as refusal:
        return _result(change, "refused", refusal.status, refusal.message)
    key = checks.target(change)
    existing = plan.rows.get(key) or _row_state(current.get(key))
    opening = change["table"] == p.HANDOVER_REQUESTS_TABLE
    if not done.changed:  # the same request, or a second acceptance: nothing changes
        return _result(change, "applied", 200,
                       "already requested" if opening else "already accepted",
                       existing["revision_id"] if existing else None)
    if opening:  # what follows in the batch for this person is read only, like later edits
        allowed.discard(change["person_id"])
        plan.handed_over[change["person_id"]] = done.fields["to_team_name"]
    row = {**change, "table": key[0], "row_id": key[1], "append_only": False}
    _stage(device, row, done.fields, plan, key in current, replaced=existing)  # type: ignore[arg-type]
    to_team = done.fields["to_team_name"]
    if opening:
        return _result(change, "applied", 201, f"handed over to {to_team}, who must accept "
                       f"by {done.fields['accept_by']}", change["revision_id"])
    return _result(change, "applied", 200, f"accepted: {to_team}'s from now",
                   change["revision_id"])


def _resolve(device: SyncDevice, change: p.Change, current: dict[push_batch.Key, Any],
             plan: _Plan) -> p.ChangeResult:
    """A worker's decision on a conflict: the server marks its own conflict row resolved
    (a new revision of it, sent to every device). The first decision stands."""
    key = checks.target(change)
    existing = plan.rows.get(key) or _row_state(current.get(key))
    if existing is None:
        return _result(change, "refused", 422, "this conflict is unknown to the server")
    if existing["fields"].get("resolved_at"):
        return _result(change, "applied", 200, "already resolved", existing["revision_id"])
    # Who decided is the credential's worker, by the name the server knows them by, not
    # the name the laptop typed; the time is the laptop's (shown, never used to decide).
    author = plan.authors.get(change["worker_id"])
    fields = {**existing["fields"], "resolved_at": change["fields"]["resolved_at"],
              "resolved_by": author.name if author and author.name
              else change["fields"]["resolved_by"]}
    row = {**change, "table": key[0], "row_id": key[1], "append_only": False}
    _stage(device, row, fields, plan, key in current, replaced=existing)  # type: ignore[arg-type]
    return _result(change, "applied", 200, "resolved", change["revision_id"])


def _scope(device: SyncDevice, change: p.Change, known: set[str], allowed: set[str],
           plan: _Plan) -> p.ChangeResult | None:
    person_id = change["person_id"]
    if person_id in known:
        if person_id in allowed:
            return None
        to_team = plan.handed_over.get(person_id)
        return _result(change, "refused", 403, access.read_only_reason(to_team) if to_team
                       else "this person is not your team's to change")
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


def _apply(device: SyncDevice, change: p.Change, current: dict[push_batch.Key, Any],
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


def _row_state(row: push_batch.Current | None) -> dict[str, Any] | None:
    """The row as read (storage/push_batch.Current, its text opened), as the plan holds rows:
    `sealed` is its stored form, kept as it is when it moves into the revisions."""
    if row is None:
        return None
    return {"revision_id": row.revision_id, "append_only": row.append_only,
            "fields": json.loads(row.fields_json), "fields_json": row.fields_json,
            "sealed": row.sealed}


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
        "fields_json": text, "fields": fields, "in_db": in_db,
        "team_id": device.team_id,  # whose key seals the batch (_write_and_commit)
        "unique_key": checks.unique_key({**change, "fields": fields})}
    if replaced is not None:
        plan.revisions.append({"table_name": key[0], "row_id": key[1],
                               "revision_id": replaced["revision_id"],
                               "fields_json": replaced["fields_json"],
                               "sealed": replaced.get("sealed")})
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
            "fields_json": json.dumps(fields, sort_keys=True), "unique_key": None}


def _write_and_commit(session: Session, plan: _Plan, cache: FeedCache | None) -> None:
    """Everything but the feed rows first; the rows last, numbered from the counter as
    they are written, and the commit with them (storage/push_batch.write_rows_and_commit).

    Record text is sealed here, under the pushing device's team key (services/sealing):
    until now the plan held it as JSON, for the merges of later changes in the batch."""
    identifiers: Callable[[], set[tuple[str, str, str]]] = set
    team_id = next((state["team_id"] for state in plan.rows.values()), None)
    key = sealing.cached_team_key(session, team_id) if team_id else None
    made: Callable[[], sealing.DataKey] | None = None
    # Nothing to send (a batch of replays): an empty pipeline would still wait a trip.
    if plan.new_people or plan.revisions or plan.ledger or plan.registry:
        with bulk.pipelined(session):  # sent together, waited for once
            if team_id and key is None:  # the team's first push in this process
                made = sealing.team_key_later(session, team_id)
            # A person the read found new can still arrive meanwhile: from a `people` row
            # with another row id (the lock is on the row), or from POST /people. Theirs
            # stands, and so do their identifiers: read after this insert has waited for them.
            # The people, the revisions and the ledger: one statement (bulk.insert_together).
            bulk.insert_together(session, [
                registry.people_insert(session, plan.new_people),
                (SyncRevision.__table__,
                 sealing.seal_rows(key, plan.revisions) if key is not None else [], True),
                (SyncChange.__table__, plan.ledger, False)])
            identifiers = registry.identifiers_later(session, plan.registry)
    if made is not None:
        key = made()
        _insert_revisions(session, key, plan)  # a trip of its own, once per team and process
    # Outside: the registry goes partly through SQLAlchemy, which needs each reply at once.
    registry.update_many(session, plan.registry, plan.linkage, identifiers())
    if key is not None:
        _write_rows_and_commit(session, key, plan, cache)
    else:  # no rows (replays, refusals): only the ledger to commit
        push_batch.write_rows_and_commit(session, [], [])
    if made is not None and key is not None:
        sealing.remember(session, key)  # committed: seal this team's rows under it from now


def _insert_revisions(session: Session, key: sealing.DataKey, plan: _Plan) -> None:
    push_batch.insert_ignoring_duplicates(session, SyncRevision,
                                     sealing.seal_rows(key, plan.revisions))


def _write_rows_and_commit(session: Session, key: sealing.DataKey, plan: _Plan,
                           cache: FeedCache | None) -> None:
    states = list(plan.rows.values())
    rows = [_db_row(state, key) for state in states]
    rows += sealing.seal_rows(key, plan.conflicts)  # conflicts are always new
    for offset, row in enumerate(rows):
        row["seq"] = offset
    paired = list(zip(rows, states, strict=False))  # stops before the conflicts
    first = push_batch.write_rows_and_commit(
        session, [row for row, state in paired if not state["in_db"]] + rows[len(states):],
        [row for row, state in paired if state["in_db"]])
    if cache is not None and first is not None:
        texts = [state["fields_json"] for state in states]
        _keep_for_pulls(cache, first, rows, texts + [c["fields_json"] for c in plan.conflicts])


def _keep_for_pulls(cache: FeedCache, first: int, rows: list[dict[str, Any]],
                    texts: list[str]) -> None:
    """Each committed row's JSON, as a pull would send it, into the feed cache: the
    team's devices pull these rows next, and a row held there is never read back and
    opened (base64 and AES-GCM, for every row of every pull). Only after the commit: a
    rolled-back row must never be served. `texts`: each row's record text before it was sealed."""
    for row, text in zip(rows, texts, strict=True):
        seq = first + int(row["seq"])
        cache.put(seq, str(row["revision_id"]),
                  feed.committed_text({**row, "seq": seq}, text))


def _db_row(state: dict[str, Any], key: sealing.DataKey) -> dict[str, Any]:
    row = {k: state[k] for k in ("table_name", "row_id", "person_id", "revision_id", "hlc",
                                 "device_id", "worker_id", "append_only", "unique_key")}
    row["fields_json"] = sealing.seal_record(key, state["table_name"], state["row_id"],
                                             state["revision_id"], state["fields_json"])
    return row


def _clock_warning(changes: list[p.Change]) -> str | None:
    now = time.time_ns() // 1_000_000
    for change in changes:
        wall = int(change["hlc"].split("-", 1)[0] or 0)
        if abs(wall - now) > p.CLOCK_SKEW_WARNING_MS:
            return ("this device's clock is more than 10 minutes out; its times are shown "
                    "but never used to decide which edit wins")
    return None


__all__ = ["push"]
