"""What the server checks of every pushed change before it may touch a row.

A laptop's word is not taken for anything: the row's shape is checked against the
protocol's table rules (sync.protocol.tables), its clock stamp must be the pushing
device's own and not far ahead of the server's clock, and a row stays with the person
it was created for. Each check answers (the change's HTTP code, the reason) or None.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sync import protocol as p
from sync.protocol import tables

Refusal = tuple[int, str]
Key = tuple[str, str]  # (table, row id)


# Commands a laptop pushes about a handover: the server acts on them (services/handovers).
HANDOVER_COMMANDS = frozenset({p.HANDOVER_REQUESTS_TABLE, p.HANDOVER_ACCEPTANCES_TABLE})


def target(change: p.Change) -> Key:
    """The row a change acts on: its own; for a conflict resolution the conflict; for a
    handover request or acceptance the handover's server row (a request's row id is the
    handover's id)."""
    table = change["table"]
    if table == p.RESOLUTIONS_TABLE:
        return p.CONFLICTS_TABLE, str(change["fields"].get("conflict_id", ""))
    if table in HANDOVER_COMMANDS:
        return p.HANDOVERS_TABLE, (change["row_id"] if table == p.HANDOVER_REQUESTS_TABLE
                                   else str(change["fields"].get("handover_id", "")))
    return table, change["row_id"]


def shape(change: p.Change, device_id: str, now_ms: int) -> Refusal | None:
    if change["table"].startswith("_"):
        return 403, "a laptop cannot write the server's own records"
    problem = tables.row_problem(change["table"], change["row_id"], change["person_id"],
                                 change["fields"], append_only=change["append_only"])
    if problem:
        return 422, problem
    return clock(change["hlc"], device_id, now_ms)


def clock(stamp: str, device_id: str, now_ms: int) -> Refusal | None:
    """The stamp must be the pushing device's own and not from the future: stored, it
    would be copied into every laptop's clock (HLCs never go back)."""
    found = tables.HLC_PATTERN.match(stamp)
    if found is None:
        return 422, "the change's clock stamp is malformed"
    if found[3] != device_id:
        return 403, "the change's clock stamp names another device"
    ahead_ms = int(found[1]) - now_ms
    if ahead_ms > p.MAX_CLOCK_AHEAD_MS:
        return p.NOT_YET, (f"this laptop's clock is {ahead_ms // 60_000} minutes ahead of the "
                           "server's; set the right time: the change is kept and sent later")
    return None


def bound(change: p.Change, existing_person: str | None) -> Refusal | None:
    """A row belongs to the person it was created for, for good: a push naming another
    person would move it (and everything in it) into that person's record and scope."""
    if existing_person is not None and existing_person != change["person_id"]:
        return 403, "this record belongs to another person; a record never moves"
    return None


def person_of(row: Any) -> str | None:
    """The person of a row held now: staged earlier in the batch (a dict) or read."""
    if row is None:
        return None
    return row["person_id"] if isinstance(row, dict) else row.person_id


def people_named(change: p.Change) -> set[str]:
    """Every person a change names that is shaped as an id: read before the change's
    shape is checked (a malformed id, NUL and all, must not reach a query)."""
    return {person for person in p.people_of(change) if tables.row_id(person) is None}


def well_formed_credentials(credentials: dict[str, str]) -> dict[str, str]:
    """Only worker ids shaped as ids reach the lookup; others count as no credential."""
    return {worker: token for worker, token in credentials.items()
            if tables.row_id(worker) is None}


def references(change: p.Change) -> set[str]:
    """Other people a change's fields name (a merge's folded record, a survivor)."""
    return p.people_of(change) - {change["person_id"]}


# Fields naming another row a change depends on (what it corrects, answers or follows):
# that row must be of the same person's record, or a push could thread one person's
# record into another's, or correct a row its author may not see.
ROW_REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "appointments": (("follows_up_id", "appointments"), ("supersedes_id", "appointments")),
    "appointment_outcomes": (("appointment_id", "appointments"),
                             ("supersedes_id", "appointment_outcomes")),
    "referral_updates": (("referral_id", "referrals"), ("supersedes_id", "referral_updates")),
    "keywork_sessions": (("care_plan_version_id", "care_plan_versions"),
                         ("supersedes_id", "keywork_sessions")),
    "journey_events": (("supersedes_id", "journey_events"),),
    "top_forms": (("supersedes_id", "top_forms"),),
    "care_plan_versions": (("supersedes_id", "care_plan_versions"),),
    "care_plan_signatures": (("version_id", "care_plan_versions"),),
}


def rows_referenced(change: p.Change) -> set[Key]:
    """The rows a change's fields name (only values shaped as ids reach a query)."""
    fields = change["fields"]
    return {(table, value) for field, table in ROW_REFERENCES.get(change["table"], ())
            if tables.row_id(value := fields.get(field)) is None}


def foreign_row(change: p.Change, owner_of: Callable[[Key], str | None]) -> Refusal | None:
    """A row the change names belongs to another person. A row the server has not got
    is not refused: the laptop sends it first, or it was refused and this one stands
    on its own."""
    for field, table in ROW_REFERENCES.get(change["table"], ()):
        value = change["fields"].get(field)
        owner = owner_of((table, value)) if isinstance(value, str) else None
        if owner is not None and owner != change["person_id"]:
            return 403, f"{field} names a row of another person's record"
    return None


