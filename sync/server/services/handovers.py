"""Handing a person over between teams: a request opens it, the receiving team accepts it.

One set of rules for every way in: a laptop's pushed HANDOVER_REQUESTS_TABLE and
HANDOVER_ACCEPTANCES_TABLE rows (services/sync_push), POST PEOPLE_PATH/{id}/handover,
and IT's `admin move-person`. What is decided here; the registry writes it
(services/registry: the handover, the move, the scope changes), and the caller writes
the HANDOVERS_TABLE row both teams' laptops receive, from `row_fields`.

- Opening: the person must be the asking team's now (IT may hand over anyone's), the
  receiving team must exist and be another, and the person must have no open handover.
  The person moves to the receiving team at once; the sending team keeps reading them.
- Accepting: only the receiving team; a second acceptance changes nothing. The sending
  team's read access ends, and its laptops let the person go at their next pull.
- Overdue: not accepted after its accept-by day (two working days, England and Wales),
  both teams' leads are told once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.protocol.tables import HANDOVER_REASONS
from sync.protocol.working_days import handover_accept_by
from sync.server.errors import Refused, not_found
from sync.server.models import AuditEvent, Handover, Person, Team, utcnow
from sync.server.models.base import new_id
from sync.server.services import access, audit, canonical, registry, sealing
from sync.server.services.auth import Caller
from sync.server.storage import push_batch


def _england() -> Any:
    try:
        return ZoneInfo("Europe/London")
    except ZoneInfoNotFoundError:  # a host without a time zone database: a day out at most
        return UTC


_ENGLAND = _england()


def day_in_england(moment: datetime) -> date:
    """Working days are England's: a handover opened at 00:30 in summer (23:30 UTC the
    day before) counts from the English day."""
    return moment.astimezone(_ENGLAND).date()


@dataclass(frozen=True)
class Asked:
    """What a request asks for. `handover_id`: the client's (a pushed request's row id)."""

    handover_id: str
    person_id: str
    to_team_id: str
    reason: str
    note: str


@dataclass(frozen=True)
class By:
    """Who acts: `name` as the server knows them, `worker_id` (None: IT at the command
    line), the device they act from (None: the CLI), their audit actor, and the device's
    team, which must be the person's (None: IT, who may hand over anyone's)."""

    name: str
    worker_id: str | None
    device_id: str | None
    actor: str
    team_id: str | None
    via: str  # "sync", "api" or "cli", for the audit trail


@dataclass(frozen=True)
class Done:
    """A handover opened or accepted (`changed` False: it had been already, and nothing
    was written), with its HANDOVERS_TABLE row's fields as they are now."""

    handover: Handover
    fields: dict[str, Any]
    changed: bool


def lock(session: Session, person_id: str) -> None:
    """Two requests for one person, on two servers' processes, must not both find no
    open handover: they queue here (a push takes it with its row locks, in order)."""
    push_batch.lock_keys(session, [lock_key(person_id)])


def lock_key(person_id: str) -> push_batch.Key:
    return ("handover of", person_id)


def open_handover(session: Session, asked: Asked, by: By) -> Done:
    lock(session, asked.person_id)
    again = session.get(Handover, asked.handover_id)
    if again is not None:
        return _repeated(session, again, asked)
    person, to_team = _checked(session, asked, by)
    opened_at = utcnow()
    handover = registry.open_handover(
        session, handover_id=asked.handover_id, person=person, to_team_id=to_team.id,
        reason=asked.reason, note=asked.note, requested_by=by.name, worker_id=by.worker_id,
        opened_at=opened_at, accept_by=handover_accept_by(day_in_england(opened_at)))
    _audit(session, "handover.opened", handover, by, reason=handover.reason,
           accept_by=handover.accept_by.isoformat())
    return Done(handover, row_fields(session, handover, note=asked.note), True)


