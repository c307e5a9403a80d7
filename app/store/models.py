"""Tables of the local store (SQLAlchemy 2 declarative, Mapped[] columns)."""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


def new_uuid() -> str:
    return str(uuid.uuid4())


class SyncableMixin:
    """Identity every syncable row carries, so sync can merge and never lose it.

    id is made on the client; revision_id changes on every write and base_revision_id
    names the revision the write started from (the common base for a 3-way merge);
    stamps come from the device's hybrid logical clock; deletes are tombstones.
    """

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    revision_id: Mapped[str] = mapped_column(String(36), default=new_uuid)
    base_revision_id: Mapped[str | None] = mapped_column(String(36))
    created_hlc: Mapped[str] = mapped_column(String(64))
    updated_hlc: Mapped[str] = mapped_column(String(64), index=True)
    device_id: Mapped[str] = mapped_column(String(36))
    worker_id: Mapped[str] = mapped_column(String(36))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class Worker(Base):
    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32), default="worker")
    created_at: Mapped[str] = mapped_column(String(40))


class DeviceMeta(Base):
    """Key/value facts about this device: its id, mode, and the audit chain head."""

    __tablename__ = "device_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditEvent(Base):
    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at_utc: Mapped[str] = mapped_column(String(40))
    hlc: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(String(36))
    worker_id: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(32))
    record_type: Mapped[str | None] = mapped_column(String(64))
    record_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class Draft(Base):
    """Typed but unsaved form content, kept inside the encrypted database."""

    __tablename__ = "drafts"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    worker_id: Mapped[str] = mapped_column(String(36))
    payload: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[str] = mapped_column(String(40))


class Person(SyncableMixin, Base):
    """A person's identity. Aliases, consent and the assessment hang off it."""

    __tablename__ = "people"

    given_name: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[str | None] = mapped_column(String(10))
    middle_name: Mapped[str] = mapped_column(String(200), default="")
    sex: Mapped[str] = mapped_column(String(8), default="")
    gender: Mapped[str] = mapped_column(String(100), default="")
    ethnicity: Mapped[str] = mapped_column(String(8), default="")
    nationality: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    safe_to_leave_message: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_notes: Mapped[str] = mapped_column(Text, default="")
    address_line1: Mapped[str] = mapped_column(String(200), default="")
    address_line2: Mapped[str] = mapped_column(String(200), default="")
    town: Mapped[str] = mapped_column(String(100), default="")
    postcode: Mapped[str] = mapped_column(String(12), default="")
    home_district: Mapped[str] = mapped_column(String(40), default="")
    out_of_area: Mapped[bool] = mapped_column(Boolean, default=False)
    pnc_id: Mapped[str] = mapped_column(String(16), default="", index=True)
    prison_number: Mapped[str] = mapped_column(String(10), default="", index=True)
    nhs_number: Mapped[str] = mapped_column(String(10), default="", index=True)
    merged_into: Mapped[str | None] = mapped_column(String(36))
    # Makes the person's answer ids (assessment_repo.answer_id); set once, when the
    # person is first recorded; empty for people recorded before it existed.
    id_salt: Mapped[str] = mapped_column(String(64), default="")
