"""Pages of the feed after a cursor, limited to what the device may hold."""

from __future__ import annotations

import json

from sqlalchemy import delete, select, true
from sqlalchemy.orm import Session, aliased

from sync import protocol as p
from sync.server.models import Device, DeviceHolding, Person, SyncCounter, SyncRow
from sync.server.services import people as access
from sync.server.services.sync_batch import insert_ignoring_duplicates, is_postgres


def pull(session: Session, device: Device, cursor: int, limit: int,
         check_scope: bool = True) -> p.PullResponse:
    ceiling, rows = _page(session, device, cursor, limit)
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = rows[-1].seq if has_more else ceiling
    # Scope changes (a fetch, a team move) are looked for on a cycle's first page only:
    # they are rare, and looking scans the device's holdings.
    if check_scope:
        rows = _backfill(session, device, cursor) + rows
    rows = _parents_first(session, rows)
    _hold(session, device, {row.person_id for row in rows})
    return {"rows": rows, "next_cursor": max(next_cursor, cursor),  # type: ignore[typeddict-item]
            "has_more": has_more,
            "evicted_people": _evict(session, device) if check_scope else []}


def as_json(page: p.PullResponse) -> str:
    """The page as JSON text, each row's stored fields spliced in as they are: no parse
    and re-dump of every row on the way out."""
    rows = ",".join(_row_json(row) for row in page["rows"])  # type: ignore[arg-type]
    return (f'{{"rows":[{rows}],"next_cursor":{page["next_cursor"]},'
            f'"has_more":{json.dumps(page["has_more"])},'
            f'"evicted_people":{json.dumps(page["evicted_people"])}}}')


def _row_json(row: SyncRow) -> str:
    head = json.dumps({"seq": row.seq, "table": row.table_name, "row_id": row.row_id,
                       "person_id": row.person_id, "revision_id": row.revision_id,
                       "hlc": row.hlc, "device_id": row.device_id, "worker_id": row.worker_id,
                       "append_only": row.append_only})
    return f'{head[:-1]},"fields":{row.fields_json}}}'


def _page(session: Session, device: Device, cursor: int,
          limit: int) -> tuple[int, list[SyncRow]]:
    """The committed counter and the rows up to it, read as ONE snapshot.

    Every seq at or below the counter is committed (pushes hold the counter until they
    commit). But rows are updated in place: read in two statements, a row rewritten in
    between has left its old seq (below the counter) for a new one (above it), and the
    page would silently lack a state it claims to include. On PostgreSQL one statement
    (counter in a CTE, rows in a LATERAL join) is one snapshot. SQLite needs nothing:
    the request's BEGIN IMMEDIATE already keeps writers out."""
    scope = access.device_scope(device).with_only_columns(Person.id)
    if not is_postgres(session):
        ceiling = session.scalar(select(SyncCounter.value).where(SyncCounter.id == 1)) or 0
        return ceiling, list(session.scalars(
            select(SyncRow).where(SyncRow.seq > cursor, SyncRow.seq <= ceiling,
                                  SyncRow.person_id.in_(scope))
            .order_by(SyncRow.seq).limit(limit + 1)))
    counter = select(SyncCounter.value.label("ceiling")).where(SyncCounter.id == 1).cte("c")
    inner = (select(SyncRow).where(SyncRow.seq > cursor, SyncRow.seq <= counter.c.ceiling,
                                   SyncRow.person_id.in_(scope))
             .order_by(SyncRow.seq).limit(limit + 1).lateral("r"))
    row = aliased(SyncRow, inner)
    found = session.execute(select(counter.c.ceiling, row).select_from(counter)
                            .outerjoin(inner, true()).order_by(row.seq)).all()
    ceiling = found[0][0] if found else 0
    return ceiling, [r for _, r in found if r is not None]


def _backfill(session: Session, device: Device, cursor: int) -> list[SyncRow]:
    """A person who came into scope after the cursor passed their rows (fetched from
    another team, or moved to ours): send their history too, once."""
    if cursor == 0:
        return []
    scope = access.device_scope(device).with_only_columns(Person.id)
    held = select(DeviceHolding.person_id).where(DeviceHolding.device_id == device.id)
    return list(session.scalars(
        select(SyncRow).where(SyncRow.person_id.in_(scope), SyncRow.person_id.not_in(held),
                              SyncRow.seq <= cursor).order_by(SyncRow.seq)))


def _parents_first(session: Session, rows: list[SyncRow]) -> list[SyncRow]:
    """A row's seq is its latest write, so a person edited after their assessment comes
    later in the feed than the assessment: a device that never had them would get the
    children first, on this page or an earlier one, and could not store them (the local
    foreign key to the person). Send the person's row before the first row that hangs
    off it whenever the person's row is further on; it arrives again at its own place,
    and applying a row twice changes nothing (tests/e2e/test_convergence_stateful.py)."""
    wanted = {row.person_id for row in rows if row.table_name != "people"}
    parents = {r.row_id: r for r in session.scalars(select(SyncRow).where(
        SyncRow.table_name == "people", SyncRow.row_id.in_(wanted)))} if wanted else {}
    out: list[SyncRow] = []
    seen: set[str] = set()
    for row in rows:
        if row.person_id not in seen and row.table_name != "people":
            person = parents.get(row.person_id)
            if person is not None and person.seq > row.seq:
                out.append(person)
        seen.add(row.person_id)
        out.append(row)
    return out


def _hold(session: Session, device: Device, person_ids: set[str]) -> None:
    insert_ignoring_duplicates(session, DeviceHolding, [
        {"device_id": device.id, "person_id": person_id} for person_id in sorted(person_ids)])


def _evict(session: Session, device: Device) -> list[str]:
    """People this device holds that it may no longer see (moved to another team)."""
    scope = access.device_scope(device).with_only_columns(Person.id)
    gone = list(session.scalars(select(DeviceHolding.person_id).where(
        DeviceHolding.device_id == device.id, DeviceHolding.person_id.not_in(scope))))
    if gone:
        session.execute(delete(DeviceHolding).where(DeviceHolding.device_id == device.id,
                                                    DeviceHolding.person_id.in_(gone)))
    return gone


def move_person(session: Session, person_id: str, team_id: str) -> None:
    """Hand a person to another team; the old team's devices drop them at their next pull."""
    session.get_one(Person, person_id).owning_team_id = team_id