def _repeated(session: Session, handover: Handover, asked: Asked) -> Done:
    """The same request again (a laptop that lost the answer): the same handover."""
    if (handover.person_id, handover.to_team_id) != (asked.person_id, asked.to_team_id):
        raise Refused(409, p.ERR_CONFLICT, "this handover id is already used for another "
                      "handover")
    return Done(handover, row_fields(session, handover), False)


def _checked(session: Session, asked: Asked, by: By) -> tuple[Person, Team]:
    """The person (theirs to hand over), and the receiving team; or a refusal."""
    person = session.get(Person, asked.person_id)
    if person is None:
        raise not_found("person")
    if by.team_id is not None and person.owning_team_id != by.team_id:
        raise Refused(403, p.ERR_NOT_IN_SCOPE, "this person is not your team's to hand over")
    if asked.reason not in HANDOVER_REASONS:
        raise Refused(422, p.ERR_INVALID_REQUEST,
                      f"the reason must be one of {', '.join(HANDOVER_REASONS)}")
    to_team = session.get(Team, asked.to_team_id)
    if to_team is None:
        raise Refused(422, p.ERR_INVALID_REQUEST, "there is no such receiving team")
    if to_team.id == person.owning_team_id:
        raise Refused(422, p.ERR_INVALID_REQUEST,
                      f"the person is {to_team.name}'s already: hand them to another team")
    pending = open_for(session, person.id)
    if pending is not None:
        raise Refused(409, p.ERR_CONFLICT, "this person is being handed over to "
                      f"{_team_names(session, pending)[pending.to_team_id]} already: that "
                      "handover must be accepted before another")
    return person, to_team


def open_for(session: Session, person_id: str) -> Handover | None:
    return session.scalar(select(Handover).where(Handover.person_id == person_id,
                                                 Handover.accepted_at.is_(None)))


def accept(session: Session, handover_id: str, person_id: str, by: By) -> Done:
    lock(session, person_id)
    handover = session.get(Handover, handover_id)
    if handover is None:
        raise Refused(422, p.ERR_INVALID_REQUEST, "this handover is unknown to the server")
    if handover.person_id != person_id:
        raise Refused(403, p.ERR_NOT_IN_SCOPE, "this handover is about another person")
    if by.team_id != handover.to_team_id:
        receiving = _team_names(session, handover)[handover.to_team_id]
        raise Refused(403, p.ERR_WRONG_TEAM,
                      f"only the receiving team ({receiving}) can accept this handover")
    if handover.accepted_at is not None:
        return Done(handover, row_fields(session, handover), False)
    registry.accept_handover(session, handover, accepted_by=by.name, worker_id=by.worker_id,
                             at=utcnow())
    _audit(session, "handover.accepted", handover, by)
    return Done(handover, row_fields(session, handover), True)


def _audit(session: Session, action: str, handover: Handover, by: By,
           **detail: str) -> AuditEvent:
    return audit.record(session, action, actor=by.actor, worker_id=by.worker_id,
                        device_id=by.device_id, person_id=handover.person_id,
                        handover_id=handover.id, from_team_id=handover.from_team_id,
                        to_team_id=handover.to_team_id, via=by.via, **detail)


# The device and worker named by a row IT's command wrote (a laptop's row names its own).
SERVER_NODE = "00000000-0000-0000-0000-000000000000"


def write_row(session: Session, done: Done, by: By) -> None:
    """The HANDOVERS_TABLE row of a handover opened outside a push (online, or by IT).
    Call it last: its seq is taken from the feed counter, which stays locked until the
    caller commits (seq order must stay commit order)."""
    if not done.changed:
        return
    handover, revision = done.handover, new_id()
    node = by.device_id or SERVER_NODE
    key = sealing.team_key(session, handover.from_team_id)
    push_batch.write_row_now(session, {
        "table_name": p.HANDOVERS_TABLE, "row_id": handover.id,
        "person_id": handover.person_id, "revision_id": revision,
        "hlc": f"{time.time_ns() // 1_000_000:015d}-00000-{node}", "device_id": node,
        "worker_id": by.worker_id or SERVER_NODE, "append_only": False,
        "fields_json": sealing.seal_record(key, p.HANDOVERS_TABLE, handover.id, revision,
                                           canonical.text(done.fields)),
        "unique_key": None})


