"""Tables for care plans: numbered versions, their signatures, and the device's signing key.

Signed versions and all signatures are append-only. The repository refuses to change
them and so does the database itself (triggers in migration 0005), so neither a code
path nor a sync bug can rewrite what a person signed.
"""

from __future__ import annotations

from sqlalchemy import Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base, SyncableMixin, new_uuid


class CarePlanVersion(SyncableMixin, Base):
    """One version of a person's plan. A draft may change; a signed one never does."""

    __tablename__ = "care_plan_versions"

    # No foreign key and no unique number: see migration 0005 (sync order, offline twins).
    person_id: Mapped[str] = mapped_column(String(36), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content_json: Mapped[str] = mapped_column(Text)  # canonical JSON (app.domain.careplan)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    supersedes_id: Mapped[str | None] = mapped_column(String(36))
    created_by_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[str] = mapped_column(String(40))
    signed_at: Mapped[str | None] = mapped_column(String(40))
    fingerprint: Mapped[str] = mapped_column(String(64), default="")


class CarePlanSignature(SyncableMixin, Base):
    """The person's or the worker's signature, or why there is none. Never edited."""

    __tablename__ = "care_plan_signatures"
    __table_args__ = (UniqueConstraint("version_id", "role"),)

    version_id: Mapped[str] = mapped_column(String(36), index=True)
    # Repeated from the version so sync can scope a signature to its person without a join.
    person_id: Mapped[str] = mapped_column(String(36), index=True)
    role: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text, default="")
    strokes_json: Mapped[str] = mapped_column(Text, default="[]")
    aspect: Mapped[str] = mapped_column(String(12), default="3.0")
    signer_name: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[str] = mapped_column(String(40))


class SigningCredential(Base):
    """This device's PDF signing key and certificate chain. Local only, never synced.

    The private key lives here, inside the SQLCipher database, never as a loose file.
    """

    __tablename__ = "signing_credentials"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    source: Mapped[str] = mapped_column(String(16))  # 'standalone' | 'organisation' | 'pending'
    key_der: Mapped[bytes] = mapped_column(LargeBinary)  # PKCS#8
    cert_der: Mapped[bytes | None] = mapped_column(LargeBinary)
    ca_der: Mapped[bytes | None] = mapped_column(LargeBinary)  # the root this device trusts
    created_at: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(default=False)


# What sync should carry for care plans, parents before children. Both rows name their
# person in `person_id`; signatures are append-only, and a signed version never changes
# (a draft version is edited like any other row until it is signed).
SYNCED_TABLES_CAREPLAN = ("care_plan_versions", "care_plan_signatures")
