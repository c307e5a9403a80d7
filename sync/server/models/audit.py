"""Append-only audit log, team-lead notifications, and rate-limit counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.models.base import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    """One row per security-relevant act. Database triggers refuse UPDATE and DELETE, and
    each row is chained to the one before it (services/audit.py), so that rows removed or
    edited behind the triggers' backs show."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(60), index=True)
    actor: Mapped[str] = mapped_column(String(100))  # "worker:<id>", "device:<id>", "cli:<user>"
    worker_id: Mapped[str | None] = mapped_column(String(36))
    device_id: Mapped[str | None] = mapped_column(String(36))
    person_id: Mapped[str | None] = mapped_column(String(36), index=True)
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON; never secrets
    # The entry_hash of the event before (in id order); 64 zeros for the first.
    prev_hash: Mapped[str] = mapped_column(String(64))
    # HMAC-SHA256 under a key derived from the master key, over prev_hash and the content.
    entry_hash: Mapped[str] = mapped_column(String(64))
    # False only for events older than the chain: migration 0008 linked them with plain
    # SHA-256 (it has no key); the first keyed event after them seals them.
    keyed: Mapped[bool] = mapped_column(Boolean)


class Notification(Base):
    """Something a team lead must see, e.g. a break-glass access by one of their workers."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    worker_id: Mapped[str | None] = mapped_column(String(36))
    person_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[str] = mapped_column(String(600))
    audit_event_id: Mapped[int] = mapped_column(ForeignKey("audit_events.id"))
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RateLimitBucket(Base):
    """Fixed-window counter. In the database so every worker process shares one count."""

    __tablename__ = "rate_limit_buckets"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[int] = mapped_column(Integer, primary_key=True)  # epoch seconds
    count: Mapped[int] = mapped_column(Integer, default=0)
