"""The only way the sync client touches local data: this protocol, which app.store implements."""

from __future__ import annotations

from typing import Protocol

from sync import protocol as p


class LocalSyncStore(Protocol):
    def pending_changes(self, limit: int, skip: int = 0) -> list[p.Change]:
        """Unsent local changes, oldest first, after the first `skip` of them."""
        ...

    def record_results(self, results: list[p.ChangeResult]) -> None:
        """Drop acknowledged changes; keep refused ones, with the reason, for the worker."""
        ...

    def position(self) -> tuple[int, int | None]:
        """Where the next pull starts: the saved cursor, and the scope_version saved with
        the last applied page that carried one (None: never)."""
        ...

    def apply_page(self, page: p.PullResponse) -> int:
        """Apply rows and evictions and save page['next_cursor'] in one transaction."""
        ...
