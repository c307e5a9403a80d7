"""The journey's rows: dated events in every setting. Append-only, synced."""

from __future__ import annotations

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base, SyncableMixin


class JourneyEventRow(SyncableMixin, Base):
    """One thing that happened to a person. Never edited: a correction is a new row
    naming the one it supersedes (the database refuses an update or a delete)."""

    __tablename__ = "journey_events"
    __table_args__ = (Index("ix_journey_events_person_day", "person_id", "occurred_on"),)

    person_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(32))
    occurred_on: Mapped[str] = mapped_column(String(10))  # ISO date
    place: Mapped[str] = mapped_column(String(500), default="")
    details_json: Mapped[str] = mapped_column(Text, default="{}")
    supersedes_id: Mapped[str | None] = mapped_column(String(36))
    # Who and where, as words: a laptop of another team does not hold this worker.
    recorded_by_name: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[str] = mapped_column(String(40))
