"""TOP outcome forms as rows: dated, append-only and synced (app.domain.outcomes).

A form is never edited: a correction is a new row naming the one it supersedes (the
database refuses an update or a delete). The answers travel as one JSON object
(app.domain.outcomes.codec), so a measure nobody answered stays absent, never 0.
"""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base, SyncableMixin


class TopFormRow(SyncableMixin, Base):
    __tablename__ = "top_forms"

    person_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    completed_on: Mapped[str] = mapped_column(String(10))  # ISO date
    measures_json: Mapped[str] = mapped_column(Text, default="{}")
    supersedes_id: Mapped[str | None] = mapped_column(String(36))
    recorded_by_name: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[str] = mapped_column(String(40))
