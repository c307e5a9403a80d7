"""What the quarterly reports keep on the server: the key their pseudonyms are made with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.models.base import Base, UTCDateTime, utcnow


class ReportKey(Base):
    """A random 256-bit key, sealed (AES-256-GCM) under a key derived from the master key,
    which never enters the database: a backup alone cannot make or reverse a pseudonym.

    One row per purpose (`id`), made on first use; the primary key makes two processes
    that make it at once agree on one. Never rotated by the server: a new key would give
    every person a new pseudonym and break the evaluator's series across quarters."""

    __tablename__ = "report_keys"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # "pseudonym"
    nonce: Mapped[bytes] = mapped_column(LargeBinary)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
