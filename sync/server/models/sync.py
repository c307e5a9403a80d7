"""What sync keeps on the server: current rows, superseded revisions, the change ledger,
the counters that order the feed and scope changes, and the scope changes themselves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.models.base import Base, UTCDateTime, utcnow

FEED_COUNTER = 1  # the feed's seq
SCOPE_COUNTER = 2  # bumped by whatever changes which people some device may hold


class SyncCounter(Base):
    """Two rows. FEED_COUNTER: every push locks it until commit, so seq order is commit
    order and a puller can never pass over a change that commits later with a smaller
    seq. SCOPE_COUNTER: a device whose `scope_seen` equals it has nothing to backfill or
    evict, and its pull skips looking (fetches and team moves are rare)."""

    __tablename__ = "sync_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class SyncRow(Base):
    __tablename__ = "sync_rows"
    __table_args__ = (Index("ix_sync_rows_person_seq", "person_id", "seq"),
                      # Partial (migration 0013): most rows have no key, and skip it.
                      Index("uq_sync_rows_table_name_unique_key", "table_name", "unique_key",
                            unique=True, postgresql_where=text("unique_key IS NOT NULL"),
                            sqlite_where=text("unique_key IS NOT NULL")))

    table_name: Mapped[str] = mapped_column(String(60), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)  # the unique index serves pulls
    revision_id: Mapped[str] = mapped_column(String(36))
    hlc: Mapped[str] = mapped_column(String(80))
    device_id: Mapped[str] = mapped_column(String(36))
    worker_id: Mapped[str] = mapped_column(String(36))
    append_only: Mapped[bool] = mapped_column(Boolean, default=False)
    fields_json: Mapped[str] = mapped_column(Text)
    # What no other row of the table may share (a person's answer to one question): a
    # hash of the unique fields, None for tables without one (migration 0012).
    unique_key: Mapped[str | None] = mapped_column(String(64))


class SyncRevision(Base):
    """Every revision a row has had: the common base for the next three-way merge."""

    __tablename__ = "sync_revisions"

    table_name: Mapped[str] = mapped_column(String(60), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    revision_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    fields_json: Mapped[str] = mapped_column(Text)


class SyncChange(Base):
    """The ledger that makes push idempotent: a change id is applied once, ever."""

    __tablename__ = "sync_changes"

    change_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(String(36))  # no foreign key: see migration 0007
    result_json: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Whose change to what (migration 0010; NULL for changes received before it): the
    # worker is the one whose credential the push carried, never the laptop's word.
    worker_id: Mapped[str | None] = mapped_column(String(36))
    person_id: Mapped[str | None] = mapped_column(String(36), index=True)
    table_name: Mapped[str | None] = mapped_column(String(60))
    row_id: Mapped[str | None] = mapped_column(String(36))


class ScopeChange(Base):
    """A change of who may hold a person: a team move (from -> to) or a fetch onto one
    device. `version` is the scope counter the change took (SCOPE_COUNTER, locked until
    commit, so versions are in commit order): a pull reads the entries after the
    device's `scope_seen` to find whom to backfill and whom to evict. No per-device
    list of held people is kept (recording one per pulled person cost a pull a third
    of its time)."""

    __tablename__ = "sync_scope_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version: Mapped[int] = mapped_column(BigInteger, index=True)
    person_id: Mapped[str] = mapped_column(String(36), index=True)
    from_team_id: Mapped[str | None] = mapped_column(String(36))
    to_team_id: Mapped[str | None] = mapped_column(String(36))
    device_id: Mapped[str | None] = mapped_column(String(36))  # fetched onto this device
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
