"""Handing a person over to another team on purpose, and taking one on.

Asked for offline like any edit: the request waits in the outbox, and at the next sync
the server moves the person to the receiving team, whose laptops then receive them. Until
a receiving worker accepts, the person shows as in handover on both sides and the sending
team can still read the record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from app.domain.audit import AuditAction
from app.domain.journey.handover import HandoverReason
from app.services.changes import Changed, Part
from app.services.errors import InvalidInput, NotFound
from app.services.session import WorkerSession
from app.services.sync import worker_transport
from app.store.handover_repo import HandoverEntry, HandoverRepository
from app.store.people_repo import PeopleRepository
from app.store.sync.models import SyncState
from sync.protocol.working_days import handover_accept_by

_TEAMS_KEY = "teams"  # the last list of teams the server gave, kept for offline use


@dataclass(frozen=True)
class Team:
    team_id: str
    name: str
    agency: str


@dataclass(frozen=True)
class HandoverView:
    entry: HandoverEntry
    inbound: bool  # to this laptop's team: a worker here must accept it
    overdue: bool


def teams(*, session: WorkerSession, password: str = "") -> list[Team]:
    """The teams a person can go to, from the server when it can be asked (the worker's
    server sign-in, or their password), else as last fetched."""
    if not (session.server_token or password):
        return _kept_teams(session)
    fetched = [Team(t["team_id"], t["name"], t["agency"])
               for t in worker_transport(session, password).teams()]
    with session.transaction() as db:
        db.merge(SyncState(key=_TEAMS_KEY, value=json.dumps([t.__dict__ for t in fetched])))
    return fetched


def my_team(*, session: WorkerSession) -> Team | None:
    """This laptop's team, by the id enrolment gave, or by its name on older enrolments."""
    with session.transaction(read_only=True) as db:
        held = {key: db.get(SyncState, key) for key in ("team_id", "team_name")}
    team_id = held["team_id"].value if held["team_id"] else ""
    name = held["team_name"].value if held["team_name"] else ""
    found = (t for t in _kept_teams(session)
             if t.team_id == team_id or (not team_id and t.name == name))
    return next(found, Team(team_id, name, "") if team_id or name else None)


def teams_kept(*, session: WorkerSession) -> list[Team]:
    """The teams as last fetched, without asking the server (offline, or it failed)."""
    return _kept_teams(session)


def _kept_teams(session: WorkerSession) -> list[Team]:
    with session.transaction(read_only=True) as db:
        kept = db.get(SyncState, _TEAMS_KEY)
    return [Team(**t) for t in json.loads(kept.value)] if kept else []


def request_handover(*, session: WorkerSession, person_id: str, to_team_id: str, reason: str,
                     note: str = "", today: date | None = None) -> Changed:
    today = today or date.today()
    receiving = next((t for t in _kept_teams(session) if t.team_id == to_team_id), None)
    mine = my_team(session=session)
    problems = _request_problems(receiving, mine, reason)
    if problems:
        raise InvalidInput(problems)
    assert receiving is not None and mine is not None
    with session.transaction() as db:
        if not PeopleRepository(db).exists(person_id):
            raise NotFound("That person")
        repo = HandoverRepository(db, session.context)
        if any(e.state != "accepted" for e in repo.of_person(person_id)):
            raise InvalidInput({"to_team": "This person is already being handed over: wait "
                                           "for it to be accepted."})
        entry = repo.request(person_id=person_id, from_team=(mine.team_id, mine.name),
                             to_team=(receiving.team_id, receiving.name),
                             reason=HandoverReason(reason), note=note.strip(),
                             requested_by=session.worker.full_name,
                             accept_by=handover_accept_by(today))
        session.audit(db, AuditAction.EDIT, record_type="handover", record_id=person_id,
                      detail={"handover": entry.handover.id, "to": receiving.name,
                              "reason": reason})
    return Changed.of(person_id, Part.RECORD, Part.CASELOAD)


def _request_problems(receiving: Team | None, mine: Team | None, reason: str
                      ) -> dict[str, str]:
    problems: dict[str, str] = {}
    if receiving is None:
        problems["to_team"] = "Choose the team taking the person on."
    elif mine is not None and receiving.team_id == mine.team_id:
        problems["to_team"] = "That is this laptop's own team: choose the receiving team."
    if mine is None:
        problems["to_team"] = ("This laptop is not enrolled with a team: enrol it before "
                               "handing anyone over.")
    if reason not in {r.value for r in HandoverReason}:
        problems["reason"] = "Say why: release, transfer or a move to another team."
    return problems


def accept_handover(*, session: WorkerSession, handover_id: str) -> Changed:
    mine = my_team(session=session)
    with session.transaction() as db:
        repo = HandoverRepository(db, session.context)
        entry = repo.get(handover_id)
        if entry is None:
            raise NotFound("That handover")
        if entry.state != "open" or mine is None or entry.handover.to_team != mine.team_id:
            raise InvalidInput({"handover": "Only the receiving team can accept a handover, "
                                            "once the server has passed it on."})
        repo.accept(handover_id, session.worker.full_name)
        session.audit(db, AuditAction.EDIT, record_type="handover",
                      record_id=entry.handover.person_id,
                      detail={"handover": handover_id, "accepted": True})
    return Changed.of(entry.handover.person_id, Part.RECORD, Part.CASELOAD)


def waiting(*, session: WorkerSession, today: date | None = None) -> list[HandoverView]:
    """Handovers not yet accepted, to or from this laptop's team, oldest deadline first."""
    today = today or date.today()
    mine = my_team(session=session)
    with session.transaction(read_only=True) as db:
        entries = HandoverRepository(db).waiting()
    return [HandoverView(e, mine is not None and e.handover.to_team == mine.team_id,
                         e.handover.is_overdue(today)) for e in entries]


def of_person(*, session: WorkerSession, person_id: str) -> list[HandoverEntry]:
    with session.transaction(read_only=True) as db:
        return HandoverRepository(db).of_person(person_id)
