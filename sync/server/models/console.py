"""The web console's own state: browser sessions and admins' second factor (TOTP)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.models.base import Base, UTCDateTime, utcnow


class ConsoleSession(Base):
    """A signed-in browser. Only the cookie's hash is kept. `stage` is `full`, or what
    the account must still do before any page opens: `totp` (type a code) or
    `enrol_totp` (an admin without a second factor yet)."""

    __tablename__ = "console_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id"), index=True)
    stage: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConsoleTotp(Base):
    """A worker's TOTP secret, sealed under the master key (it must be read back to check
    a code, so it cannot be hashed). `confirmed_at` None: enrolment not finished.
    `last_step`: the last 30-second step accepted, so one code works once."""

    __tablename__ = "console_totp"

    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id"), primary_key=True)
    nonce: Mapped[bytes] = mapped_column(LargeBinary(12))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary(64))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_step: Mapped[int | None] = mapped_column(Integer)


class ConsoleRecoveryCode(Base):
    """One-use recovery codes for a lost authenticator; only their hashes are kept."""

    __tablename__ = "console_recovery_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConsolePasswordReset(Base):
    """A one-time code IT gives a worker to choose a new password at /console/password
    (a new account starts with one too, so IT never knows a worker's password). Only the
    code's hash is kept; it expires, and works once."""

    __tablename__ = "console_password_resets"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id"), index=True)
    issued_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