def row_fields(session: Session, handover: Handover, note: str | None = None
               ) -> dict[str, Any]:
    """The HANDOVERS_TABLE row's fields (sync.protocol.tables.SERVER_TABLES): what both
    teams' laptops show. `note`: as typed, when the caller has it (else it is opened)."""
    names = _team_names(session, handover)
    if note is None:
        note = sealing.open_copy(session, handover.note_sealed or None, "",
                                 sealing.handover_note_context(handover.id))
    return {"from_team_id": handover.from_team_id,
            "from_team_name": names[handover.from_team_id],
            "to_team_id": handover.to_team_id, "to_team_name": names[handover.to_team_id],
            "reason": handover.reason, "note": note, "requested_by": handover.requested_by,
            "opened_at": handover.opened_at.isoformat(),
            "accept_by": handover.accept_by.isoformat(),
            "accepted_at": handover.accepted_at.isoformat() if handover.accepted_at else None,
            "accepted_by": handover.accepted_by}


def view(session: Session, handover: Handover) -> p.HandoverView:
    return {"handover_id": handover.id, "person_id": handover.person_id,
            **row_fields(session, handover)}  # type: ignore[typeddict-item]


def _team_names(session: Session, handover: Handover) -> dict[str, str]:
    return dict(session.execute(select(Team.id, Team.name).where(
        Team.id.in_({handover.from_team_id, handover.to_team_id}))).tuples().all())


# ---- overdue -------------------------------------------------------------------------------


def flag_overdue(session: Session, *, today: date | None = None) -> int:
    """Tell the leads of both teams of each handover not accepted after its accept-by
    day, once (registry.claim_overdue); returns how many were flagged now. Run when a
    team lead lists notifications and by `admin flag-overdue-handovers`."""
    today = today or day_in_england(utcnow())
    due = session.scalars(select(Handover).where(
        Handover.accepted_at.is_(None), Handover.overdue_flagged_at.is_(None),
        Handover.accept_by < today).order_by(Handover.opened_at)).all()
    flagged = 0
    for handover in due:
        if registry.claim_overdue(session, handover.id, utcnow()):
            _tell_leads(session, handover)
            flagged += 1
    return flagged


def _tell_leads(session: Session, handover: Handover) -> None:
    names = _team_names(session, handover)
    event = audit.record(session, "handover.overdue", actor="server",
                         person_id=handover.person_id, handover_id=handover.id,
                         from_team_id=handover.from_team_id,
                         to_team_id=handover.to_team_id,
                         accept_by=handover.accept_by.isoformat())
    audit.notify_team(session, {handover.from_team_id, handover.to_team_id}, event,
                      kind="handover_overdue",
                      text=(f"A handover from {names[handover.from_team_id]} to "
                            f"{names[handover.to_team_id]} was not accepted by "
                            f"{handover.accept_by:%A %d %B %Y}: ask the receiving team"))


# ---- online, through the API ---------------------------------------------------------------


def request_online(session: Session, caller: Caller, person_id: str, *, to_team_id: str,
                   reason: str, note: str, handover_id: str | None = None) -> Done:
    """POST PEOPLE_PATH/{id}/handover: what a pushed request does, for a signed-in worker
    of a laptop role, from their laptop's team. Writes the handover's row last."""
    worker = caller.require_worker()
    access.require_clinical(worker)
    by = By(name=worker.display_name, worker_id=worker.id, device_id=caller.device.id,
            actor=caller.actor, team_id=caller.device.team_id, via="api")
    done = open_handover(session, Asked(handover_id or new_id(), person_id, to_team_id,
                                        reason, note), by)
    write_row(session, done, by)
    return done


def teams(session: Session, caller: Caller) -> list[Team]:
    """Every team, for a worker of a laptop role to choose a receiving team from."""
    access.require_clinical(caller.require_worker())
    return list(session.scalars(select(Team).order_by(Team.name)))