def unique_key(change: p.Change) -> str | None:
    """What no other row of the change's table may share (sync.protocol.tables: a
    person's answer to one question), as a hash that says nothing of the record; None
    for a table without one. Migration 0012 makes the same for the rows it found."""
    values = tables.unique_key(change["table"], change["fields"])
    if values is None:
        return None
    text = json.dumps([change["table"], *values], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def unique_clash(change: p.Change, key: str | None, holder: str | None,
                 existing_key: str | None) -> Refusal | None:
    """`holder`: the row that has the key now (None: no row); `existing_key`: the key of
    the row the change edits, if it exists and has one."""
    if existing_key is not None and key != existing_key:
        return 422, "what this record is about (its section and field, or role) never changes"
    if key is not None and holder is not None and holder != change["row_id"]:
        return 409, ("this person already has this record under another id (two laptops "
                     "made it apart); the one already there stands")
    return None


def made_id(change: p.Change, existing: Any, person_row: Any) -> Refusal | None:
    """A new answer's id must be made from its own person (sync.protocol.tables.made_ids):
    otherwise another team that looked a person up could take the id their answer to an
    unanswered question will have, and that answer would be refused for good.
    `person_row`: the person's `people` row as held (its salt), or None."""
    if existing is not None or change["table"] not in tables.NATURAL_IDS:
        return None
    fields = (person_row["fields"] if isinstance(person_row, dict)
              else json.loads(person_row.fields_json) if person_row is not None else {})
    allowed = tables.made_ids(change["table"], change["person_id"],
                              str(fields.get("id_salt") or ""), change["fields"])
    if change["row_id"] not in allowed:
        return 422, "an answer's id is made from its own person and question"
    return None


ALLOCATIONS = "key_worker_allocations"
TEAM_LEAD = "team_lead"
# The field of each table that names the worker who made the row: what every laptop shows
# as "recorded by" must be that worker's name as the server knows it (the credential's).
AUTHOR_NAMES = {"journey_events": "recorded_by_name", ALLOCATIONS: "allocated_by_name",
                "appointments": "booked_by_name", "appointment_outcomes": "recorded_by_name",
                "referrals": "sent_by_name", "referral_updates": "recorded_by_name",
                "keywork_sessions": "recorded_by_name", "task_decisions": "decided_by_name",
                "top_forms": "recorded_by_name"}
Held = tuple[str, str]  # a person's latest allocation: (its clock stamp, the key worker)


def same_name(written: Any, known: str) -> bool:
    """Exact, but for whitespace at either end: a laptop copies its worker's name from the
    server as it is, but strips a name chosen from a list (app/services/allocation.py), so
    a server name typed with a trailing space would otherwise be refused for good. Case
    counts: the name every laptop shows is the one written."""
    return isinstance(written, str) and written.strip() == known.strip()


def author_named(change: p.Change, author_name: str) -> Refusal | None:
    """The name a row gives its author is the author's own (services/credentials)."""
    name_field = AUTHOR_NAMES.get(change["table"])
    if name_field is None or same_name(change["fields"].get(name_field), author_name):
        return None
    return 422, (f"{name_field} must be the name of the worker who made the change, "
                 f"as the server knows them: {author_name!r}")


def allocation(change: p.Change, author_role: str,
               key_worker_name: str | None) -> Refusal | None:
    """A person's key worker is given by a team lead, to a worker of the team, under that
    worker's own name; any worker may take a person on themselves (`taken_from_another`).
    `key_worker_name`: the server's name of the worker given to, None if not of the team."""
    if change["table"] != ALLOCATIONS:
        return None
    if key_worker_name is None:
        return 422, "the key worker is not a worker of this team"
    if author_role != TEAM_LEAD and change["fields"].get("key_worker_id") != change["worker_id"]:
        return 403, "only a team lead can give a person to another worker"
    if not same_name(change["fields"].get("key_worker_name"), key_worker_name):
        return 422, ("key_worker_name must be the name of the worker key_worker_id names, "
                     f"as the server knows them: {key_worker_name!r}")
    return None


def taken_from_another(change: p.Change, author_role: str,
                       holder: str | None) -> Refusal | None:
    """A worker may take on only a person nobody holds (as the laptop asks): moving someone
    from a colleague is a team lead's decision. `holder`: the person's key worker now,
    None if nobody holds them or their holder is switched off or gone from the team."""
    if change["table"] != ALLOCATIONS or author_role == TEAM_LEAD:
        return None
    if holder is None or holder == change["worker_id"]:
        return None
    return 403, ("this person already has a key worker: only a team lead can move them to "
                 "another worker")


def taking_on(change: p.Change, author_role: str) -> bool:
    """A worker (not a lead) allocating a person to themselves: only then is who holds the
    person read (sync_push), never for the pushes that do not."""
    return (change["table"] == ALLOCATIONS and author_role != TEAM_LEAD
            and change["fields"].get("key_worker_id") == change["worker_id"])


def now_held(holders: dict[str, Held], change: p.Change) -> None:
    """An allocation applied: the person's key worker from now, if its stamp is the
    latest (stamps order as text: sync.protocol.tables.HLC_PATTERN)."""
    held = holders.get(change["person_id"])
    if held is None or change["hlc"] > held[0]:
        holders[change["person_id"]] = (change["hlc"], str(change["fields"]["key_worker_id"]))
