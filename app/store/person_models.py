"""Tables for the shared record: the person, aliases, consent, the one assessment, contacts.

Assessment values are stored one row per field so that two workers editing different
fields of one section never collide, and sync can merge them field by field. Field
history, merges and contacts are records of what happened and are never edited.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base, SyncableMixin, new_uuid


class PersonAlias(SyncableMixin, Base):
    __tablename__ = "person_aliases"

    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    text: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), default="alias")


class Consent(SyncableMixin, Base):
    """One agreement to share with one agency; withdrawal is recorded on it, not a delete."""

    __tablename__ = "consents"

    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    agency: Mapped[str] = mapped_column(String(40))
    given_on: Mapped[str] = mapped_column(String(10))
    recorded_by: Mapped[str] = mapped_column(String(200))
    withdrawn_on: Mapped[str | None] = mapped_column(String(10))
    withdrawal_recorded_by: Mapped[str] = mapped_column(String(200), default="")
    how: Mapped[str] = mapped_column(String(10), default="")  # verbal or written
    review_on: Mapped[str | None] = mapped_column(String(10))


class AssessmentValue(SyncableMixin, Base):
    """The current answer to one field of the person's single assessment."""

    __tablename__ = "assessment_values"
    __table_args__ = (UniqueConstraint("person_id", "section", "field"),)

    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    section: Mapped[str] = mapped_column(String(40))
    field: Mapped[str] = mapped_column(String(60))
    value_json: Mapped[str] = mapped_column(Text)


class SectionConfirmation(SyncableMixin, Base):
    """Who last confirmed a section was true, and when (saving a section confirms it)."""

    __tablename__ = "section_confirmations"
    __table_args__ = (UniqueConstraint("person_id", "section"),)

    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    section: Mapped[str] = mapped_column(String(40))
    confirmed_by_name: Mapped[str] = mapped_column(String(200))
    confirmed_at: Mapped[str] = mapped_column(String(40))


class AssessmentHistory(Base):
    """Append-only: every value a field has ever had, with who, where and when."""

    __tablename__ = "assessment_history"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    person_id: Mapped[str] = mapped_column(String(36), index=True)
    section: Mapped[str] = mapped_column(String(40))
    field: Mapped[str] = mapped_column(String(60))
    old_json: Mapped[str] = mapped_column(Text)
    new_json: Mapped[str] = mapped_column(Text)
    worker_id: Mapped[str] = mapped_column(String(36))
    worker_name: Mapped[str] = mapped_column(String(200))
    device_id: Mapped[str] = mapped_column(String(36))
    hlc: Mapped[str] = mapped_column(String(64), index=True)
    at_utc: Mapped[str] = mapped_column(String(40))


class Contact(SyncableMixin, Base):
    """A meeting with the person: custody, court, prison or community."""

    __tablename__ = "contacts"

    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    setting: Mapped[str] = mapped_column(String(20))
    at_utc: Mapped[str] = mapped_column(String(40))
    worker_name: Mapped[str] = mapped_column(String(200))


class PersonMerge(SyncableMixin, Base):
    """Two records found to be one person. Undo sets undone_at; nothing is deleted."""

    __tablename__ = "person_merges"

    survivor_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    merged_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    merged_by_name: Mapped[str] = mapped_column(String(200))
    merged_at: Mapped[str] = mapped_column(String(40))
    undone_at: Mapped[str | None] = mapped_column(String(40))


class PersonDigest(Base):
    """Local, derived, never synced: what the caseload shows without opening each record."""

    __tablename__ = "person_digest"

    person_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    last_contact_at: Mapped[str | None] = mapped_column(String(40), index=True)
    last_contact_setting: Mapped[str | None] = mapped_column(String(20))
    risk_level: Mapped[str] = mapped_column(String(20), default="not_assessed")
    risk_headline: Mapped[str] = mapped_column(String(300), default="Risk not assessed")
    confirmations_json: Mapped[str] = mapped_column(Text, default="{}")
    key_worker_id: Mapped[str | None] = mapped_column(String(36), index=True)
    touched_by_json: Mapped[str] = mapped_column(Text, default="[]")
    # The journey's standing events, compact (app.domain.journey.digest): where the person
    # is and what comes next are derived from it on the day the caseload is shown.
    journey_json: Mapped[str] = mapped_column(Text, default="[]")
    # What can still make a task (app.domain.tasks.digest) and the first days one shows
    # and is overdue (migration 0016). NULL: not built yet, or written to since.
    tasks_json: Mapped[str | None] = mapped_column(Text)
    tasks_shows_on: Mapped[str | None] = mapped_column(String(10))
    tasks_overdue_on: Mapped[str | None] = mapped_column(String(10))


class BlockingKey(Base):
    """Local index for find-before-create: candidates share at least one key."""

    __tablename__ = "person_blocking_keys"

    person_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True, index=True)


class SearchEntry(Base):
    """Where each person's full-text entry sits in people_search (its FTS rowid).

    The FTS table can only find a person's entry by scanning all of it (person_id is
    UNINDEXED there), so an incremental pull touching one person would pay for everyone;
    this ordinary table turns that into a lookup, and the entry is removed by rowid.
    """

    __tablename__ = "people_search_entries"

    fts_rowid: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    person_id: Mapped[str] = mapped_column(String(36), index=True)
