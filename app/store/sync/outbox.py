"""Every local edit of a synced row writes its outbox entry in the same flush.

Hooked on the session factory (after_flush), so no repository can forget it and the
edit and its entry commit or roll back together. Rows arriving from the server are
applied with APPLYING_REMOTE set, so they are not sent back.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, insert, inspect, update
from sqlalchemy.orm import Session, sessionmaker

from app.domain.linkage import ndtms_linkage_key
from app.store.identity import WriteContext
from app.store.models import Person
from app.store.person_models import PersonDigest
from app.store.sync import handed_away
from app.store.sync.models import OutboxEntry
from app.store.sync.tables import META_COLUMNS, TABLES, SyncedTable, is_syncable
from sync import protocol as p

APPLYING_REMOTE = "insideout.applying_remote"


def install(sessions: sessionmaker[Session]) -> None:
    event.listen(sessions, "after_flush", _capture)


def _capture(session: Session, _context: object) -> None:
    if session.info.get(APPLYING_REMOTE):
        return
    written = [(obj, None) for obj in session.new if is_syncable(obj)]
    written += [(obj, _changed(obj)) for obj in session.dirty
                if is_syncable(obj) and session.is_modified(obj, include_collections=False)]
    if written:
        people = {TABLES[obj.__tablename__].person_of(obj) for obj, _ in written}
        handed_away.refuse_writes(session, people)
        tasks_to_rebuild(session, people)
        session.connection().execute(insert(OutboxEntry.__table__),
                                     [_entry(obj, changed) for obj, changed in written])


def _changed(obj: object) -> list[str]:
    state = inspect(obj)
    return sorted(a.key for a in state.attrs
                  if a.key not in META_COLUMNS and a.history.has_changes())


def _base_revision(obj: Any, table: SyncedTable) -> str | None:
    """The revision the server last saw: the one in the database before this flush.

    Two edits in one transaction make one entry whose base is what was stored, not the
    intermediate revision the server never received.
    """
    if table.append_only:
        return None
    history = inspect(obj).attrs.revision_id.history
    return history.deleted[0] if history.deleted else obj.base_revision_id


def _entry(obj: Any, changed: list[str] | None) -> dict[str, Any]:
    table = TABLES[obj.__tablename__]
    fields = {name: getattr(obj, name) for name in table.field_names()}
    revision = obj.id if table.append_only else obj.revision_id
    change: dict[str, Any] = {
        "change_id": str(uuid.uuid4()), "table": table.name, "row_id": obj.id,
        "person_id": table.person_of(obj), "revision_id": revision,
        "base_revision_id": _base_revision(obj, table) if changed is not None else None,
        "hlc": getattr(obj, "updated_hlc", None) or obj.hlc,
        "worker_id": obj.worker_id, "append_only": table.append_only, "fields": fields,
        "linkage_key": _linkage(obj),
    }
    return entry_values(change, changed if changed is not None else fields)


def entry_values(change: dict[str, Any], changed_fields: Iterable[str]) -> dict[str, Any]:
    """The one way an outbox entry is made: the change as it will be pushed, its hash,
    and the fields the worker changed (what a later rebase keeps on top of theirs).

    Every writer of the outbox (the flush hook, a rebase, a conflict's resolution) goes
    through here, so what a change carries is decided once."""
    return {
        "change_id": change["change_id"], "table_name": change["table"],
        "row_id": change["row_id"], "revision_id": change["revision_id"],
        "base_revision_id": change["base_revision_id"], "hlc": change["hlc"],
        "payload": json.dumps(change), "changed_fields": json.dumps(sorted(changed_fields)),
        "content_hash": p.content_hash(change), "state": "pending", "error": None,
    }


def queue_command(session: Session, ctx: WriteContext, table: str, person_id: str,
                  fields: dict[str, Any], row_id: str | None = None) -> str:
    """Ask the server to act (a conflict's resolution, a handover): a row of one of the
    protocol's command tables, never stored here, queued like any edit. Returns its id."""
    row_id = row_id or str(uuid.uuid4())
    change: dict[str, Any] = {
        "change_id": str(uuid.uuid4()), "table": table, "row_id": row_id,
        "person_id": person_id, "revision_id": row_id, "base_revision_id": None,
        "hlc": ctx.hlc(), "worker_id": ctx.worker_id, "append_only": True, "fields": fields,
        "linkage_key": None}
    session.execute(insert(OutboxEntry.__table__).values(**entry_values(change, fields)))
    return row_id


def _linkage(obj: object) -> str | None:
    if not isinstance(obj, Person):
        return None
    from app.store.people_repo import to_domain  # local: people_repo imports this module's peers

    return ndtms_linkage_key(to_domain(obj))


def tasks_to_rebuild(session: Session, person_ids: Iterable[str]) -> None:
    """Any write to a person may change their tasks: their task digest is cleared, and
    the task list rebuilds it before it reads (app.store.task_inputs)."""
    ids = [i for i in person_ids if i]
    if ids:
        session.connection().execute(update(PersonDigest).where(
            PersonDigest.person_id.in_(ids)).values(tasks_json=None))
