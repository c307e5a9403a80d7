"""Local sync bookkeeping tables (migration 0004)."""

from __future__ import annotations

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base


class OutboxEntry(Base):
    """One local change waiting to be pushed; written in the same transaction as the edit."""

    __tablename__ = "sync_outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    change_id: Mapped[str] = mapped_column(String(36), unique=True)
    table_name: Mapped[str] = mapped_column(String(60))
    row_id: Mapped[str] = mapped_column(String(36), index=True)
    revision_id: Mapped[str] = mapped_column(String(36))
    base_revision_id: Mapped[str | None] = mapped_column(String(36))
    hlc: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)  # {"person_id", "worker_id", "fields", ...}
    changed_fields: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(12), default="pending")
    error: Mapped[str | None] = mapped_column(Text)


class SyncState(Base):
    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SyncConflict(Base):
    """A field two workers changed differently: the kept value is current, this holds the other."""

    __tablename__ = "sync_conflicts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(60))
    row_id: Mapped[str] = mapped_column(String(36), index=True)
    person_id: Mapped[str] = mapped_column(String(36), index=True)
    revision_id: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(60))
    kept_value: Mapped[str] = mapped_column(Text)
    other_value: Mapped[str] = mapped_column(Text)
    other_worker: Mapped[str] = mapped_column(String(200))
    other_device: Mapped[str] = mapped_column(String(36))
    other_hlc: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(40))
    resolved_at: Mapped[str | None] = mapped_column(String(40))
    resolved_by: Mapped[str | None] = mapped_column(String(200))


class SetAsideRow(Base):
    """A pulled row this laptop could not store, kept as it came (migration 0007).

    Set aside in the transaction that applies its page, so the cursor moves past it and
    one bad row never stops a team's sync. Tried again by the next app version that
    pulls (it may know the table or field, or the rule may have changed), or when a
    worker asks; dropped once it, or a newer revision of the same row, is stored."""

    __tablename__ = "sync_set_aside"
    __table_args__ = (Index("ix_sync_set_aside_row", "table_name", "row_id"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)  # arrival order
    # Text, not String(36): these come from the row itself and may be anything.
    table_name: Mapped[str] = mapped_column(Text)
    row_id: Mapped[str] = mapped_column(Text)
    person_id: Mapped[str] = mapped_column(Text, index=True)
    row_json: Mapped[str] = mapped_column(Text)  # the row exactly as the server sent it
    reason: Mapped[str] = mapped_column(Text)
    app_version: Mapped[str] = mapped_column(String(40), index=True)
    set_aside_at: Mapped[str] = mapped_column(String(40))


class HandoverRow(Base):
    """A handover of a person between teams, as the server keeps it (its `_handovers`
    rows), or as this laptop asked for it and has not yet heard back (migration 0012).

    `state`: "requested" (asked here, not sent or not yet answered), "open" (the server
    moved the person; the receiving team must accept) or "accepted"."""

    __tablename__ = "handovers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(36), index=True)
    state: Mapped[str] = mapped_column(String(12))
    from_team_id: Mapped[str] = mapped_column(String(36))
    from_team_name: Mapped[str] = mapped_column(String(200))
    to_team_id: Mapped[str] = mapped_column(String(36))
    to_team_name: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")
    requested_by: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[str] = mapped_column(String(40))
    accept_by: Mapped[str] = mapped_column(String(10))
    accepted_at: Mapped[str | None] = mapped_column(String(40))
    accepted_by: Mapped[str | None] = mapped_column(String(200))
