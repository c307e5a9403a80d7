"""Seal what was written before migration 0009: record text, linkage keys, identifiers.

Migrations run without the master key, so the server does this itself, at start, with
it. Each step works in batches, committing after each, and finds its next batch by what
is still unsealed: it can stop at any point and start again, and the server can serve
meanwhile (a push that writes a row first wins; this never overwrites a newer write).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from sync.server.models import Device, Person, SyncRevision, SyncRow
from sync.server.services import registry, sealing
from sync.server.storage import bulk

BATCH = 500
_NO_TEAM = "(no team)"  # a row whose device and person are both gone: still sealed


def seal_existing(session: Session, batch: int = BATCH) -> dict[str, int]:
    """Seal every legacy row; returns how many of each kind it sealed. Commits."""
    steps: dict[str, Callable[[Session, int], int]] = {
        "sync_rows": _rows, "sync_revisions": _revisions,
        # The person registry's own, by its one writer.
        "people": registry.seal_legacy_people,
        "person_identifiers": registry.seal_legacy_identifiers}
    done = {}
    for name, step in steps.items():
        done[name] = 0
        while (count := step(session, batch)) > 0:
            done[name] += count
    return done


def _commit(session: Session, keys: dict[str, sealing.DataKey]) -> None:
    session.commit()
    for key in keys.values():
        sealing.remember(session, key)


def _team_keys(session: Session, teams: set[str]) -> dict[str, sealing.DataKey]:
    return {team: sealing.team_key(session, team) for team in teams}


def _rows(session: Session, batch: int) -> int:
    """Current rows, each under the team key of the device that pushed it (as a push
    would have sealed it); the person's team if the device is unknown."""
    team = _team_of(SyncRow.device_id, SyncRow.person_id)
    found = session.execute(
        select(SyncRow.table_name, SyncRow.row_id, SyncRow.revision_id, SyncRow.fields_json,
               team).where(SyncRow.fields_json.startswith(sealing.LEGACY_PREFIX))
        .order_by(SyncRow.table_name, SyncRow.row_id).limit(batch)).all()
    keys = _team_keys(session, {row[4] or _NO_TEAM for row in found})
    sealed = 0
    for table, row_id, revision_id, text, owner in found:
        # Only if still this revision: a push may have written the row meanwhile.
        sealed += session.execute(update(SyncRow).where(
            SyncRow.table_name == table, SyncRow.row_id == row_id,
            SyncRow.revision_id == revision_id, SyncRow.fields_json == text).values(
            fields_json=sealing.seal_record(keys[owner or _NO_TEAM], table, row_id,
                                            revision_id, text))).rowcount
    _commit(session, keys)
    return sealed  # 0 if every row found was written meanwhile: the loop ends


def _revisions(session: Session, batch: int) -> int:
    """Superseded revisions, under the key of the team of their row's last writer."""
    current = SyncRow.__table__.alias("current")
    team = _team_of(current.c.device_id, current.c.person_id)
    found = session.execute(
        select(SyncRevision.table_name, SyncRevision.row_id, SyncRevision.revision_id,
               SyncRevision.fields_json, team)
        .outerjoin(current, (current.c.table_name == SyncRevision.table_name)
                   & (current.c.row_id == SyncRevision.row_id))
        .where(SyncRevision.fields_json.startswith(sealing.LEGACY_PREFIX))
        .order_by(SyncRevision.table_name, SyncRevision.row_id, SyncRevision.revision_id)
        .limit(batch)).all()
    keys = _team_keys(session, {row[4] or _NO_TEAM for row in found})
    bulk.update(session, SyncRevision.__table__, ("table_name", "row_id", "revision_id"), [
        {"table_name": t, "row_id": r, "revision_id": v,
         "fields_json": sealing.seal_record(keys[owner or _NO_TEAM], t, r, v, text)}
        for t, r, v, text, owner in found])
    _commit(session, keys)
    return len(found)


def _team_of(device_id: Any, person_id: Any) -> Any:
    """The device's team, else the person's, as a column of the statement."""
    device_team = select(Device.team_id).where(Device.id == device_id).scalar_subquery()
    person_team = select(Person.owning_team_id).where(Person.id == person_id).scalar_subquery()
    return func.coalesce(device_team, person_team)
