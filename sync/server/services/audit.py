"""Writing the append-only audit log and telling team leads what they must see."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from sync.server.models import AuditEvent, Notification


def record(
    session: Session,
    action: str,
    *,
    actor: str,
    worker_id: str | None = None,
    device_id: str | None = None,
    person_id: str | None = None,
    **detail: str | int | bool | None,
) -> AuditEvent:
    """Append one event. `detail` must never carry secrets (keys, tokens, passwords)."""
    event = AuditEvent(
        action=action,
        actor=actor,
        worker_id=worker_id,
        device_id=device_id,
        person_id=person_id,
        detail=json.dumps(detail, sort_keys=True),
    )
    session.add(event)
    session.flush()  # assigns the id a notification points to
    return event


def notify_team(
    session: Session, team_ids: set[str], event: AuditEvent, *, kind: str, text: str
) -> list[Notification]:
    """One notification per team; the team's leads read them at /team/notifications."""
    notes = [
        Notification(
            team_id=team_id,
            kind=kind,
            worker_id=event.worker_id,
            person_id=event.person_id,
            detail=text[:600],
            audit_event_id=event.id,
        )
        for team_id in sorted(team_ids)
    ]
    session.add_all(notes)
    return notes
