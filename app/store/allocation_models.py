"""Who is each person's key worker: allocations, append-only and synced."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base, SyncableMixin


class KeyWorkerAllocation(SyncableMixin, Base):
    """A person given to a key worker. The latest (by clock stamp) is the current one; the
    earlier ones stay, so who held the person when is never lost."""

    __tablename__ = "key_worker_allocations"

    person_id: Mapped[str] = mapped_column(String(36), index=True)
    key_worker_id: Mapped[str] = mapped_column(String(36))
    key_worker_name: Mapped[str] = mapped_column(String(200))
    allocated_by_name: Mapped[str] = mapped_column(String(200))
    allocated_at: Mapped[str] = mapped_column(String(40))
