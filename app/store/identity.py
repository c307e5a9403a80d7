"""Stamping syncable rows with who/where/when and their revision lineage."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.clock import HybridLogicalClock
from app.store.models import SyncableMixin, new_uuid


@dataclass(frozen=True)
class WriteContext:
    """Who is writing on which device, and the device's clock."""

    device_id: str
    worker_id: str
    clock: HybridLogicalClock

    def hlc(self) -> str:
        return self.clock.tick().encode()


def stamp_new(row: SyncableMixin, ctx: WriteContext, *, append_only: bool = False) -> None:
    """`append_only`: a row never edited has one revision, named by its own id, as the
    outbox sends it and every other laptop stores it."""
    row.id = row.id or new_uuid()
    row.created_hlc = row.updated_hlc = ctx.hlc()
    row.revision_id = row.id if append_only else new_uuid()
    row.base_revision_id = None
    row.device_id, row.worker_id = ctx.device_id, ctx.worker_id
    row.deleted = False


def stamp_edit(row: SyncableMixin, ctx: WriteContext) -> None:
    """A new revision whose base is the one it was edited from."""
    row.base_revision_id = row.revision_id
    row.revision_id = new_uuid()
    row.updated_hlc = ctx.hlc()
    row.device_id, row.worker_id = ctx.device_id, ctx.worker_id


def stamp_delete(row: SyncableMixin, ctx: WriteContext) -> None:
    """Deletes are tombstones: the row stays so the delete can sync and be audited."""
    stamp_edit(row, ctx)
    row.deleted = True
