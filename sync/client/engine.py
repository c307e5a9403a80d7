"""One sync cycle: push every pending change in batches, then pull every page."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from sync import protocol as p
from sync.client.store_api import LocalSyncStore
from sync.client.transport import HttpTransport

Progress = Callable[[str, int, int], None]  # stage, done, total-or-0


@dataclass
class SyncReport:
    pushed: int = 0
    refused: list[str] = field(default_factory=list)  # messages for the worker
    pulled: int = 0
    conflicts: int = 0
    evicted: int = 0
    clock_warning: str | None = None


class SyncEngine:
    def __init__(self, store: LocalSyncStore, transport: HttpTransport, *,
                 batch: int = 200, page: int = 2000) -> None:
        self._store = store
        self._transport = transport
        self._batch = min(batch, p.MAX_PUSH_BATCH)
        self._page = min(page, p.MAX_PULL_PAGE)

    def run_once(self, progress: Progress | None = None) -> SyncReport:
        report = SyncReport()
        self.push(report, progress)
        self.pull(report, progress)
        return report

    def push(self, report: SyncReport, progress: Progress | None = None) -> None:
        previous: list[str] = []
        while True:
            changes = self._store.pending_changes(self._batch)
            ids = [c["change_id"] for c in changes]
            if not changes or ids == previous:
                return  # nothing left, or nothing the store could settle: stop, never spin
            previous = ids
            reply = self._transport.push(changes)
            self._store.record_results(reply["results"])
            report.pushed += sum(r["status"] != "refused" for r in reply["results"])
            report.refused += [f'{r["change_id"][:8]}: {r["message"]}'
                               for r in reply["results"] if r["status"] == "refused"]
            report.conflicts += sum(r["conflicts"] for r in reply["results"])
            report.clock_warning = reply["clock_warning"] or report.clock_warning
            if progress:
                progress("push", report.pushed, 0)

    def pull(self, report: SyncReport, progress: Progress | None = None) -> None:
        """Page after page; the next page is fetched while this one is applied.

        Each page names the cursor after it, so page n+1 can be asked for as soon as
        page n has arrived: the server reads and sends it while this laptop decrypts and
        writes page n (a first sync spends about as long on each side). Page n+1 is only
        ever applied after page n has been committed, and if applying fails the
        prefetched page is dropped: the saved cursor still says where to start again."""
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-prefetch") as pool:
            cursor, scope_seen = self._store.position()
            page = self._transport.pull(cursor, self._page, check_scope=True,
                                        scope_seen=scope_seen)
            while True:
                ahead: Future[p.PullResponse] | None = None
                if page["has_more"]:
                    ahead = pool.submit(self._transport.pull, page["next_cursor"], self._page,
                                        check_scope=False)
                try:
                    report.pulled += self._store.apply_page(page)
                    report.evicted += len(page["evicted_people"])
                    if progress:
                        progress("pull", report.pulled, 0)
                except BaseException:
                    if ahead is not None:
                        ahead.cancel()
                    raise
                if ahead is None:
                    return
                page = ahead.result()
