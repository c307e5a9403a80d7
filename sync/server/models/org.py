"""Teams, workers, devices and the credentials that bind them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.models.base import Base, UTCDateTime, new_id, utcnow


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # The agency whose consent decides what this team may fetch from other teams.
    agency: Mapped[str] = mapped_column(String(40), default="treatment_provider")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The roles that work on laptops with people's records: they enrol a laptop, sign in
# there, and change the records, through the API or by sync. Partners only read; IT
# administers.
LAPTOP_ROLES = frozenset({"worker", "team_lead"})


class Worker(Base):
    """`username` is kept in lower case (services/org.normal_username); lookups lower
    what they are given, so `Ann` and `ann` are one account."""

    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"), index=True)
    partner_agency: Mapped[str | None] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Device(Base):
    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex
    # Good for POST /auth/sign-in only; lives outside the laptop's encrypted store.
    sign_in_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(200))
    # When the revoked laptop reported that it destroyed its keys (None: not yet, or never).
    wiped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The app version the laptop last reported (PUT APP_VERSION_PATH); None: not yet.
    app_version: Mapped[str | None] = mapped_column(String(40))
    # The scope counter when this device's pull last looked for people to backfill or
    # evict (sync_pull); None: never looked.
    scope_seen: Mapped[int | None] = mapped_column(BigInteger)


class EnrolmentCode(Base):
    __tablename__ = "enrolment_codes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by_device_id: Mapped[str | None] = mapped_column(ForeignKey("devices.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # admin cancel-code


class WorkerSession(Base):
    """A worker signed in on one device. Only the token's hash is kept."""

    __tablename__ = "worker_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id"), index=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class KeyEscrow(Base):
    """A device's local store key, sealed with AES-GCM under the master key (never in the DB)."""

    __tablename__ = "key_escrow"

    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    nonce: Mapped[bytes] = mapped_column(LargeBinary(12))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary(64))
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class KeyRelease(Base):
    """Whether the server may hand a laptop's store key to a worker new to that laptop
    (server policy `approval`): asked for (`pending`), `approved` or `refused`. One row per
    laptop and worker; a worker who enrolled a laptop, or signed in with its device
    token, is approved for it without asking (services/escrow)."""

    __tablename__ = "key_releases"

    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id"), primary_key=True)
    state: Mapped[str] = mapped_column(String(10))
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: never asked
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who decided: an audit actor (worker:<lead id>, cli:<login>), or how it came about.
    decided_by: Mapped[str | None] = mapped_column(String(80))


class WorkerCredential(Base):
    """A worker's credential for syncing from one laptop: a push carries the credentials
    of the workers whose changes it holds, and the server takes the author from it. Only
    the token's hash is kept. Dead once revoked or the worker disabled."""

    __tablename__ = "worker_credentials"
    __table_args__ = (Index("ix_worker_credentials_device_worker", "device_id", "worker_id"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    worker_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
