"""Local sync bookkeeping tables (migration 0004)."""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
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
