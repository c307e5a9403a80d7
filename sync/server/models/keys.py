"""Per-team data keys: what the server's copy of the record is sealed under at rest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.models.base import Base, UTCDateTime, utcnow


class TeamKey(Base):
    """A team's random 256-bit data key, wrapped (AES-256-GCM) by a key derived from the
    master key, which never enters the database: a backup holds only the wrapped form.

    One key per team for now (the unique team id makes two processes that create it at
    once agree on one). Rows name the key they were sealed under by `id`, so a later
    rotation can add keys without rewriting what the old ones sealed."""

    __tablename__ = "team_keys"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # named in sealed text
    team_id: Mapped[str] = mapped_column(String(36), unique=True)
    nonce: Mapped[bytes] = mapped_column(LargeBinary)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
