"""Pulled rows this laptop cannot store: found before they are applied, or named by the
database when they are, and kept aside with the reason (table sync_set_aside).

One row the server should never have sent (an older server, a bug, a row from a newer
app version) must not stop the team's sync: its page is applied without it, the cursor
moves on, and the row waits here, as received, for a version that can store it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.orm import Session

from app import config
from app.store.repositories import utc_now
from app.store.sync.models import SetAsideRow
from app.store.sync.tables import SERVER_ROWS_KEPT, TABLES
from sync.protocol.tables import HLC_PATTERN, row_problem

# What every pulled row carries, and as what (the wire shape, protocol.PulledRow).
_SHAPE: dict[str, type | tuple[type, ...]] = {
    "table": str, "row_id": str, "person_id": str, "revision_id": str, "hlc": str,
    "device_id": str, "worker_id": str, "append_only": bool, "fields": dict}


@dataclass(frozen=True)
class Refusal:
    """A row not stored, and why, in words."""

    row: Any  # as received: normally a protocol.PulledRow, but it may be anything
    reason: str


def problem(row: Any) -> str | None:
    """Why this laptop cannot store `row`, in words; None when it can try.

    Fields this version does not know are allowed (a newer app's row keeps what this
    version knows); a table this version does not keep at all is not."""
    shape = _shape_problem(row)
    if shape:
        return shape
    if not HLC_PATTERN.match(row["hlc"]):
        return "its clock stamp is not one this app can read"
    found = row_problem(row["table"], row["row_id"], row["person_id"], row["fields"],
                        append_only=row["append_only"], unknown_fields=True)
    if found:
        return f"it came in a form this version cannot store ({found})"
    if row["table"] not in TABLES and row["table"] not in SERVER_ROWS_KEPT:
        return f"this version of the app does not keep {row['table']} rows yet"
    return None


def _shape_problem(row: Any) -> str | None:
    try:  # asked of every row of a first sync: the usual answer in one expression
        if (type(row["table"]) is str and type(row["row_id"]) is str
                and type(row["person_id"]) is str and type(row["revision_id"]) is str
                and type(row["hlc"]) is str and type(row["device_id"]) is str
                and type(row["worker_id"]) is str and type(row["append_only"]) is bool
                and type(row["fields"]) is dict):
            return None
    except (KeyError, TypeError, IndexError):
        pass
    if not isinstance(row, dict):
        return "it is not a row"
    for key, kind in _SHAPE.items():
        if not isinstance(row.get(key), kind):
            return f"its {key.replace('_', ' ')} is missing or not the right kind"
    return None


def in_words(error: BaseException) -> str:
    """The database's reason for refusing a row, for a worker first and IT second."""
    message = str(getattr(error, "orig", None) or error).splitlines()[0]
    if "FOREIGN KEY" in message:
        return f"it belongs to a record this laptop does not hold ({message})"
    if "UNIQUE" in message:
        return f"another record on this laptop already has its place ({message})"
    if "NOT NULL" in message:
        return f"a value it needs is missing ({message})"
    return f"the laptop's database would not take it ({type(error).__name__}: {message})"


def _text(row: Any, key: str) -> str:
    value = row.get(key, "") if isinstance(row, dict) else ""
    return value if isinstance(value, str) else json.dumps(value, default=str)


def keep(db: Session, refused: list[Refusal]) -> None:
    """Set `refused` aside, in arrival order. An older copy of the same row waiting here
    goes: the newer one is the row's whole state, and both failed."""
    if not refused:
        return
    keys = [(_text(r.row, "table"), _text(r.row, "row_id")) for r in refused]
    drop(db, iter(keys))
    now, version = utc_now(), config.app_version()
    db.add_all(SetAsideRow(
        table_name=table, row_id=row_id, person_id=_text(r.row, "person_id"),
        row_json=json.dumps(r.row, default=str), reason=r.reason, app_version=version,
        set_aside_at=now) for r, (table, row_id) in zip(refused, keys, strict=True))


def drop(db: Session, keys: Iterable[tuple[str, str]]) -> None:
    """Forget set-aside copies of these (table, row id): a newer revision was stored (or
    is set aside in their place). One cheap read when nothing is set aside, as usual."""
    if not db.scalar(select(func.count()).select_from(SetAsideRow)):
        return
    wanted = set(keys)
    held = set(db.execute(select(SetAsideRow.table_name, SetAsideRow.row_id)).tuples())
    gone = sorted(held & wanted)
    for start in range(0, len(gone), 400):
        db.execute(delete(SetAsideRow).where(tuple_(SetAsideRow.table_name, SetAsideRow.row_id)
                                             .in_(gone[start:start + 400])))


def forget_people(db: Session, person_ids: list[str]) -> None:
    """People who left this laptop's scope: their set-aside rows go with their records."""
    if person_ids:
        db.execute(delete(SetAsideRow).where(SetAsideRow.person_id.in_(person_ids)))


def take_for_retry(db: Session, *, everything: bool) -> list[Any]:
    """Remove and return the rows to try again, oldest first: those an earlier app version
    set aside (this one would fail them the same way), or all of them when a worker asks.
    Whatever fails again is set aside again, by this version."""
    query = select(SetAsideRow).order_by(SetAsideRow.seq)
    if not everything:
        query = query.where(SetAsideRow.app_version != config.app_version())
    entries = list(db.scalars(query))
    for entry in entries:
        db.delete(entry)
    db.flush()
    return [json.loads(entry.row_json) for entry in entries]


def waiting_from_earlier_versions(db: Session) -> bool:
    """Asked at every pull: one indexed read, and the version only if anything waits."""
    versions = set(db.scalars(select(SetAsideRow.app_version).distinct()))
    return bool(versions - {config.app_version()})


def count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(SetAsideRow)) or 0


def listed(db: Session) -> list[SetAsideRow]:
    return list(db.scalars(select(SetAsideRow).order_by(SetAsideRow.seq)))
