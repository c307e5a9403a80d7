"""One sync cycle: push every pending change in batches, then pull every page."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import msgspec

from sync import protocol as p
from sync.client.store_api import LocalSyncStore
from sync.client.transport import HttpTransport, ServerRefused

Progress = Callable[[str, int, int], None]  # stage, done, total-or-0
PUSH_IN_FLIGHT = 2  # batches on the way to the server at once (see SyncEngine.push)
_JSON = msgspec.json.Encoder()


@dataclass(frozen=True)
class _InFlight:
    """A batch on its way: its changes, every person they depend on, the reply to come."""

    changes: list[p.Change]
    people: set[str]
    reply: Future[p.PushResponse]


@dataclass
class SyncReport:
    pushed: int = 0
    refused: list[str] = field(default_factory=list)  # messages for the worker
    pulled: int = 0
    conflicts: int = 0
    evicted: int = 0
    clock_warning: str | None = None
    # Changes kept for a later cycle: their worker has no sync credential here yet, or
    # the server said not yet (a clock far ahead). Why, in the server's words.
    waiting: list[str] = field(default_factory=list)
    disabled_workers: set[str] = field(default_factory=set)  # the server says: forget them
    uncredited: set[str] = field(default_factory=set)  # workers whose changes wait on one
    # Workers whose credential the server no longer takes (401): the laptop drops it,
    # so their next online sign-in fetches a new one.
    unverified: set[str] = field(default_factory=set)


class SyncEngine:
    def __init__(self, store: LocalSyncStore, transport: HttpTransport, *,
                 batch: int = p.MAX_PUSH_BATCH, page: int = 2000,
                 push_in_flight: int = PUSH_IN_FLIGHT,
                 credentials: dict[str, str] | None = None) -> None:
        """`credentials`: worker id -> that worker's sync credential on this laptop. A
        change is sent only with its worker's; the outbox stops at the first change
        whose worker has none (what follows may depend on it), until they sign in."""
        self._store = store
        self._credentials = credentials or {}
        self._held = HeldBack()  # what this cycle does not send (see _next_changes)
        self._uncredited: set[str] = set()  # workers whose changes wait for a credential
        self._in_flight = push_in_flight
        self._transport = transport
        self._batch = min(batch, p.MAX_PUSH_BATCH)
        self._page = min(page, p.MAX_PULL_PAGE)

    def run_once(self, progress: Progress | None = None) -> SyncReport:
        report = SyncReport()
        self.push(report, progress)
        self.pull(report, progress)
        return report

    def push(self, report: SyncReport, progress: Progress | None = None) -> None:
        """Batch after batch, two in flight when they concern different people.

        The server spends a batch's time half in Python and half in the database, and
        each of its processes runs one at a time; a second batch on the way keeps both
        busy (a large backlog goes up in about half the time). Two batches that share
        a person are never in flight together: a person's rows must arrive in the order
        they were written (the person before their assessment, an edit before the edit
        based on it, a merge after the record it folds in: protocol.people_of). Results
        are recorded in batch order. A change is sent once per cycle: one the store could
        not settle waits for the next cycle, never spins."""
        sent: set[str] = set()
        in_flight: deque[_InFlight] = deque()
        self._held, self._uncredited = HeldBack(), set()
        pool = ThreadPoolExecutor(max_workers=self._in_flight, thread_name_prefix="sync-push")
        try:
            while self._send_more(pool, in_flight, sent):
                self._record(in_flight.popleft(), report, progress)
        except BaseException:
            # A batch already on its way ends by itself, retries and all; its changes
            # stay pending and are acknowledged as replays next cycle. Waiting for it
            # would hold this error back for minutes.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        if self._uncredited:
            report.waiting.append(f"changes by {len(self._uncredited)} worker(s) who have not "
                                  "signed in online on this laptop since it was updated wait "
                                  "until they do")
        report.uncredited = set(self._uncredited)

    def _send_more(self, pool: ThreadPoolExecutor, in_flight: deque[_InFlight],
                   sent: set[str]) -> bool:
        """Fill the pipeline; False once nothing is in flight (the push is over)."""
        while len(in_flight) < self._in_flight:
            changes = _within_bytes(self._next_changes(in_flight, sent))
            if not changes:
                break
            people = set().union(*map(p.people_of, changes))
            if any(people & batch.people for batch in in_flight):
                break  # the earlier batch must land first
            sent.update(c["change_id"] for c in changes)
            credentials = {c["worker_id"]: self._credentials[c["worker_id"]] for c in changes}
            in_flight.append(_InFlight(changes, people, pool.submit(
                self._transport.push, changes, credentials)))
        return bool(in_flight)

    def _next_changes(self, in_flight: deque[_InFlight], sent: set[str]) -> list[p.Change]:
        """Up to a batch of the oldest changes not on their way and not held back. Held
        back: a change whose worker has no credential here, one the server kept for
        later, one already sent this cycle that the store could not settle, and any later
        change for a person one of those touches (it may depend on it)."""
        on_the_way = {c["change_id"] for batch in in_flight for c in batch.changes}
        limit = self._batch + len(on_the_way) + len(self._held.ids)
        while True:
            window = self._store.pending_changes(limit)
            picked = [c for c in window if c["change_id"] not in on_the_way
                      and self._sendable(c, sent)][:self._batch]
            if len(picked) == self._batch or len(window) < limit:
                return picked
            limit *= 2  # some held back: look further down the outbox for a full batch

    def _sendable(self, change: p.Change, sent: set[str]) -> bool:
        if self._held.blocks(change):
            self._held.hold(change)  # its person waits behind an earlier change
            return False
        if change["worker_id"] not in self._credentials or change["change_id"] in sent:
            if change["change_id"] not in sent:
                self._uncredited.add(change["worker_id"])
            self._held.hold(change)
            return False
        return True

    def _record(self, batch: _InFlight, report: SyncReport,
                progress: Progress | None) -> None:
        reply = _answer(batch.changes, batch.reply)
        later = {r["change_id"] for r in reply["results"] if r["code"] in p.KEPT_FOR_LATER}
        for change in batch.changes:  # kept pending, and what depends on them with them
            if change["change_id"] in later:
                self._held.hold(change)
        report.waiting += [r["message"] for r in reply["results"] if r["change_id"] in later]
        workers = {c["change_id"]: c["worker_id"] for c in batch.changes}
        report.unverified |= {workers[r["change_id"]] for r in reply["results"]
                              if r["code"] == p.NOT_VERIFIED and r["change_id"] in workers}
        settled = [r for r in reply["results"] if r["code"] not in p.KEPT_FOR_LATER]
        self._store.record_results(settled)
        report.pushed += sum(r["status"] != "refused" for r in settled)
        report.refused += [f'{r["change_id"][:8]}: {r["message"]}'
                           for r in settled if r["status"] == "refused"]
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
                    report.disabled_workers.update(page.get("disabled_workers", ()))
                    if progress:
                        progress("pull", report.pulled, 0)
                except BaseException:
                    if ahead is not None:
                        ahead.cancel()
                    raise
                if ahead is None:
                    return
                page = ahead.result()


class HeldBack:
    """Changes a push cycle does not send, and the people they touch."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.people: set[str] = set()

    def hold(self, change: p.Change) -> None:
        self.ids.add(change["change_id"])
        self.people |= p.people_of(change)

    def blocks(self, change: p.Change) -> bool:
        return change["change_id"] in self.ids or bool(p.people_of(change) & self.people)


def _answer(changes: list[p.Change], reply: Future[p.PushResponse]) -> p.PushResponse:
    """The server's answer; for one change too big for the server to take at all (413),
    an answer that refuses it here, so it waits, kept and shown, instead of stopping
    every sync after it for good."""
    try:
        return reply.result()
    except ServerRefused as refusal:
        if refusal.status != 413 or len(changes) != 1:
            raise
        size_kb = len(_JSON.encode(changes[0])) // 1024
        return {"results": [{
            "change_id": changes[0]["change_id"], "status": "refused", "code": 413,
            "message": f"too large for the server to take ({size_kb} KB): ask IT to raise "
                       "the server's body limit",
            "revision_id": None, "conflicts": 0}], "server_time_ms": 0, "clock_warning": None}


def _within_bytes(changes: list[p.Change]) -> list[p.Change]:
    """The first changes whose JSON stays within MAX_PUSH_BYTES (always at least one):
    a batch over the server's body limit would be refused whole, every cycle."""
    size = 0
    for count, change in enumerate(changes):
        size += len(_JSON.encode(change)) + 1
        if size > p.MAX_PUSH_BYTES and count:
            return changes[:count]
    return changes
